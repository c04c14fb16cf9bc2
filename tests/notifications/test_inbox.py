"""The inbox through the service and the API: once per person and event, own only, newest first, unread count,
mark as read; delivery by e-mail and SMS after commit, each channel once, and a failing channel never fails the
action that caused the notification."""

from datetime import date

import pytest
from django.core import mail
from django.db import transaction

from apps.notifications.models import Kind, Notification
from apps.notifications.services import deadline_notify, notification_deliver, notify, preference_update


def _notify(users, key="e1", title="标题", recipients=None):
    return notify(
        recipients=recipients if recipients is not None else [users["officer"]],
        kind=Kind.BREACH,
        event_key=key,
        title=title,
        body="正文",
        url="/portal/repairs/1/",
    )


def test_an_event_reaches_each_person_once(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(users, recipients=[users["officer"], users["monitor"], users["officer"]])
        again = _notify(users, recipients=[users["officer"], users["monitor"]])
    assert len(first) == 2 and again == []
    assert Notification.objects.filter(event_key="e1").count() == 2


def test_the_deadline_notice_names_the_step_in_chinese_and_links_the_case(users):
    created = deadline_notify(
        kind=Kind.DUE_SOON,
        notice_id=7,
        case_type="repairs.repaircase",
        case_id=3,
        reference="XF2026000003",
        step_name="受理审查",
        due_date=date(2026, 5, 13),
        url="/portal/repairs/3/",
        department=users["officer"].department,
        holders=[users["officer"]],
    )
    assert {n.recipient.username for n in created} == {"officer1", "monitor1"}
    notice = created[0]
    assert notice.title == "临期提醒：XF2026000003 受理审查"
    assert notice.body == "案件 XF2026000003 的“受理审查”时限将于 2026年5月13日 届满，请及时办理。"
    assert notice.url == "/portal/repairs/3/"


def test_the_list_is_own_only_newest_first_with_the_unread_count(users, api):
    _notify(users, key="a", title="第一条")
    _notify(users, key="b", title="第二条")
    _notify(users, key="c", title="别人的", recipients=[users["officer_tax"]])
    body = api(users["officer"]).get("/api/v1/notifications").json()
    assert [n["title"] for n in body["results"]] == ["第二条", "第一条"]
    assert body["count"] == 2 and body["unread_count"] == 2
    assert body["results"][0]["kind_display"] == "超期督办" and body["results"][0]["read"] is False


def test_mark_one_read_and_someone_elses_is_not_found(users, api):
    (mine,) = _notify(users, key="a")
    (theirs,) = _notify(users, key="b", recipients=[users["officer_tax"]])
    client = api(users["officer"])
    response = client.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert client.post("/api/v1/notifications/99999999999999999999/read").status_code == 404
    response = client.post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read"] is True
    assert client.get("/api/v1/notifications").json()["unread_count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_and_the_unread_filter(users, api):
    _notify(users, key="a")
    _notify(users, key="b")
    client = api(users["officer"])
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 2
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2, "unread_count": 0}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert client.get("/api/v1/notifications?unread=maybe").status_code == 400


def test_anonymous_gets_401(api):
    assert api().get("/api/v1/notifications").status_code == 401


def test_delivery_by_email_after_commit_once(users, django_capture_on_commit_callbacks):
    officer = users["officer"]
    officer.email = "officer1@example.gov.cn"
    officer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = _notify(users)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "标题" and "http://" in mail.outbox[0].body
    assert notification_deliver(notification_id=notification.pk) == {}  # a redelivered task sends nothing twice
    assert len(mail.outbox) == 1


def test_sms_goes_through_the_backend_named_by_the_setting(users, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_SMS_BACKEND = "tests.notifications.backends.RecordingSmsBackend"
    from tests.notifications.backends import RecordingSmsBackend

    RecordingSmsBackend.sent.clear()
    officer = users["officer"]
    officer.phone = "13800000000"
    officer.save(update_fields=["phone"])
    preference_update(user=officer, email=True, sms=True, muted_kinds=[])
    with django_capture_on_commit_callbacks(execute=True):
        _notify(users)
    assert RecordingSmsBackend.sent == [("13800000000", "标题：正文\nhttp://127.0.0.1:8000/portal/repairs/1/")]


def test_a_muted_kind_stays_in_the_inbox_only(users, django_capture_on_commit_callbacks):
    officer = users["officer"]
    officer.email = "officer1@example.gov.cn"
    officer.save(update_fields=["email"])
    preference_update(user=officer, email=True, sms=False, muted_kinds=[Kind.BREACH])
    with django_capture_on_commit_callbacks(execute=True):
        _notify(users)
    assert mail.outbox == [] and Notification.objects.filter(recipient=officer).count() == 1


def test_a_failing_backend_is_retried_and_never_fails_the_caller(users, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.backends.BrokenEmailBackend"
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 0
    officer = users["officer"]
    officer.email = "officer1@example.gov.cn"
    officer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (notification,) = _notify(users)
    notification.refresh_from_db()
    assert notification.email_sent_at is None and "email" in notification.delivery_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_deliver(notification_id=notification.pk) == {"email": True}
    notification.refresh_from_db()
    assert notification.email_sent_at is not None and notification.delivery_error == ""


def test_preferences_over_the_api(users, api):
    client = api(users["officer"])
    assert client.get("/api/v1/notifications/preferences").json() == {"email": True, "sms": False, "muted_kinds": []}
    response = client.put(
        "/api/v1/notifications/preferences", {"email": False, "sms": False, "muted_kinds": ["due_soon"]}, format="json"
    )
    assert response.json() == {"email": False, "sms": False, "muted_kinds": ["due_soon"]}
    response = client.put("/api/v1/notifications/preferences", {"email": True, "sms": True}, format="json")
    assert response.status_code == 400 and "sms" in response.json()["fields"]
    response = client.put(
        "/api/v1/notifications/preferences", {"email": True, "sms": False, "muted_kinds": ["answer"]}, format="json"
    )
    assert response.status_code == 400 and "muted_kinds" in response.json()["fields"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_has_a_query_budget(users, api, count, django_assert_max_num_queries):
    for i in range(count):
        _notify(users, key=f"k{i}")
    client = api(users["officer"])
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/notifications").status_code == 200
