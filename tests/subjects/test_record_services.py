"""The negative record's life in apps.subjects.services: each service locks the record's own row, changes it, and
writes the record's audit event (before and after) in the same transaction; the registration services hold the
rules the API used to hold."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import QuerySet

from apps.core.errors import ApplicationError
from apps.core.models import CaseEvent
from apps.subjects.models import NegativeRecord, ObjectionOutcome, Severity, Subject
from apps.subjects.services import (
    CORRECTABLE_FIELDS,
    publication_window,
    record_apply_objection_outcome,
    record_corrections_clean,
    record_end_publication,
    record_mark_objection,
    record_register,
    record_restore,
    record_set_repair_status,
    record_stop_sharing,
    subject_register,
)
from apps.subjects.uscc import make_uscc
from tests.subjects.factories import a_record, a_subject

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
CONTEXT = {"repair_case": 7, "reference": "XF2026000007"}

Publication = NegativeRecord.PublicationStatus
Repair = NegativeRecord.RepairStatus
Sharing = NegativeRecord.SharingStatus
Mark = NegativeRecord.ObjectionStatus


@pytest.fixture
def record(departments):
    return a_record(a_subject(), departments["market"], decided=date(2025, 6, 2), fine_amount=Decimal("3000.00"))


@pytest.fixture
def locks(monkeypatch):
    """Every select_for_update: (model, of)."""
    seen: list[tuple[type, tuple[str, ...]]] = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        seen.append((self.model, tuple(kwargs.get("of", ()))))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    return seen


def events(record: NegativeRecord) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case_type="subjects.negativerecord", case_id=record.pk).order_by("seq"))


def last_event(record: NegativeRecord) -> CaseEvent:
    return events(record)[-1]


def assert_locked_own_row(locks) -> None:
    assert (NegativeRecord, ("self",)) in locks


# -- repair: status, end of publication, stop of sharing, restore --------------------------------------------------


def test_set_repair_status_writes_the_status_and_the_event_with_before_and_after(record, users, locks):
    changed = record_set_repair_status(
        record=record, status=Repair.REPAIRING, event="repair_filed", acting_user=users["clerk"], context=CONTEXT
    )
    assert changed is record and record.repair_status == Repair.REPAIRING
    record.refresh_from_db()
    assert record.repair_status == Repair.REPAIRING
    event = last_event(record)
    assert event.kind == "repair_filed" and event.actor == users["clerk"]
    assert event.data == {**CONTEXT, "before": {"repair_status": "none"}, "after": {"repair_status": "repairing"}}
    assert_locked_own_row(locks)


def test_set_repair_status_refuses_a_status_that_does_not_exist(record):
    with pytest.raises(ValueError, match="repair status"):
        record_set_repair_status(record=record, status="half", event="x", acting_user=None, context={})
    assert events(record)[-1].kind == "record_created"


def test_end_publication_for_a_repair(record, users, locks):
    record_end_publication(
        record=record, reason=Publication.ENDED_REPAIRED, acting_user=users["officer"], at=AT, context=CONTEXT
    )
    record.refresh_from_db()
    assert (record.publication_status, record.ended_at) == (Publication.ENDED_REPAIRED, AT)
    event = last_event(record)
    assert event.kind == "publication_stopped_repaired"
    assert event.data["before"]["publication_status"] == "published" and event.data["before"]["ended_at"] is None
    assert event.data["after"]["publication_status"] == "ended_repaired"
    assert_locked_own_row(locks)


def test_end_publication_names_its_reason_and_refuses_others(record):
    with pytest.raises(ValueError, match="reason"):
        record_end_publication(record=record, reason=Publication.DELETED, acting_user=None, at=AT, context={})
    record.refresh_from_db()
    assert record.publication_status == Publication.PUBLISHED


def test_stop_sharing(record, users, locks):
    record_stop_sharing(record=record, acting_user=users["officer"], context=CONTEXT)
    record.refresh_from_db()
    assert record.sharing_status == Sharing.STOPPED
    event = last_event(record)
    assert event.kind == "sharing_stopped_repaired"
    assert event.data["after"] == {"sharing_status": "stopped"}
    assert_locked_own_row(locks)


def test_restore_publishes_and_shares_again_within_the_period(record, users, locks):
    within = datetime.combine(record.publish_until - timedelta(days=10), time(10), tzinfo=SHANGHAI)
    record_end_publication(record=record, reason=Publication.ENDED_REPAIRED, acting_user=None, at=within, context={})
    record_stop_sharing(record=record, acting_user=None, context={})
    record_restore(record=record, acting_user=users["reviewer"], at=within, context=CONTEXT)
    record.refresh_from_db()
    assert (record.publication_status, record.ended_at) == (Publication.PUBLISHED, None)
    assert (record.sharing_status, record.repair_status) == (Sharing.SHARING, Repair.REVOKED)
    event = last_event(record)
    assert event.kind == "repair_revoked" and event.actor == users["reviewer"]
    assert event.data["before"]["publication_status"] == "ended_repaired"
    assert_locked_own_row(locks)


def test_restore_after_the_maximum_period_ends_the_record_as_expired(record):
    later = AT.replace(year=record.publish_until.year + 1)
    record_restore(record=record, acting_user=None, at=later, context={})
    record.refresh_from_db()
    assert (record.publication_status, record.ended_at) == (Publication.ENDED_EXPIRED, later)
    assert record.repair_status == Repair.REVOKED


def test_the_change_and_its_event_roll_back_together(record):
    before = len(events(record))
    with pytest.raises(RuntimeError), transaction.atomic():
        record_stop_sharing(record=record, acting_user=None, context={})
        raise RuntimeError
    record.refresh_from_db()
    assert record.sharing_status == Sharing.SHARING
    assert len(events(record)) == before


# -- objection: the mark, the corrections, the outcome -------------------------------------------------------------


def test_mark_objection_records_the_rule_that_limits_it(record, users, locks):
    record_mark_objection(
        record=record, acting_user=users["applicant"], at=AT, context={"objection": 3, "reference": "YY-2026-000003"}
    )
    record.refresh_from_db()
    assert record.objection_status == Mark.UNDER_OBJECTION
    event = last_event(record)
    assert event.kind == "objection_marked"
    assert (event.data["objection"], event.data["before"], event.data["after"]) == (3, "none", "under_objection")
    assert event.data["limit_working_days"] >= 0 and event.data["rule_source"]
    assert_locked_own_row(locks)


def test_corrections_keep_the_fields_an_objection_may_correct(record):
    cleaned = record_corrections_clean(
        record=record, corrections={"fine_amount": "5000", "facts": "  新的事实  ", "severity": "serious"}
    )
    assert cleaned == {"fine_amount": Decimal("5000"), "facts": "新的事实", "severity": "serious"}
    assert "publication_status" not in CORRECTABLE_FIELDS and "subject" not in CORRECTABLE_FIELDS


@pytest.mark.parametrize(
    ("corrections", "field"),
    [
        ({"publication_status": "deleted"}, "corrections.publication_status"),
        ({"subject": "x"}, "corrections.subject"),
        ({"severity": "huge"}, "corrections.severity"),
        ({"decision_date": "not a date"}, "corrections.decision_date"),
        ({"fine_amount": "3000.00"}, "corrections.fine_amount"),  # unchanged
        ({"penalty_types": "罚款"}, "corrections.penalty_types"),
        ({}, "corrections"),
        ("not a dict", "corrections"),
    ],
)
def test_a_forbidden_or_bad_correction_is_a_400_naming_the_field(record, corrections, field):
    with pytest.raises(ApplicationError) as refused:
        record_corrections_clean(record=record, corrections=corrections)
    assert refused.value.status_code == 400 and refused.value.code == "invalid"
    assert list(refused.value.fields) == [field]


def test_corrected_severity_recomputes_the_window_from_the_rules(record, users, locks):
    expected = publication_window(
        kind=record.kind,
        severity=Severity.SERIOUS,
        decision_date=record.decision_date,
        sector=record.department.sector,
        region_code=record.department.region_code,
    )
    record_mark_objection(record=record, acting_user=None, at=AT, context={})
    before, after = record_apply_objection_outcome(
        record=record,
        outcome=ObjectionOutcome.CORRECTED,
        corrections={"severity": "serious", "fine_amount": "5000.00"},
        finding="",
        acting_user=users["officer"],
        at=AT,
        context={"objection": 3, "reference": "YY-2026-000003", "reasons": "核实"},
    )
    record.refresh_from_db()
    assert (record.severity, record.fine_amount) == (Severity.SERIOUS, Decimal("5000.00"))
    assert (record.repair_earliest, record.publish_until) == (expected["repair_earliest"], expected["publish_until"])
    assert record.objection_status == Mark.NONE
    assert before["severity"] == "general" and after["severity"] == "serious"
    assert after["publish_until"] == expected["publish_until"] != before["publish_until"]
    event = last_event(record)
    assert event.kind == "record_objection_corrected" and event.data["reasons"] == "核实"
    assert_locked_own_row(locks)


def test_correction_keeps_an_ended_record_ended(record):
    record_end_publication(record=record, reason=Publication.ENDED_REPAIRED, acting_user=None, at=AT, context={})
    record_apply_objection_outcome(
        record=record,
        outcome=ObjectionOutcome.CORRECTED,
        corrections={"decision_date": "2025-07-01"},
        finding="",
        acting_user=None,
        at=AT,
        context={},
    )
    record.refresh_from_db()
    assert record.decision_date == date(2025, 7, 1) and record.publication_status == Publication.ENDED_REPAIRED


def test_the_outcome_service_never_corrects_a_field_outside_the_rule(record):
    with pytest.raises(ValueError, match="cannot be corrected"):
        record_apply_objection_outcome(
            record=record,
            outcome=ObjectionOutcome.CORRECTED,
            corrections={"repair_status": "repaired"},
            finding="",
            acting_user=None,
            at=AT,
            context={},
        )


def test_deleted_stops_publication_and_sharing(record):
    record_apply_objection_outcome(
        record=record, outcome=ObjectionOutcome.DELETED, corrections={}, finding="", acting_user=None, at=AT, context={}
    )
    record.refresh_from_db()
    assert (record.publication_status, record.sharing_status, record.ended_at) == (
        Publication.DELETED,
        Sharing.STOPPED,
        AT,
    )
    assert last_event(record).kind == "record_objection_deleted"


def test_kept_removes_the_mark_and_unconfirmed_keeps_it_with_the_finding(record, departments):
    record_mark_objection(record=record, acting_user=None, at=AT, context={})
    record_apply_objection_outcome(
        record=record, outcome=ObjectionOutcome.KEPT, corrections={}, finding="", acting_user=None, at=AT, context={}
    )
    record.refresh_from_db()
    assert (record.objection_status, record.objection_finding) == (Mark.NONE, "")
    other = a_record(a_subject(), departments["market"])
    record_apply_objection_outcome(
        record=other,
        outcome=ObjectionOutcome.UNCONFIRMED,
        corrections={},
        finding="原始凭证灭失，无法核实",
        acting_user=None,
        at=AT,
        context={},
    )
    other.refresh_from_db()
    assert (other.objection_status, other.objection_finding) == (Mark.UNCONFIRMED, "原始凭证灭失，无法核实")
    assert other.publication_status == Publication.PUBLISHED


def test_an_unknown_outcome_changes_nothing(record):
    with pytest.raises(ValueError, match="outcome"):
        record_apply_objection_outcome(
            record=record, outcome="lost", corrections={}, finding="", acting_user=None, at=AT, context={}
        )
    assert last_event(record).kind == "record_created"


# -- registration: the checks the API used to hold -----------------------------------------------------------------


def test_subject_register_needs_the_permission_and_a_new_code(users):
    code = make_uscc("9", "1", "420502", "MA499901")
    with pytest.raises(ApplicationError) as refused:
        subject_register(acting_user=users["applicant"], uscc=code, name="宜昌某公司")
    assert refused.value.status_code == 403
    subject = subject_register(acting_user=users["clerk"], uscc=code, name="宜昌某公司")
    assert Subject.objects.get(uscc=code) == subject
    with pytest.raises(ApplicationError) as duplicate:
        subject_register(acting_user=users["clerk"], uscc=code, name="重复")
    assert duplicate.value.status_code == 409 and "uscc" in duplicate.value.fields


def test_record_register_checks_department_subject_sanctions_and_duplicates(users, departments):
    subject = a_subject()
    values = {
        "kind": "administrative_penalty",
        "severity": "general",
        "decision_no": "宜市监罚〔2026〕99号",
        "decision_date": date(2026, 4, 2),
    }
    with pytest.raises(ApplicationError) as refused:
        record_register(acting_user=users["applicant"], uscc=subject.uscc, **values)
    assert refused.value.status_code == 403
    with pytest.raises(ApplicationError) as foreign:
        record_register(acting_user=users["officer"], uscc=subject.uscc, department=departments["tax"], **values)
    assert foreign.value.status_code == 400 and "department" in foreign.value.fields
    with pytest.raises(ApplicationError) as unknown:
        record_register(acting_user=users["officer"], uscc=make_uscc("9", "1", "420502", "MA499902"), **values)
    assert unknown.value.status_code == 400 and "uscc" in unknown.value.fields
    with pytest.raises(ApplicationError) as bad_sanction:
        record_register(
            acting_user=users["officer"],
            uscc=subject.uscc,
            sanctions=[{"department": "NOPE", "measure": "x"}],
            **values,
        )
    assert "sanctions[0]" in bad_sanction.value.fields
    record = record_register(
        acting_user=users["officer"],
        uscc=subject.uscc,
        sanctions=[{"department": "YC-SW", "measure": "限制取得政府供应土地"}],
        **values,
    )
    assert record.department == departments["market"] and record.sanctions.get().department == departments["tax"]
    with pytest.raises(ApplicationError) as duplicate:
        record_register(acting_user=users["officer"], uscc=subject.uscc, **values)
    assert duplicate.value.status_code == 409 and "decision_no" in duplicate.value.fields
    assert NegativeRecord.objects.filter(subject=subject).count() == 1
