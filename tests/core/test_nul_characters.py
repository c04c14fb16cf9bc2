"""NUL characters (which PostgreSQL cannot store or compare) in a query parameter or a JSON value are a 400 naming
the parameter or field, on every database; uploads (binary) are not affected."""

import pytest

pytestmark = pytest.mark.django_db


def test_nul_in_a_query_parameter_is_refused_naming_it(api, users):
    response = api(users["monitor"]).get("/api/v1/records", {"uscc": "91\x00", "kind": ""})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid" and "uscc" in response.json()["fields"]


def test_nul_in_a_nested_json_value_is_refused_naming_it(api, users):
    body = {"uscc": "91350100M000100Y43", "claimed": {"facts": "a\x00b"}, "items": ["ok", {"x": "\x00"}]}
    response = api(users["monitor"]).post("/api/v1/objections", body, format="json")
    assert response.status_code == 400 and "claimed.facts" in response.json()["fields"]
    response = api(users["monitor"]).post("/api/v1/records", {"penalty_types": ["\x00"]}, format="json")
    assert response.status_code == 400 and "penalty_types[0]" in response.json()["fields"]


def test_pages_get_a_plain_400(client, users):
    client.force_login(users["monitor"])
    assert client.get("/workbench/stats/monthly/", {"month": "2026-10\x00"}).status_code == 400


def test_ordinary_requests_and_json_without_nul_pass(api, users):
    assert api(users["monitor"]).get("/api/v1/records", {"kind": "administrative_penalty"}).status_code == 200
    response = api(users["officer"]).post("/api/v1/records", {"kind": "nonsense"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["fields"]  # the view's own validation
