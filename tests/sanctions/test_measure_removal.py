"""Repair reaches the checkers: when a record's basis ends, every department that checked the subject in the last
year and applied a measure that no record supports any more is told, once, and confirms the removal."""

from datetime import date, timedelta

import pytest
from django.test import Client

from apps.accounts.models import Department, Role
from apps.accounts.services import department_create, user_create
from apps.core.models import CaseEvent
from apps.core.selectors import audit_chain_breaks
from apps.notifications.models import Notification
from apps.repairs.models import RepairCase
from apps.rules.models import Rule
from apps.sanctions.models import CheckFeedback, CreditCheck, MeasureRemoval
from apps.sanctions.services import measure_removal_due_date
from apps.subjects.models import NegativeRecord, RecordKind, Severity
from apps.subjects.services import records_expire_publication, subject_representative_add
from tests.conftest import DEMO_PASSWORD
from tests.repairs.conftest import Clock, at, filing
from tests.repairs.helpers import complete, to_review
from tests.subjects.factories import a_record, a_subject

CHECKS = "/api/v1/credit-checks"
REMOVALS = "/api/v1/measure-removals"


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, at(2026, 5, 11))


@pytest.fixture
def more(departments):
    """Three more checking departments, each with an officer."""
    made = {}
    for key, code, name, sector in (
        ("ecology", "YC-SthJ", "宜昌市生态环境局", Department.Sector.ECOLOGY),
        ("housing", "YC-ZJ", "宜昌市住房和城乡建设局", Department.Sector.HOUSING),
        ("hr", "YC-RS", "宜昌市人力资源和社会保障局", Department.Sector.HUMAN_RESOURCES),
    ):
        department = department_create(code=code, name=name, region_code="420500", sector=sector)
        made[key] = user_create(
            username=f"officer_{key}", password=DEMO_PASSWORD, role=Role.OFFICER, department=department
        )
    return made


@pytest.fixture
def world(users, departments):
    """A general penalty by the market department (repairable; its sanctions are the market's and the tax
    office's), and an abnormal-operation listing of the same subject that stays published."""
    subject = a_subject(name="宜昌示例建材有限公司")
    subject_representative_add(subject=subject, user=users["applicant"])
    record = a_record(
        subject,
        departments["market"],
        decided=date(2025, 6, 2),
        sanctions=[(departments["market"], "从严审核行政许可"), (departments["tax"], "限制申请财政性资金项目")],
    )
    other = a_record(
        subject,
        departments["market"],
        kind=RecordKind.ABNORMAL_OPERATION,
        severity=Severity.GENERAL,
        decided=date(2026, 3, 2),
        decision_no="宜市监异〔2026〕8号",
    )
    return {"subject": subject, "record": record, "other": other}


def check_and_feed_back(client, uscc, matter_type, reference, codes, applied=True):
    body = client.post(
        CHECKS, {"uscc": uscc, "matter_type": matter_type, "matter_reference": reference}, format="json"
    ).json()
    offered = {m["code"]: m for m in body["measures"]}
    for code in codes:
        response = client.post(
            f"{CHECKS}/{body['id']}/feedback", {"measure": offered[code]["id"], "applied": applied}, format="json"
        )
        assert response.status_code == 201, response.content
    return body


@pytest.fixture
def checked(clock, api, users, more, world):
    """Who checked the subject and what they did:
    - the tax office, twice (L-02 for two project applications, applied): triggered by the penalty only;
    - ecology (L-04 for public resource trading, applied): triggered by the penalty and the listing that stays;
    - housing (L-02, not applied);
    - human resources (L-02, applied) thirteen months ago: outside the year."""
    uscc = world["subject"].uscc
    clock.set(at(2025, 4, 8))
    check_and_feed_back(api(more["hr"]), uscc, "project_application", "RS-2025-3", ["L-02"])
    clock.set(at(2026, 4, 20))
    first = check_and_feed_back(api(users["officer_tax"]), uscc, "project_application", "SW-2026-11", ["L-02"])
    assert first["measures"][0]["triggered_by"] == [world["record"].pk]
    check_and_feed_back(api(users["officer_tax"]), uscc, "fiscal_support", "SW-2026-12", ["L-02"])
    both = check_and_feed_back(api(more["ecology"]), uscc, "public_resource_trading", "STHJ-2026-5", ["L-04"])
    l04 = next(m for m in both["measures"] if m["code"] == "L-04")
    assert sorted(l04["triggered_by"]) == sorted([world["record"].pk, world["other"].pk])
    check_and_feed_back(api(more["housing"]), uscc, "project_application", "ZJ-2026-2", ["L-02"], applied=False)
    clock.set(at(2026, 5, 11))
    assert CheckFeedback.objects.filter(applied=True).count() == 4


def after_both(world):
    last = max(NegativeRecord.objects.filter(subject=world["subject"]).values_list("publish_until", flat=True))
    return last + timedelta(days=1)


def removal_notifications():
    return Notification.objects.filter(event_key__startswith="measure_removal:").select_related("recipient")


def test_a_completed_repair_notifies_exactly_the_departments_whose_measure_it_ends_once_each(
    clock, api, users, more, world, checked
):
    case_id = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json").json()["id"]
    officer = api(users["officer"])
    to_review(officer, case_id)
    complete(api(users["reviewer"]), case_id, "review", {"outcome": "approve"})
    assert not MeasureRemoval.objects.exists()  # decided, but still published
    complete(officer, case_id, "stop_publication", {"confirm": True})

    removal = MeasureRemoval.objects.get()
    assert removal.department.code == "YC-SW" and removal.reason == MeasureRemoval.Reason.REPAIRED
    assert list(removal.records.all()) == [world["record"]]
    references = sorted(item.feedback.credit_check.matter_reference for item in removal.items.all())
    assert references == ["SW-2026-11", "SW-2026-12"]
    notified = removal_notifications()
    assert [(n.recipient.username, n.event_key) for n in notified] == [("officer_tax", f"measure_removal:{removal.pk}")]
    assert "宜昌示例建材有限公司" in notified[0].title and "L-02" in notified[0].body

    # the rest of the repair (stop sharing, the sanctioning departments' lifts, the close) asks nobody again
    complete(officer, case_id, "stop_sharing", {"confirm": True})
    for user in ("officer", "officer_tax"):
        for lift in api(users[user]).get("/api/v1/repairs/lifts?status=pending").json()["results"]:
            assert api(users[user]).post(f"/api/v1/repairs/lifts/{lift['id']}/confirm", {}).status_code == 200
    assert RepairCase.objects.get(pk=case_id).status == RepairCase.Status.REPAIRED
    assert MeasureRemoval.objects.count() == 1 and removal_notifications().count() == 1
    log = CaseEvent.objects.filter(case_type="subjects.subject", case_id=world["subject"].pk)
    assert log.filter(kind="sanction_removal_requested").count() == 1
    assert list(audit_chain_breaks()) == []


def test_the_checking_department_confirms_the_removal_and_the_credit_office_sees_it(
    clock, api, users, more, world, checked
):
    # both records' publication periods run out: the tax office's L-02 and ecology's L-04 lose their basis
    assert records_expire_publication(today=after_both(world)) == 2
    removals = {r.department.code: r for r in MeasureRemoval.objects.all()}
    assert set(removals) == {"YC-SW", "YC-SthJ"}
    removal = removals["YC-SthJ"]
    assert removal.reason == MeasureRemoval.Reason.EXPIRED
    assert sorted(n.recipient.username for n in removal_notifications()) == ["officer_ecology", "officer_tax"]

    url = f"{REMOVALS}/{removal.pk}/confirm"
    assert api(users["officer_tax"]).post(url, {}).status_code == 404
    assert api(users["applicant"]).post(url, {}).status_code == 404
    assert api(users["monitor"]).post(url, {}).status_code == 403  # sees it, but does not confirm for them
    mine = api(more["ecology"]).get(f"{REMOVALS}?status=pending").json()
    assert [row["id"] for row in mine["results"]] == [removal.pk]
    assert mine["results"][0]["measures"][0]["measure_code"] == "L-04"
    response = api(more["ecology"]).post(url, {"note": "已恢复其交易资格"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed" and response.json()["note"] == "已恢复其交易资格"
    assert api(more["ecology"]).post(url, {}).status_code == 409
    assert [row["department"]["code"] for row in api(users["officer_tax"]).get(REMOVALS).json()["results"]] == ["YC-SW"]
    statuses = {
        row["department"]["code"]: row["status_display"]
        for row in api(users["monitor"]).get(REMOVALS).json()["results"]
    }
    assert statuses == {"YC-SW": "待确认解除", "YC-SthJ": "已确认解除"}
    assert CaseEvent.objects.filter(
        case_type="subjects.subject", case_id=world["subject"].pk, kind="sanction_removal_confirmed"
    ).exists()
    assert list(audit_chain_breaks()) == []


def test_the_removal_page_is_in_chinese_and_confirms(clock, api, users, more, world, checked):
    records_expire_publication(today=after_both(world))
    removal = MeasureRemoval.objects.get(department__code="YC-SW")
    client = Client()
    client.force_login(users["officer_tax"])
    page = client.get("/workbench/credit-check/removals/").content.decode()
    for text in ("宜昌示例建材有限公司", "公示期满，停止公示", "L-02", "SW-2026-11", "确认已解除", "待确认解除"):
        assert text in page
    assert "expired" not in page and "pending" not in page
    other = Client()
    other.force_login(more["ecology"])
    assert other.post(f"/workbench/credit-check/removals/{removal.pk}/confirm/").status_code == 404
    assert client.post(f"/workbench/credit-check/removals/{removal.pk}/confirm/", {"note": "已解除"}).status_code == 302
    removal.refresh_from_db()
    assert removal.status == MeasureRemoval.Status.CONFIRMED and removal.confirmed_by == users["officer_tax"]
    applicant = Client()
    applicant.force_login(users["applicant"])
    assert applicant.get("/workbench/credit-check/removals/").status_code == 403
    assert CreditCheck.objects.count() == 5


def test_a_removal_task_is_due_in_working_days_by_the_rule_row_and_shows_overdue(
    clock, api, users, more, world, checked
):
    # notified on Monday 11 May 2026; sanctions.removal is 5 working days: Tuesday 12 … Monday 18 May
    assert Rule.objects.get(code="sanctions.removal").value == 5
    records_expire_publication(today=after_both(world))
    removal = MeasureRemoval.objects.get(department__code="YC-SW")
    assert removal.due_date == date(2026, 5, 18)
    tax = api(users["officer_tax"])
    row = tax.get(REMOVALS).json()["results"][0]
    assert (row["due_date"], row["overdue"]) == ("2026-05-18", False)
    clock.set(at(2026, 5, 19))
    assert tax.get(REMOVALS).json()["results"][0]["overdue"] is True
    client = Client()
    client.force_login(users["officer_tax"])
    page = client.get("/workbench/credit-check/removals/").content.decode()
    assert "2026年5月18日" in page and "已超期" in page
    assert tax.post(f"{REMOVALS}/{removal.pk}/confirm", {}).json()["overdue"] is False
    # a task notified when no row is in force has no time limit and is never overdue
    Rule.objects.filter(code="sanctions.removal").delete()
    assert measure_removal_due_date(at=at(2026, 5, 19)) is None
