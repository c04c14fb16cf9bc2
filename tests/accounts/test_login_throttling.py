"""Password guessing is limited (django-axes): LOGIN_FAILURE_LIMIT (20) failed logins for a username, or from a client
address, lock it out for LOGIN_LOCKOUT_MINUTES on the token API and the login page alike, and say until when."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.db.models import F
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 20  # settings.LOGIN_FAILURE_LIMIT's default
LOCKOUT = timedelta(minutes=15)  # settings.LOGIN_LOCKOUT_MINUTES's default


def clock_forward(delta: timedelta) -> None:
    """Time passes for the lockout: every failure axes has stored becomes `delta` older."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def token_login(username, password, client=None, **extra):
    return (client or APIClient()).post(
        "/api/v1/auth/token", {"username": username, "password": password}, format="json", **extra
    )


def page_login(username, password, client=None, **extra):
    return (client or Client()).post("/accounts/login/", {"username": username, "password": password}, **extra)


def expected_times(**locked) -> set[str]:
    """HH:MM (Asia/Shanghai) of the end of the lockout of a username or address, rounded up to the minute. The
    refused request itself may move the last attempt across a minute boundary after its message was written, so the
    minute before counts too."""
    last = AccessAttempt.objects.filter(**locked).latest("attempt_time").attempt_time
    end = timezone.localtime(last + LOCKOUT)
    if end.second or end.microsecond:
        end = end.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return {end.strftime("%H:%M"), (end - timedelta(minutes=1)).strftime("%H:%M")}


def assert_locked_api(response, **locked):
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["error"] == "login_locked" and body["fields"] == {}
    assert any(f"请于 {time} 后再试" in body["detail"] for time in expected_times(**locked)), body["detail"]
    assert 0 < body["retry_after"] <= LOCKOUT.total_seconds()
    assert response["Retry-After"] == str(body["retry_after"])
    return body["retry_after"]


def assert_locked_page(response, username, **locked):
    assert response.status_code == 429
    html = response.content.decode()
    times = expected_times(**(locked or {"username": username}))
    assert "登录失败次数过多" in html and any(f"请于 {time} 后再试" in html for time in times)
    assert '<form method="post">' in html and f'value="{username}"' in html  # the form again, username kept
    assert 0 < int(response["Retry-After"]) <= LOCKOUT.total_seconds()


def test_twenty_wrong_passwords_lock_the_token_api_until_the_time_it_names(users):
    for attempt in range(1, LIMIT):
        response = token_login("officer1", f"wrong-{attempt}")
        assert response.status_code == 400 and response.json()["error"] == "invalid_credentials"
    assert_locked_api(token_login("officer1", "wrong-20"), username="officer1")  # the 20th failure locks
    # The right password is refused while the lockout lasts, and asking does not prolong it.
    assert 14 * 60 < assert_locked_api(token_login("officer1", DEMO_PASSWORD), username="officer1") <= 15 * 60
    clock_forward(LOCKOUT - timedelta(minutes=1))
    assert assert_locked_api(token_login("officer1", DEMO_PASSWORD), username="officer1") <= 60
    clock_forward(timedelta(minutes=1))
    response = token_login("officer1", DEMO_PASSWORD)
    assert response.status_code == 200 and response.json()["token"]


def test_twenty_wrong_passwords_lock_the_login_page_until_the_time_it_names(users):
    for attempt in range(1, LIMIT):
        response = page_login("officer1", f"wrong-{attempt}")
        assert response.status_code == 200 and "登录失败次数过多" not in response.content.decode()
    assert_locked_page(page_login("officer1", "wrong-20"), "officer1")
    client = Client()
    assert_locked_page(page_login("officer1", DEMO_PASSWORD, client), "officer1")
    assert "_auth_user_id" not in client.session
    clock_forward(LOCKOUT)
    response = page_login("officer1", DEMO_PASSWORD, client)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(users["officer"].pk)


def test_the_two_endpoints_count_together(users):
    for attempt in range(LIMIT // 2):
        token_login("clerk1", f"wrong-{attempt}")
        page_login("clerk1", f"wrong-{attempt}")
    assert_locked_api(token_login("clerk1", DEMO_PASSWORD), username="clerk1")
    assert_locked_page(page_login("clerk1", DEMO_PASSWORD), "clerk1")


def test_a_locked_username_is_locked_from_every_address(users):
    for attempt in range(LIMIT):
        token_login("officer1", "wrong", REMOTE_ADDR=f"10.0.{attempt}.1")
    assert_locked_api(token_login("officer1", DEMO_PASSWORD, REMOTE_ADDR="10.9.9.9"), username="officer1")
    # Other users are not affected.
    assert token_login("clerk1", DEMO_PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_many_usernames_from_one_address_lock_the_address(users):
    for attempt in range(LIMIT):
        assert token_login(f"guess{attempt}", "wrong").status_code in (400, 429)
    # Even a real user with the right password is refused from that address ...
    assert_locked_api(token_login("clerk1", DEMO_PASSWORD), ip_address="127.0.0.1")
    assert_locked_page(page_login("clerk1", DEMO_PASSWORD), "clerk1", ip_address="127.0.0.1")
    # ... and welcome from another one.
    assert token_login("clerk1", DEMO_PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_count(users):
    """NUM_PROXIES=0 (the default): the connection's address counts, whatever X-Forwarded-For says."""
    for attempt in range(LIMIT):
        token_login(f"guess{attempt}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    assert_locked_api(token_login("clerk1", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7"), ip_address="127.0.0.1")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_one_proxy_the_forwarded_address_counts(users, settings):
    """NUM_PROXIES=1: the proxy's X-Forwarded-For entry is the client; a client-sent entry before it is not."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for attempt in range(LIMIT):
        token_login(f"guess{attempt}", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, 203.0.113.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert_locked_api(
        token_login("clerk1", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5"), ip_address="203.0.113.5"
    )
    # Another client behind the same proxy (same connection address) is not locked out.
    assert token_login("clerk1", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_the_lockout_is_recorded_and_shown_to_the_administrator(users):
    for attempt in range(LIMIT):
        page_login("reviewer1", f"wrong-{attempt}", REMOTE_ADDR="10.1.2.3")
    assert AccessFailureLog.objects.filter(username="reviewer1").count() == LIMIT
    assert AccessFailureLog.objects.filter(username="reviewer1", locked_out=True).count() == 1

    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get("/admin/axes/accessattempt/").content.decode()
    row = re.search(r"<tr>.*?reviewer1.*?</tr>", page, re.S).group(0)
    assert "10.1.2.3" in row and ">20<" in row and any(time in row for time in expected_times(username="reviewer1"))
    failures = admin.get("/admin/axes/accessfailurelog/", {"locked_out__exact": "1"}).content.decode()
    assert "reviewer1" in failures

    # Deleting the attempts in the admin lifts the lockout.
    attempt = AccessAttempt.objects.get(username="reviewer1")
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert token_login("reviewer1", DEMO_PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_the_admin_login_is_locked_too(users):
    for attempt in range(LIMIT):
        Client().post("/admin/login/", {"username": "admin", "password": f"wrong-{attempt}"})
    response = Client().post("/admin/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
