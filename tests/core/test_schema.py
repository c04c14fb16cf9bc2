"""The OpenAPI schema is generated without warnings: every request body has its own component (two views'
InputSerializers once collapsed into one wrong "Input") and every operation its own id."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


@pytest.mark.django_db
def test_schema_has_no_warnings_and_distinct_request_components(api, users):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, f"schema warnings or errors: {GENERATOR_STATS}"
    components = schema["components"]["schemas"]
    assert "Input" not in components
    assert {"TokenObtainInput", "RepairRevokeInput", "MonthlyReportInput"} <= set(components)
    operation_ids = [
        operation["operationId"]
        for methods in schema["paths"].values()
        for method, operation in methods.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(operation_ids) == len(set(operation_ids))
    assert "/api/v1/stats/monthly" in schema["paths"]
    # And the served schema answers.
    assert api(users["admin"]).get("/api/schema/").status_code == 200
