"""Service-level rules of objections: filing and the mark, duplicates, the clock, outcomes on the record."""

from datetime import date
from decimal import Decimal

import pytest

from apps.core.errors import ApplicationError, ConflictError
from apps.core.selectors import audit_chain_breaks, case_events
from apps.objections.models import Channel, Ground, Objection, ObjectionParty, Outcome
from apps.objections.services import (
    objection_file,
    objection_material_request,
    objection_material_submit,
    objection_outcome_apply,
    objection_propose,
    objection_review,
)
from apps.subjects.models import NegativeRecord

from .conftest import at

pytestmark = pytest.mark.django_db


def file(world, *, subject="a", user="applicant", when="2026-09-30 10:00", **kwargs):
    values = {
        "ground": Ground.ERROR,
        "statement": "处罚决定书载明的罚款金额有误。",
        "commitment_signer_name": "张敏",
    } | kwargs
    return objection_file(
        record=world["record"], subject=world[subject], acting_user=world[user], filed_at=at(when), **values
    )


def test_filing_marks_the_record_and_starts_the_five_working_day_clock(world):
    filing = file(world)
    objection = filing.objection
    world["record"].refresh_from_db()
    assert world["record"].objection_status == NegativeRecord.ObjectionStatus.UNDER_OBJECTION
    assert objection.status == Objection.Status.VERIFYING
    assert objection.department == world["departments"]["market"]
    # 2026-09-30 is received that day; 10-01..10-07 National Day; Saturday 10-10 is a make-up working day.
    assert objection.due_date == date(2026, 10, 13)
    assert objection.limit_working_days == 5
    assert objection.reference.startswith("YY-2026-")
    kinds = [e.kind for e in case_events(case=world["record"])]
    assert "objection_marked" in kinds
    assert list(audit_chain_breaks()) == []


def test_a_region_rule_row_changes_the_budget(world):
    from apps.rules.models import Rule

    Rule.objects.create(
        code="objection.close", value=3, region_code="4205", effective_from=date(2026, 1, 1), source="本地规则"
    )
    objection = file(world).objection
    assert objection.limit_working_days == 3
    assert objection.due_date == date(2026, 10, 10)  # the make-up Saturday counts


def test_same_subject_twice_is_refused_with_a_link_to_the_open_case(world):
    first = file(world).objection
    with pytest.raises(ConflictError) as refused:
        file(world, when="2026-09-30 11:00")
    assert refused.value.code == "objection_duplicate"
    assert refused.value.extra["open_case"]["id"] == first.pk
    assert Objection.objects.count() == 1


def test_another_subject_joins_the_open_case_as_a_party(world):
    first = file(world).objection
    second = file(world, subject="b", user="applicant2", when="2026-09-30 11:00", ground=Ground.DUPLICATE)
    assert second.joined and second.objection.pk == first.pk
    assert list(ObjectionParty.objects.filter(objection=first).values_list("subject__uscc", "role")) == [
        (world["a"].uscc, "filer"),
        (world["b"].uscc, "joined"),
    ]


def test_counter_filing_needs_the_clerk_permission_and_records_the_channel(world):
    with pytest.raises(ApplicationError) as refused:
        file(world, user="officer", channel=Channel.COUNTER)
    assert "subject" in refused.value.fields
    objection = file(world, user="clerk", channel=Channel.COUNTER).objection
    assert objection.channel == Channel.COUNTER and objection.filed_by == world["clerk"] and objection.applicant is None


def test_an_applicant_cannot_file_for_a_subject_they_do_not_act_for(world):
    with pytest.raises(ApplicationError) as refused:
        file(world, user="applicant2")
    assert refused.value.fields == {"subject": ["未找到该主体，或无权代表该主体提出异议。"]}
    world["record"].refresh_from_db()
    assert world["record"].objection_status == NegativeRecord.ObjectionStatus.NONE


def test_material_once_pauses_the_clock_and_moves_the_due_date(world):
    objection = file(world, when="2026-10-12 09:00").objection  # Monday; due 5 working days later: 10-19
    assert objection.due_date == date(2026, 10, 19)
    objection_material_request(
        objection=objection, request="请提供缴款凭证。", acting_user=world["officer"], at=at("2026-10-13 10:00")
    )
    with pytest.raises(ConflictError):
        objection_material_request(objection=objection, request="再补一次", acting_user=world["officer"])
    objection = objection_material_submit(  # services return the fresh row they locked and changed
        objection=objection, answer="已上传缴款凭证。", acting_user=world["applicant"], at=at("2026-10-15 10:00")
    )
    assert objection.status == Objection.Status.VERIFYING
    assert objection.due_date == date(2026, 10, 21)  # paused 10-14 and 10-15: two working days
    with pytest.raises(ConflictError):
        objection_material_request(objection=objection, request="再补一次", acting_user=world["officer"])


def _approve(world, objection, outcome, **kwargs):
    objection_propose(objection=objection, outcome=outcome, reasons="经核查。", acting_user=world["officer"], **kwargs)
    objection_review(objection=objection, approve=True, acting_user=world["reviewer"])
    return objection_outcome_apply(objection=objection, acting_user=world["reviewer"])


def test_the_proposer_cannot_review(world):
    objection = file(world).objection
    objection_propose(objection=objection, outcome=Outcome.KEPT, reasons="信息准确。", acting_user=world["officer"])
    with pytest.raises(ApplicationError) as refused:
        objection_review(objection=objection, approve=True, acting_user=world["officer"])
    assert refused.value.status_code == 403
    objection.refresh_from_db()
    assert objection.status == Objection.Status.REVIEWING and objection.reviewed_by is None


def test_corrected_changes_the_record_and_keeps_before_and_after(world):
    objection = file(world).objection
    _approve(
        world, objection, Outcome.CORRECTED, corrections={"fine_amount": "5000.00", "facts": "未按期公示2025年度报告"}
    )
    record = NegativeRecord.objects.get(pk=world["record"].pk)
    assert record.fine_amount == Decimal("5000.00") and record.facts == "未按期公示2025年度报告"
    assert record.objection_status == NegativeRecord.ObjectionStatus.NONE
    event = case_events(case=record).get(kind="record_objection_corrected")
    assert event.data["before"]["facts"] == "未按规定公示年度报告"
    assert event.data["after"]["facts"] == "未按期公示2025年度报告"
    assert event.data["before"]["fine_amount"] is None and event.data["after"]["fine_amount"] == "5000.00"
    assert list(audit_chain_breaks()) == []


def test_corrections_are_validated_field_by_field(world):
    objection = file(world).objection
    with pytest.raises(ApplicationError) as refused:
        objection_propose(
            objection=objection,
            outcome=Outcome.CORRECTED,
            reasons="x",
            corrections={"decision_date": "not a date", "subject": "x", "facts": world["record"].facts},
            acting_user=world["officer"],
        )
    assert set(refused.value.fields) == {"corrections.decision_date", "corrections.subject", "corrections.facts"}


def test_correcting_the_severity_recomputes_the_publication_window(world):
    objection = file(world).objection
    _approve(world, objection, Outcome.CORRECTED, corrections={"severity": "serious"})
    record = NegativeRecord.objects.get(pk=world["record"].pk)
    assert record.publish_until == date(2029, 5, 10)


def test_deleted_stops_publication_and_sharing(world):
    objection = file(world).objection
    _approve(world, objection, Outcome.DELETED)
    record = NegativeRecord.objects.get(pk=world["record"].pk)
    assert record.publication_status == NegativeRecord.PublicationStatus.DELETED
    assert record.sharing_status == NegativeRecord.SharingStatus.STOPPED
    assert record.objection_status == NegativeRecord.ObjectionStatus.NONE


def test_kept_removes_the_mark_and_unconfirmed_records_the_finding(world):
    objection = file(world).objection
    _approve(world, objection, Outcome.KEPT)
    record = NegativeRecord.objects.get(pk=world["record"].pk)
    assert record.objection_status == NegativeRecord.ObjectionStatus.NONE
    assert record.publication_status == NegativeRecord.PublicationStatus.PUBLISHED

    objection.status = Objection.Status.CLOSED
    objection.save(update_fields=["status"])
    again = file(world, when="2026-10-20 10:00").objection
    with pytest.raises(ApplicationError) as refused:
        objection_propose(objection=again, outcome=Outcome.UNCONFIRMED, reasons="x", acting_user=world["officer"])
    assert "finding" in refused.value.fields
    _approve(world, again, Outcome.UNCONFIRMED, finding="原始案卷已移交，暂无法核实罚款金额。")
    record.refresh_from_db()
    assert record.objection_status == NegativeRecord.ObjectionStatus.UNCONFIRMED
    assert record.objection_finding == "原始案卷已移交，暂无法核实罚款金额。"


def test_bad_ground_and_empty_statement_name_the_field(world):
    with pytest.raises(ApplicationError) as refused:
        file(world, ground="nonsense")
    assert "ground" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        file(world, statement="  ")
    assert "statement" in refused.value.fields
