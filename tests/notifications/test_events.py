"""Events of the cases reach the people concerned, in plain Chinese with a link to a page they can open, once:
the SLA sweep (the officer holding the step, the credit office), 补正 and decisions (the applicant), lifts (the
sanctioning department). A backend that raises never fails or rolls back the case action."""

import pytest
from django.core import mail

from apps.casework.sla_policy import sla_sweep
from apps.notifications.models import Kind, Notification
from apps.repairs.models import RepairCase, SanctionLift
from tests.repairs.conftest import at, filing
from tests.repairs.helpers import complete, task_of, to_review


def _file(api, users, world):
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 201, response.json()
    return RepairCase.objects.get(pk=response.json()["id"])


def _page(api, user, url):
    client = api(user)
    client.force_login(user)
    return client.get(url)


def _inbox(api, user):
    return api(user).get("/api/v1/notifications").json()


def test_the_sweep_notifies_the_holder_and_the_credit_office_once_with_the_step_name(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    case = _file(api, users, world)
    officer = api(users["officer"])
    task_id = task_of(officer, case.pk, "intake")
    assert officer.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200

    clock.set(at(2026, 5, 12, 9))  # intake due 13 May: one working day left
    sla_sweep()
    sla_sweep()
    body = _inbox(api, users["officer"])
    assert body["unread_count"] == 1
    (item,) = body["results"]
    assert item["kind"] == Kind.DUE_SOON
    assert item["title"] == f"临期提醒：{case.reference} 受理审查"
    assert "intake" not in item["body"] and "受理审查" in item["body"]
    assert _page(api, users["officer"], item["url"]).status_code == 200  # the link opens the case for the officer
    assert _page(api, users["monitor"], item["url"]).status_code == 200
    assert _inbox(api, users["monitor"])["count"] == 1
    assert _inbox(api, users["officer_tax"])["count"] == 0  # another department's officer
    assert _inbox(api, users["reviewer"])["count"] == 0  # not holding the step

    clock.set(at(2026, 5, 14, 9))
    sla_sweep()
    sla_sweep()
    kinds = [n["kind"] for n in _inbox(api, users["officer"])["results"]]
    assert kinds == [Kind.BREACH, Kind.DUE_SOON]
    assert Notification.objects.filter(recipient=users["monitor"], kind=Kind.BREACH).count() == 1


def test_a_deadline_already_past_gets_the_breach_notice_never_a_due_soon_one(clock, users, world, api):
    clock.set(at(2026, 5, 11, 10))
    case = _file(api, users, world)
    clock.set(at(2026, 5, 20, 9))  # the first sweep after the due date (13 May)
    sla_sweep()
    kinds = set(Notification.objects.filter(case_id=case.pk).values_list("kind", flat=True))
    assert kinds == {Kind.BREACH}
    # nobody holds the step: the department's officers and reviewers, who may take it, and the credit office
    told = set(Notification.objects.filter(case_id=case.pk).values_list("recipient__username", flat=True))
    assert told == {"officer1", "reviewer1", "monitor1"}


def test_the_applicant_is_told_of_the_supplement_request_and_opens_the_case(clock, users, world, api):
    case = _file(api, users, world)
    complete(api(users["officer"]), case.pk, "intake", {"decision": "supplement", "missing_items": ["年度报告"]})
    body = _inbox(api, users["applicant"])
    (item,) = body["results"]
    assert item["kind"] == Kind.SUPPLEMENT_REQUESTED and "年度报告" in item["body"]
    assert item["url"] == f"/portal/repairs/{case.pk}/"
    assert _page(api, users["applicant"], item["url"]).status_code == 200
    assert _inbox(api, users["applicant2"])["count"] == 0  # another enterprise's account


def test_the_decision_reaches_the_applicant_and_the_lifts_the_sanctioning_departments(clock, users, world, api):
    case = _file(api, users, world)
    to_review(api(users["officer"]), case.pk)
    complete(api(users["reviewer"]), case.pk, "review", {"outcome": "approve", "note": "同意"})
    (decision,) = _inbox(api, users["applicant"])["results"]
    assert decision["kind"] == Kind.DECISION_ISSUED and "准予信用修复" in decision["body"]
    lift = SanctionLift.objects.get(case=case, department__code="YC-SW")
    (tax,) = _inbox(api, users["officer_tax"])["results"]
    assert tax["kind"] == Kind.LIFT_REQUESTED and "宜昌示例建材有限公司" in tax["body"]
    page = _page(api, users["officer_tax"], tax["url"])
    assert page.status_code == 200 and f"/lifts/{lift.pk}/confirm/" in page.content.decode()
    market = [n["kind"] for n in _inbox(api, users["officer"])["results"]]
    assert market == [Kind.LIFT_REQUESTED]


def test_a_refusal_is_a_decision_for_the_applicant(clock, users, world, api):
    case = _file(api, users, world)
    complete(api(users["officer"]), case.pk, "intake", {"decision": "refuse", "reasons": ["不属于受理范围"]})
    (item,) = _inbox(api, users["applicant"])["results"]
    assert item["kind"] == Kind.DECISION_ISSUED and "不予受理" in item["body"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # roles need their permission rows
def test_a_backend_that_raises_does_not_fail_or_roll_back_the_case_action(clock, users, world, api, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.BrokenEmailBackend"
    settings.NOTIFICATIONS_SMS_BACKEND = "tests.notifications.backends.BrokenSmsBackend"
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 0
    applicant = users["applicant"]
    applicant.email, applicant.phone = "applicant1@example.com", "13900000000"
    applicant.save(update_fields=["email", "phone"])
    api(applicant).put("/api/v1/notifications/preferences", {"email": True, "sms": True}, format="json")
    case = _file(api, users, world)
    response = api(users["officer"]).post(
        f"/api/v1/tasks/{task_of(api(users['officer']), case.pk, 'intake')}/complete",
        {"decision": "supplement", "missing_items": ["年度报告"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert case.status == RepairCase.Status.SUPPLEMENT  # the action stands
    notification = Notification.objects.get(recipient=applicant)
    assert notification.email_sent_at is None and notification.sms_sent_at is None
    assert "email" in notification.delivery_error and "sms" in notification.delivery_error
    assert mail.outbox == []
