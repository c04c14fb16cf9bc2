"""The inbox pages and the unread count in the header of every page (plain pages and the workbench menu)."""

from apps.notifications.models import Kind, Notification
from apps.notifications.services import notify


def _client(client, user):
    client.force_login(user)
    return client


def _one(user, key="a", title="临期提醒：XF2026000001 受理审查"):
    (notification,) = notify(
        recipients=[user], kind=Kind.DUE_SOON, event_key=key, title=title, body="请及时办理。", url="/portal/repairs/1/"
    )
    return notification


def test_the_staff_inbox_lists_marks_read_and_the_header_counts(client, users):
    officer = _client(client, users["officer"])
    notification = _one(users["officer"])
    _one(users["officer"], key="b", title="第二条")
    _one(users["officer_tax"], key="c", title="别人的消息")
    page = officer.get("/workbench/notifications/").content.decode()
    assert "临期提醒：XF2026000001 受理审查" in page and "别人的消息" not in page
    assert 'href="/portal/repairs/1/"' in page
    assert 'class="notifications-link" href="/workbench/notifications/">消息 <span class="badge bad"' in page
    response = officer.post(f"/workbench/notifications/{notification.pk}/read/")
    assert response.status_code == 302 and response.url == "/workbench/notifications/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    other = Notification.objects.get(recipient=users["officer_tax"])
    assert officer.post(f"/workbench/notifications/{other.pk}/read/").status_code == 404
    assert officer.post("/workbench/notifications/read-all/").status_code == 302
    assert Notification.objects.filter(recipient=users["officer"], read_at__isnull=True).count() == 0
    assert "badge bad" not in officer.get("/workbench/notifications/").content.decode()


def test_the_workbench_menu_has_the_inbox_with_the_count(client, users):
    officer = _client(client, users["officer"])
    _one(users["officer"])
    page = officer.get("/workflow/", follow=True).content.decode()
    assert 'href="/workbench/notifications/"' in page and "1 条未读" in page


def test_the_applicant_has_the_portal_inbox_not_the_workbench_one(client, users):
    applicant = _client(client, users["applicant"])
    _one(users["applicant"])
    assert applicant.get("/workbench/notifications/").status_code == 403
    page = applicant.get("/portal/notifications/").content.decode()
    assert "受理审查" in page and 'href="/portal/notifications/"' in page
    assert 'href="/portal/notifications/"' in applicant.get("/portal/repairs/").content.decode()


def test_anonymous_is_sent_to_the_login(client):
    response = client.get("/portal/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
