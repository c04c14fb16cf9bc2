"""A lost or refused database connection is a 503 with Retry-After and a Chinese body (JSON under /api/, the 503
page otherwise), never a 500 traceback, wherever it surfaces: in an API view (DRF's exception handler), in a page
view (DatabaseUnavailableMiddleware) or in a middleware (handler500). Simulated here by a connection that cannot
be opened; tests/core/test_postgres_blink.py restarts a real PostgreSQL."""

from unittest import mock

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, override_settings

from apps.accounts.models import User
from apps.core.unavailable import is_database_unavailable

pytestmark = pytest.mark.django_db


def database_down(error: Exception | None = None):
    """Every query of the block fails as PostgreSQL's refused connection does."""
    failure = error or OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=failure)


class QueryInMiddleware:
    """A middleware that reads the database before the view (as the session or the user can)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        User.objects.exists()
        return self.get_response(request)


def test_an_api_request_gets_a_json_503_with_retry_after(api, users):
    client = api(users["officer"])
    with database_down():
        response = client.get("/api/v1/records")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["error"] == "database_unavailable" and body["retry_after"] == 5
    assert "数据库暂时无法连接" in body["detail"] and "Traceback" not in response.content.decode()


def test_a_write_through_the_api_gets_the_503_too(api, users):
    client = api(users["applicant"])
    with database_down(InterfaceError("connection already closed")):
        body = {
            "record": 1,
            "ground": "error",
            "statement": "罚款金额登记错误。",
            "commitment_accepted": True,
            "commitment_signer_name": "张敏",
        }
        response = client.post("/api/v1/objections", body, format="json")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["error"] == "database_unavailable"


def test_a_page_gets_the_chinese_503_page(client, users):
    client.force_login(users["applicant"])
    with database_down():
        response = client.get("/portal/objections/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "服务暂时不可用（503）" in page and "请在 5 秒后重试" in page
    assert "Traceback" not in page and "OperationalError" not in page


@override_settings(DATABASE_UNAVAILABLE_RETRY_AFTER=30)
def test_the_retry_hint_follows_the_setting(api, users):
    with database_down():
        response = api(users["officer"]).get("/api/v1/records")
    assert response["Retry-After"] == "30" and "30 秒" in response.json()["detail"]


def test_a_failure_in_a_middleware_is_the_503_not_the_500_page(settings, users):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.core.test_database_unavailable.QueryInMiddleware"]
    client = Client(raise_request_exception=False)
    with database_down():
        page = client.get("/")
        api = client.get("/api/v1/records")
    assert page.status_code == 503 and "服务暂时不可用" in page.content.decode()
    assert page["Retry-After"] == "5"
    assert api.status_code == 503 and api.json()["error"] == "database_unavailable"


def test_other_errors_are_still_the_500_page(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.core.test_database_unavailable.QueryInMiddleware"]
    client = Client(raise_request_exception=False)
    with mock.patch.object(QueryInMiddleware, "__call__", side_effect=RuntimeError("bug")):
        response = client.get("/")
    assert response.status_code == 500 and "系统错误（500）" in response.content.decode()


def test_only_connection_failures_count_as_unavailable():
    assert is_database_unavailable(OperationalError("server closed the connection unexpectedly"))
    assert is_database_unavailable(InterfaceError("connection already closed"))
    assert not is_database_unavailable(IntegrityError("duplicate key"))
    assert not is_database_unavailable(RuntimeError("bug"))
    assert not is_database_unavailable(None)


def test_with_the_database_back_the_same_client_is_served(api, users):
    client = api(users["officer"])
    with database_down():
        assert client.get("/api/v1/records").status_code == 503
    assert client.get("/api/v1/records").status_code == 200
