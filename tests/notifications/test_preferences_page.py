"""The notification settings page, for staff and applicants alike, in the user menu: what the preferences API
models (e-mail, SMS, the kinds that stay in the inbox), saved through the same service; bad input is a form error
naming the field."""

import pytest

from apps.notifications.models import Kind, Preference
from apps.notifications.services import preference_of

pytestmark = pytest.mark.django_db

STAFF, PORTAL = "/workbench/notifications/preferences/", "/portal/notifications/preferences/"


def _signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(("who", "url"), [("officer", STAFF), ("applicant", PORTAL)])
def test_the_page_round_trips_what_the_api_reads(client, api, users, who, url):
    user = users[who]
    page = _signed_in(client, user).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "通知设置" in html and "站内消息（始终接收）" in html and "临期提醒" in html and "超期督办" in html
    assert f'href="{url}"' in html  # in the user menu of the page itself
    assert html.count('name="delivered_kinds"') == len(Kind.values) and html.count("checked") >= len(Kind.values)
    delivered = [kind for kind in Kind.values if kind not in (Kind.DUE_SOON, Kind.TRAINING_INVITATION)]
    response = client.post(url, {"delivered_kinds": delivered})  # e-mail unticked, SMS unticked
    assert response.status_code == 302 and response.url == url
    expected = {"email": False, "sms": False, "muted_kinds": sorted([Kind.DUE_SOON, Kind.TRAINING_INVITATION])}
    assert api(user).get("/api/v1/notifications/preferences").json() == expected
    html = client.get(url).content.decode()
    assert "通知设置已保存" in html
    assert 'value="due_soon">' in html and 'value="breach" checked>' in html and 'name="email" value="on">' in html
    # and back, through the API; the page shows what the API saved
    api(user).put(
        "/api/v1/notifications/preferences", {"email": True, "sms": False, "muted_kinds": ["breach"]}, format="json"
    )
    html = client.get(url).content.decode()
    assert (
        'name="email" value="on" checked>' in html and 'value="breach">' in html and 'value="due_soon" checked>' in html
    )


def test_sms_without_a_phone_is_a_form_error_naming_sms_and_nothing_is_saved(client, users):
    officer = _signed_in(client, users["officer"])
    response = officer.post(STAFF, {"email": "on", "sms": "on", "delivered_kinds": [Kind.BREACH]})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert">短信通知：请先在账户中登记手机号码' in html
    assert not Preference.objects.filter(user=users["officer"]).exists()
    users["officer"].phone = "13800000000"
    users["officer"].save(update_fields=["phone"])
    assert officer.post(STAFF, {"email": "on", "sms": "on", "delivered_kinds": [Kind.BREACH]}).status_code == 302
    saved = preference_of(users["officer"])
    assert saved.sms is True and Kind.BREACH not in saved.muted_kinds and Kind.DUE_SOON in saved.muted_kinds


def test_an_unknown_kind_is_a_form_error_naming_the_kinds(client, users):
    response = _signed_in(client, users["applicant"]).post(PORTAL, {"delivered_kinds": ["answer"]})
    assert response.status_code == 400
    assert 'role="alert">发送邮件和短信的消息类型：' in response.content.decode()
    assert not Preference.objects.exists()


def test_every_signed_in_user_has_it_in_the_menu_and_staff_pages_are_staff_only(client, users):
    assert (
        'href="/portal/notifications/preferences/"' in _signed_in(client, users["applicant"]).get("/").content.decode()
    )
    assert client.get(STAFF).status_code == 403
    officer = _signed_in(client, users["officer"])
    assert 'href="/workbench/notifications/preferences/"' in officer.get("/").content.decode()
    workbench = officer.get("/workflow/", follow=True).content.decode()
    assert 'href="/workbench/notifications/preferences/"' in workbench and "通知设置" in workbench
    client.logout()
    response = client.get(PORTAL)
    assert response.status_code == 302 and "/accounts/login/" in response.url
