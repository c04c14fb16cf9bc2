"""No request the API's own schema describes makes a server error. schemathesis generates requests for every
operation — boundary and invalid values first (its coverage phase: huge ids, wrong types, missing fields), then
random ones — and sends them in-process as a monitor and as an applicant. Bad input must be a 4xx with the field,
never a 500 (two 500s it found, an overflowing id and an HTML OPTIONS answer, are fixed and have their own tests)."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token


def api_schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))
    schema.app = WSGIHandler()
    return schema


schema = api_schema()


@pytest.fixture(params=["monitor", "applicant"])
def auth(request, users, settings):
    """A token for the role; and, as Django's test client does, the database connection is kept open across the
    in-process requests (the handler would close it after each one, ending the test's transaction)."""
    settings.ALLOWED_HOSTS = ["*"]
    token = Token.objects.create(user=users[request.param])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Token {token.key}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=6, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_no_generated_request_makes_a_server_error(case, auth):
    response = case.call(headers=auth)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
