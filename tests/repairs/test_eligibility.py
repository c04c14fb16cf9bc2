"""Eligibility at filing from the rule version in force on the filing date. Refusals create nothing."""

from datetime import date

import pytest

from apps.commitments.models import Commitment
from apps.core.models import CaseEvent
from apps.repairs.models import RepairCase
from apps.rules.models import Rule
from apps.sla.models import Deadline
from apps.subjects.models import NegativeRecord, RecordKind, Severity
from tests.repairs.conftest import at, filing
from tests.subjects.factories import a_record


def _nothing_created(events_before, record):
    assert RepairCase.objects.count() == 0
    assert Commitment.objects.count() == 0
    assert Deadline.objects.filter(owner_type="repairs.repaircase").count() == 0
    assert CaseEvent.objects.count() == events_before
    record.refresh_from_db()
    assert record.repair_status == NegativeRecord.RepairStatus.NONE


def _repaired_before(world, users, departments, closed):
    """A repair of the same subject completed on `closed` (another record)."""
    old = a_record(world["subject"], departments["market"], decided=date(2023, 6, 1))
    case = RepairCase.objects.create(
        subject=world["subject"],
        department=departments["market"],
        kind="end_publication",
        channel="online",
        filed_by=users["applicant"],
        filed_at=at(closed.year, closed.month, closed.day),
        filing_date=closed,
        status=RepairCase.Status.REPAIRED,
        closed_at=at(closed.year, closed.month, closed.day, 16),
    )
    case.records.set([old])


def test_a_filing_before_the_minimum_period_ends_is_refused_with_the_earliest_date(
    clock, users, world, departments, api
):
    record = a_record(world["subject"], departments["market"], severity=Severity.GENERAL, decided=date(2026, 3, 1))
    assert record.repair_earliest == date(2026, 6, 1)  # Order 58: general records, at least 3 months
    events = CaseEvent.objects.count()
    clock.set(at(2026, 5, 11))
    response = api(users["applicant"]).post("/api/v1/repairs", filing(record), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "repair_too_early"
    assert body["earliest_filing_date"] == "2026-06-01"
    assert "2026-06-01" in body["detail"]
    _nothing_created(events, record)
    # the same check without filing
    check = api(users["applicant"]).get(f"/api/v1/repairs/eligibility?records={record.pk}").json()
    assert check["eligible"] is False and check["earliest_filing_date"] == "2026-06-01"
    # on that day it is accepted
    clock.set(at(2026, 6, 1))
    assert api(users["applicant"]).post("/api/v1/repairs", filing(record), format="json").status_code == 201


@pytest.mark.parametrize(
    ("moment", "order", "other"),
    [((2026, 3, 20), "第58号", "第36号"), ((2026, 4, 2), "第36号", "第58号")],
)
def test_the_rules_follow_the_filing_date_and_the_case_shows_their_source(
    clock, users, world, api, moment, order, other
):
    clock.set(at(*moment))
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert order in body["rule_source"] and other not in body["rule_source"]
    for code in ("repair.portal_answer", "repair.department_decision"):
        assert order in body["rules"][code]["source"]
        assert Rule.objects.get(pk=body["rules"][code]["rule_id"]).effective_from <= date(*moment)
    assert body["commitment"]["text_version"] == ("XYXF-2023" if order == "第58号" else "XYXF-2026")
    assert api(users["applicant"]).get(f"/api/v1/repairs/{body['id']}").json()["rule_source"] == body["rule_source"]


def test_a_record_under_objection_or_already_being_repaired_is_a_conflict(clock, users, world, api):
    applicant = api(users["applicant"])
    record = world["record"]
    NegativeRecord.objects.filter(pk=record.pk).update(objection_status=NegativeRecord.ObjectionStatus.UNDER_OBJECTION)
    response = applicant.post("/api/v1/repairs", filing(record), format="json")
    assert response.status_code == 409 and response.json()["error"] == "record_under_objection"
    assert RepairCase.objects.count() == 0
    NegativeRecord.objects.filter(pk=record.pk).update(objection_status=NegativeRecord.ObjectionStatus.NONE)
    assert applicant.post("/api/v1/repairs", filing(record), format="json").status_code == 201
    response = api(users["clerk"]).post("/api/v1/repairs", filing(record), format="json")
    assert response.status_code == 409 and response.json()["error"] == "record_being_repaired"
    assert RepairCase.objects.count() == 1


def test_a_repair_less_than_twelve_months_after_the_last_is_refused(clock, users, world, departments, api):
    _repaired_before(world, users, departments, date(2025, 12, 1))
    events = CaseEvent.objects.count()
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "repair_refused_by_local_rule"
    assert body["earliest_filing_date"] == "2026-12-01"
    assert "宜昌" in body["rule_source"]
    assert RepairCase.objects.count() == 1  # only the old one
    assert CaseEvent.objects.count() == events


def test_two_repairs_within_five_years_is_the_limit(clock, users, world, departments, api):
    _repaired_before(world, users, departments, date(2022, 1, 10))
    _repaired_before(world, users, departments, date(2024, 3, 1))
    response = api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json")
    assert response.status_code == 400
    assert response.json()["earliest_filing_date"] == "2027-01-10"


def test_a_category_the_law_makes_non_repairable_is_refused_without_a_date(clock, users, world, departments, api):
    Rule.objects.create(
        code="repair.not_repairable",
        value=1,
        record_kind=RecordKind.SERIOUS_DISHONESTY_LIST,
        severity=Severity.SERIOUS,
        effective_from=date(2023, 5, 1),
        source="《某法》第九条：不适用信用修复的情形",
    )
    listed = a_record(
        world["subject"],
        departments["market"],
        kind=RecordKind.SERIOUS_DISHONESTY_LIST,
        severity=Severity.SERIOUS,
        decided=date(2024, 1, 10),
    )
    response = api(users["applicant"]).post("/api/v1/repairs", filing(listed, kind="leave_list"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "repair_not_repairable" and body["earliest_filing_date"] is None
    assert "第九条" in body["detail"]
    # the penalty record of the same subject stays repairable
    assert api(users["applicant"]).post("/api/v1/repairs", filing(world["record"]), format="json").status_code == 201


def test_leaving_the_list_needs_a_list_entry(clock, users, world, api):
    response = api(users["applicant"]).post(
        "/api/v1/repairs", filing(world["record"], kind="leave_list"), format="json"
    )
    assert response.status_code == 400 and response.json()["error"] == "repair_kind_mismatch"


def test_a_commitment_must_be_signed(clock, users, world, api):
    response = api(users["applicant"]).post(
        "/api/v1/repairs", filing(world["record"], commitment_accepted=False), format="json"
    )
    assert response.status_code == 400 and "commitment_accepted" in response.json()["fields"]
    assert RepairCase.objects.count() == 0


def test_the_eligibility_body_has_the_refusal_keys_only_when_refused(clock, users, world, departments, api):
    record = a_record(world["subject"], departments["market"], severity=Severity.GENERAL, decided=date(2026, 3, 1))
    url = f"/api/v1/repairs/eligibility?records={record.pk}"
    clock.set(at(2026, 5, 11))
    refused = api(users["applicant"]).get(url).json()
    assert list(refused) == [
        "eligible", "on", "rule_source", "rules", "error", "detail", "earliest_filing_date", "reasons",
    ]  # fmt: skip
    assert refused["on"] == "2026-05-11" and refused["reasons"][0]["record"] == record.pk
    assert set(refused["reasons"][0]) == {"code", "detail", "record", "earliest_filing_date"}
    clock.set(at(2026, 6, 1))
    accepted = api(users["applicant"]).get(url).json()
    assert list(accepted) == ["eligible", "on", "rule_source", "rules"] and accepted["eligible"] is True
    assert accepted["on"] == "2026-06-01"
