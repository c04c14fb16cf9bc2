"""API tokens expire API_TOKEN_TTL_HOURS after they were issued and can be revoked by their user or an administrator;
either way the token then gets 401 with the standard error body."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.core.models import CaseEvent
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

TTL = timedelta(hours=12)  # settings.API_TOKEN_TTL_HOURS's default


def obtain(username="clerk1"):
    response = APIClient().post("/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def age(key, delta):
    """The token was issued `delta` earlier than it was."""
    token = Token.objects.get(key=key)
    Token.objects.filter(key=key).update(created=token.created - delta)


def assert_refused(response, error):
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["error"] == error and body["detail"] and body["fields"] == {}


def test_a_token_says_when_it_expires(users):
    body = obtain()
    token = Token.objects.get(key=body["token"])
    assert parse_datetime(body["expires_at"]) == token.created + TTL
    assert with_token(body["token"]).get("/api/v1/subjects").status_code == 200


def test_an_expired_token_is_refused_with_401_and_a_new_login_issues_a_new_one(users):
    key = obtain()["token"]
    age(key, TTL - timedelta(minutes=1))
    assert with_token(key).get("/api/v1/subjects").status_code == 200
    age(key, timedelta(minutes=1))
    response = with_token(key).get("/api/v1/subjects")
    assert_refused(response, "token_expired")
    assert "过期" in response.json()["detail"]

    fresh = obtain()
    assert fresh["token"] != key
    assert parse_datetime(fresh["expires_at"]) > timezone.now() + TTL - timedelta(minutes=1)
    assert with_token(fresh["token"]).get("/api/v1/subjects").status_code == 200


def test_a_login_while_the_token_lives_returns_the_same_token(users):
    first = obtain()
    assert obtain() == first


def test_the_lifetime_is_configurable(users, settings):
    settings.API_TOKEN_TTL_HOURS = 1
    key = obtain()["token"]
    age(key, timedelta(minutes=61))
    assert_refused(with_token(key).get("/api/v1/subjects"), "token_expired")


def test_the_user_revokes_their_token(users):
    key = obtain()["token"]
    client = with_token(key)
    assert client.post("/api/v1/auth/token/revoke").status_code == 204
    assert_refused(client.get("/api/v1/subjects"), "authentication_failed")
    assert_refused(client.post("/api/v1/auth/token/revoke"), "authentication_failed")
    event = CaseEvent.objects.get(kind="api_token_revoked")
    assert event.case_id == users["clerk"].pk and event.actor == users["clerk"]
    assert obtain()["token"] != key  # signing in again gives a new token


def test_revoking_needs_a_signed_in_user():
    assert_refused(APIClient().post("/api/v1/auth/token/revoke"), "not_authenticated")


def test_an_administrator_revokes_tokens_from_the_user_list(users):
    clerk_key, officer_key, monitor_key = (
        obtain("clerk1")["token"],
        obtain("officer1")["token"],
        obtain("monitor1")["token"],
    )
    admin = Client()
    admin.force_login(users["admin"])
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "revoke_api_tokens", "_selected_action": [users["clerk"].pk, users["officer"].pk]},
    )
    assert response.status_code == 302
    assert "已撤销 2 个 API 令牌" in admin.get(response["Location"]).content.decode()
    assert_refused(with_token(clerk_key).get("/api/v1/subjects"), "authentication_failed")
    assert_refused(with_token(officer_key).get("/api/v1/subjects"), "authentication_failed")
    assert with_token(monitor_key).get("/api/v1/subjects").status_code == 200
    revoked = CaseEvent.objects.filter(kind="api_token_revoked")
    assert {(e.case_id, e.actor_id) for e in revoked} == {
        (users["clerk"].pk, users["admin"].pk),
        (users["officer"].pk, users["admin"].pk),
    }


def test_the_token_admin_shows_the_expiry_and_deleting_revokes(users):
    key = obtain()["token"]
    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get("/admin/authtoken/tokenproxy/").content.decode()
    assert "过期时间" in page and "clerk1" in page
    response = admin.post(f"/admin/authtoken/tokenproxy/{users['clerk'].pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert_refused(with_token(key).get("/api/v1/subjects"), "authentication_failed")
    assert CaseEvent.objects.filter(kind="api_token_revoked", case_id=users["clerk"].pk).exists()
