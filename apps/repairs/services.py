"""Writes of the repairs app: filing, every step of the case, the three effects, closing and revocation.

Each service validates, saves with update_fields, records a CaseEvent in the same transaction and queues side
effects (letters are rendered after commit by apps.letters). The flow (apps.repairs.flows) only routes: step
services are called by the step handlers (apps.repairs.handlers) under the flow lock; services a person calls
outside a task (补正 answer, sanction lift) take the flow lock themselves.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from apps.accounts.models import User
from apps.casework.cases import (
    can_file,
    case_flow_advance,
    case_flow_locked,
    case_flow_start,
    case_lock,
    case_now,
)
from apps.casework.models import Channel
from apps.casework.services import CheckedUpload, document_attach
from apps.commitments.models import CommitmentTextVersion, CommitmentType
from apps.commitments.services import commitment_check_fulfilment, commitment_sign, text_version_in_force
from apps.core.errors import ApplicationError, ConflictError
from apps.core.i18n import in_office_language, office_language
from apps.core.services import case_event_record
from apps.letters.models import TemplateCode
from apps.notifications import services as notifications
from apps.repairs.eligibility import repair_eligibility
from apps.repairs.letters import letter_issue
from apps.repairs.models import RepairCase, RepairKind, SanctionLift
from apps.repairs.selectors import (
    can_answer_supplement,
    case_documents_of,
    repair_applicants,
    repair_page_url,
    repair_proposed_by,
)
from apps.rules.models import RuleCode
from apps.sla.models import Deadline
from apps.sla.services import deadline_close, deadline_open, deadline_pause, deadline_resume
from apps.sla.workdays import business_date
from apps.subjects.models import NegativeRecord, Sanction, Subject
from apps.subjects.services import (
    record_end_publication,
    record_restore,
    record_set_repair_status,
    record_stop_sharing,
)
from apps.subjects.signals import record_basis_ended
from apps.training.services import certificates_attach_as_evidence

WRONG_STATUS = "repair_wrong_status"
SAME_PERSON = "repair_same_person"
CONDITIONS_NOT_MET = "repair_conditions_not_met"
SUPPLEMENT_ONCE = "repair_supplement_once"
SUPPLEMENT_LATE = "repair_supplement_late"
CASE_LABEL = "repairs.repaircase"
CASE_PERMS = ("repairs.view_repaircase", "repairs.work_repaircase")
LIFT_PERMS = ("repairs.view_sanctionlift", "repairs.change_sanctionlift")
MAX_ITEMS = 50


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", message, fields={field: [message]})


def _lock(case: RepairCase) -> RepairCase:
    return case_lock(case, related=("subject", "department"))


def _expect(case: RepairCase, *statuses: str) -> None:
    if case.status not in statuses:
        raise ConflictError(
            WRONG_STATUS,
            _("案件当前为“%(status)s”，不能办理该事项。") % {"status": case.get_status_display()},
            extra={"status": case.status},
        )


def _event(case: RepairCase, event: str, acting_user: User | None, /, **data: Any) -> None:
    case_event_record(kind=event, case=case, acting_user=acting_user, data=data)


def _clean_lines(items: Iterable[str] | None, field: str, *, required: bool) -> list[str]:
    lines = [str(item).strip()[:500] for item in (items or []) if str(item).strip()]
    if required and not lines:
        raise _invalid(field, _("请至少填写一项。"))
    if len(lines) > MAX_ITEMS:
        raise _invalid(field, _("最多 %(n)s 项。") % {"n": MAX_ITEMS})
    return lines


# -- deadlines ---------------------------------------------------------------------------------------------------


def _rule_days(case: RepairCase, code: str) -> int:
    return int(case.rules[str(code)]["value"])


def _open(case: RepairCase, *, purpose: str, code: str, at: datetime, acting_user: User) -> Deadline:
    return deadline_open(
        owner_type=CASE_LABEL,
        owner_id=case.pk,
        started_at=at,
        working_days=_rule_days(case, code),
        purpose=purpose,
        acting_user=acting_user,
    )


def _close(deadline: Deadline | None, *, at: datetime, acting_user: User | None) -> None:
    if deadline is not None:
        deadline.refresh_from_db()
        if deadline.status != Deadline.Status.CLOSED:
            deadline_close(deadline=deadline, acting_user=acting_user, at=at)


def due_columns_sync(case: RepairCase) -> list[str]:
    """Copy the deadlines' due dates into the case's columns (queues and reports filter on them)."""
    overall, step = case.overall_deadline, case.step_deadline
    for deadline in (overall, step):
        if deadline is not None:
            deadline.refresh_from_db()
    case.due_date = overall.due_date if overall else None
    running = step if step is not None and step.status != Deadline.Status.CLOSED else None
    case.step_due_date = running.due_date if running else None
    case.due_provisional = bool((overall and overall.provisional) or (running and running.provisional))
    return ["due_date", "step_due_date", "due_provisional"]


def repair_due_dates_refresh(*, deadline_ids: Sequence[int]) -> int:
    """After sla moved due dates (resume, extension, calendar change): refresh the columns of the cases owning them."""
    cases = RepairCase.objects.filter(
        pk__in=Deadline.objects.filter(pk__in=deadline_ids, owner_type=CASE_LABEL).values("owner_id")
    ).select_related("overall_deadline", "step_deadline")
    changed = 0
    for case in cases:
        before = (case.due_date, case.step_due_date, case.due_provisional)
        fields = due_columns_sync(case)
        if (case.due_date, case.step_due_date, case.due_provisional) != before:
            case.save(update_fields=[*fields, "updated_at"])
            SanctionLift.objects.filter(case=case, status=SanctionLift.Status.PENDING).update(
                due_date=case.step_due_date
            )
            changed += 1
    return changed


# -- records ------------------------------------------------------------------------------------------------------


def _records(case: RepairCase) -> list[NegativeRecord]:
    return list(case.records.select_for_update(of=("self",)).select_related("department").order_by("id"))


def _record_context(case: RepairCase) -> dict[str, Any]:
    """What a record's history says about the repair case that changed it."""
    return {"repair_case": case.pk, "reference": case.reference}


# -- letters ------------------------------------------------------------------------------------------------------


@in_office_language
def _letter_context(case: RepairCase) -> dict[str, Any]:
    records = list(case.records.select_related("department").order_by("id"))
    return {
        "case_no": case.reference,
        "subject_name": case.subject.name,
        "subject_uscc": case.subject.uscc,
        "received_on": case.filing_date,
        "case_kind_label": _("信用修复申请（%(kind)s）") % {"kind": case.get_kind_display()},
        "record_description": "、".join(f"{r.get_kind_display()}（{r.decision_no}）" for r in records),
        "department_name": case.department.name,
        "rule_source": case.rule_source,
    }


# -- filing -------------------------------------------------------------------------------------------------------


@transaction.atomic
def repair_file(
    *,
    subject: Subject,
    records: Sequence[NegativeRecord],
    kind: str,
    channel: str,
    acting_user: User,
    signer_name: str,
    signer_capacity: str = "法定代表人",
    commitment_text: CommitmentTextVersion | None = None,
    signed_at: datetime | None = None,
    statement: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    evidence: Sequence[CheckedUpload] = (),
    training_certificate: Sequence[CheckedUpload] = (),
    credit_report: Sequence[CheckedUpload] = (),
    at: datetime | None = None,
) -> RepairCase:
    """File an application online (the applicant) or at the counter (a clerk on the applicant's behalf).

    The rules in force on the filing date decide eligibility; an ineligible filing raises with the reasons and the
    earliest filing date and creates nothing. Otherwise: the case, its records marked 修复中, the signed repair
    commitment, the evidence, the answer and intake deadlines, and the flow (first task: intake).
    """
    at = case_now(at)
    if channel not in Channel.values:
        raise _invalid("channel", _("未知的申请渠道。"))
    if kind not in RepairKind.values:
        raise _invalid("kind", _("未知的修复类型。"))
    if not can_file(user=acting_user, subject=subject, channel=channel):
        raise ApplicationError("forbidden", _("您不能代表该主体提交信用修复申请。"), status_code=403)
    ids = sorted({record.pk for record in records})
    if not ids:
        raise _invalid("records", _("请选择申请修复的失信信息。"))
    locked = list(
        NegativeRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("department")
        .order_by("id")
    )
    if len(locked) != len(ids):
        raise _invalid("records", _("所选失信信息不存在。"))
    if len({record.department_id for record in locked}) > 1:
        raise _invalid("records", _("所选信息由不同部门认定，请按认定部门分别申请。"))
    filing_date = business_date(at)
    eligibility = repair_eligibility(subject=subject, records=locked, kind=kind, on=filing_date)
    if not eligibility.ok:
        raise eligibility.error()

    case = RepairCase(
        subject=subject,
        department=locked[0].department,
        kind=kind,
        channel=channel,
        filed_by=acting_user,
        contact_name=(contact_name or "").strip()[:100],
        contact_phone=(contact_phone or "").strip()[:30],
        statement=(statement or "").strip()[:5000],
        filed_at=at,
        filing_date=filing_date,
        rules=eligibility.rules,
        rule_source=eligibility.rule_source,
        requires_training=eligibility.materials.requires_training,
        requires_credit_report=eligibility.materials.requires_credit_report,
    )
    case.full_clean(exclude=["reference"])
    case.save()
    case.reference = f"XF{filing_date.year}{case.pk:06d}"
    case.records.set(locked)
    for perm in CASE_PERMS:
        assign_perm(perm, case.department.group, case)
    _event(
        case,
        "repair_filed",
        acting_user,
        reference=case.reference,
        channel=channel,
        kind=kind,
        subject=subject.uscc,
        records=ids,
        filing_date=filing_date,
        rules=eligibility.rules,
        rule_source=case.rule_source,
    )
    for record in locked:
        record_set_repair_status(
            record=record,
            status=NegativeRecord.RepairStatus.REPAIRING,
            event="repair_filed",
            acting_user=acting_user,
            context=_record_context(case),
        )

    text = commitment_text or text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=filing_date)
    if text.type != CommitmentType.CREDIT_REPAIR:
        raise _invalid("commitment_text", _("请签署信用修复承诺书。"))
    case.commitment = commitment_sign(
        subject=subject,
        text_version=text,
        signer_name=signer_name,
        signer_capacity=signer_capacity,
        signed_at=signed_at or at,
        signer_user=acting_user if channel == Channel.ONLINE else None,
        acting_user=acting_user,
        owner=case,
    )
    case.overall_deadline = _open(
        case, purpose="answer", code=RuleCode.REPAIR_PORTAL_ANSWER, at=at, acting_user=acting_user
    )
    case.intake_deadline = _open(case, purpose="intake", code=RuleCode.REPAIR_INTAKE, at=at, acting_user=acting_user)
    case.step_deadline = case.intake_deadline
    fields = due_columns_sync(case)
    case.save(
        update_fields=["reference", "commitment", "overall_deadline", "intake_deadline", "step_deadline", *fields]
    )
    for purpose, uploads in (
        ("evidence", evidence),
        ("training_certificate", training_certificate),
        ("credit_report", credit_report),
    ):
        for upload in uploads:
            document_attach(case=case, upload=upload, acting_user=acting_user, purpose=purpose)
    # The training certificates the subject already holds are evidence of the application without a new upload.
    certificates_attach_as_evidence(case=case, subject=subject, before=at, acting_user=acting_user)

    case_flow_start(case)
    return case


# -- intake -------------------------------------------------------------------------------------------------------


@transaction.atomic
def repair_intake_accept(
    *, case: RepairCase, acting_user: User, note: str = "", at: datetime | None = None
) -> RepairCase:
    """Accept the application: the department's decision time limit starts; the applicant gets a 受理通知书."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.INTAKE)
    _close(case.intake_deadline, at=at, acting_user=acting_user)
    case.step_deadline = _open(
        case, purpose="decision", code=RuleCode.REPAIR_DEPARTMENT_DECISION, at=at, acting_user=acting_user
    )
    case.status, case.accepted_at, case.accepted_by = RepairCase.Status.VERIFICATION, at, acting_user
    fields = due_columns_sync(case)
    case.save(update_fields=["step_deadline", "status", "accepted_at", "accepted_by", *fields, "updated_at"])
    _event(case, "repair_accepted", acting_user, note=note, decision_due=case.step_due_date)
    letter_issue(
        case=case,
        code=TemplateCode.ACCEPTANCE_NOTICE,
        context={**_letter_context(case), "due_date": case.due_date, "accepted_on": business_date(at)},
        acting_user=acting_user,
    )
    return case


@transaction.atomic
def repair_counter_receipt(*, case: RepairCase, acting_user: User) -> Any:
    """The 受理回执 handed to the walk-in applicant: what the counter received and the due date. One per case
    (letter_create is idempotent per owner and template), verifiable like every letter."""
    if case.channel != Channel.COUNTER:
        raise ApplicationError("not_a_counter_filing", _("该申请不是窗口代办的申请，没有受理回执。"), status_code=409)
    received = [_("信用修复申请书")]
    if case.commitment_id:
        received.append(_("信用修复承诺书"))
    received += [
        _("申请材料：%(name)s") % {"name": document.original_name}
        for document in case_documents_of(case=case).filter(
            purpose__in=("evidence", "training_certificate", "credit_report")
        )
    ]
    return letter_issue(
        case=case,
        code=TemplateCode.COUNTER_RECEIPT,
        context={**_letter_context(case), "due_date": case.due_date, "received_items": received},
        acting_user=acting_user,
    )


@transaction.atomic
def repair_supplement_request(
    *, case: RepairCase, items: Sequence[str], acting_user: User, at: datetime | None = None
) -> RepairCase:
    """Send the one complete list of missing items (一次性告知补正). The case's clocks stop until the applicant
    answers; the applicant has `repair.supplement_answer` working days."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.INTAKE)
    items = _clean_lines(items, "missing_items", required=True)
    if case.supplement_requested_at is not None:
        raise ConflictError(SUPPLEMENT_ONCE, _("补正事项应一次性告知，本案已告知过补正，不能再次要求补正。"))
    with office_language():
        reason = _("补正：%(items)s") % {"items": "；".join(items)}
    for deadline in (case.overall_deadline, case.intake_deadline):
        assert deadline is not None  # a case in intake has both clocks
        deadline_pause(deadline=deadline, at=at, reason=reason[:1000], acting_user=acting_user)
    case.step_deadline = _open(
        case, purpose="supplement", code=RuleCode.REPAIR_SUPPLEMENT_ANSWER, at=at, acting_user=acting_user
    )
    case.status = RepairCase.Status.SUPPLEMENT
    case.supplement_items, case.supplement_requested_at = items, at
    case.supplement_deadline = case.step_deadline
    fields = due_columns_sync(case)
    case.save(
        update_fields=[
            "step_deadline",
            "status",
            "supplement_items",
            "supplement_requested_at",
            "supplement_deadline",
            *fields,
            "updated_at",
        ]
    )
    _event(case, "repair_supplement_requested", acting_user, items=items, answer_by=case.supplement_answer_by)
    letter_issue(
        case=case,
        code=TemplateCode.SUPPLEMENT_NOTICE,
        context={**_letter_context(case), "items": items, "answer_by": case.supplement_answer_by},
        acting_user=acting_user,
    )
    answer_by = case.supplement_answer_by
    assert answer_by is not None  # the supplement deadline was opened above
    notifications.supplement_requested_notify(
        recipients=repair_applicants(case),
        case_type=case._meta.label_lower,
        case_id=case.pk,
        reference=str(case),
        items=items,
        answer_by=answer_by,
        url=repair_page_url(case),
    )
    return case


def repair_supplement_answer(
    *, case: RepairCase, uploads: Sequence[CheckedUpload], note: str, acting_user: User, at: datetime | None = None
) -> RepairCase:
    """The applicant answers the 补正 (online, or a clerk at the counter): the clocks restart, moved out by the
    working days they stood still, and the case goes back to intake."""
    at = case_now(at)
    note = (note or "").strip()[:5000]
    if not uploads and not note:
        raise _invalid("files", _("请上传补正材料或填写说明。"))
    with case_flow_locked(case):
        case = _lock(case)
        _expect(case, RepairCase.Status.SUPPLEMENT)
        if not can_answer_supplement(user=acting_user, case=case):
            raise ApplicationError("forbidden", _("只有申请人可以提交补正材料。"), status_code=403)
        if case.supplement_answer_by and business_date(at) > case.supplement_answer_by:
            raise ConflictError(
                SUPPLEMENT_LATE, _("补正期限已于 %(date)s 届满。") % {"date": case.supplement_answer_by}
            )
        for upload in uploads:
            document_attach(case=case, upload=upload, acting_user=acting_user, purpose="supplement")
        _close(case.step_deadline, at=at, acting_user=acting_user)
        for deadline in (case.overall_deadline, case.intake_deadline):
            assert deadline is not None, "a case in intake has both clocks"
            deadline.refresh_from_db()
            if deadline.status == Deadline.Status.PAUSED:
                deadline_resume(deadline=deadline, at=at, acting_user=acting_user)
        case.step_deadline = case.intake_deadline
        case.status, case.supplement_answered_at, case.supplement_note = RepairCase.Status.INTAKE, at, note
        fields = due_columns_sync(case)
        case.save(
            update_fields=[
                "step_deadline",
                "status",
                "supplement_answered_at",
                "supplement_note",
                *fields,
                "updated_at",
            ]
        )
        _event(
            case, "repair_supplement_answered", acting_user, documents=len(uploads), note=note, due_date=case.due_date
        )
        case_flow_advance(case, node="await_supplement")
    return case


@transaction.atomic
def repair_withdraw_unanswered(*, case: RepairCase, at: datetime | None = None) -> RepairCase:
    """No answer to the 补正 in time: the case closes as withdrawn (视为撤回); the records are no longer 修复中."""
    at = case_now(at)
    case = _lock(case)
    if case.status != RepairCase.Status.SUPPLEMENT:
        return case
    for deadline in (case.step_deadline, case.intake_deadline, case.overall_deadline):
        _close(deadline, at=at, acting_user=None)
    for record in _records(case):
        record_set_repair_status(
            record=record,
            status=NegativeRecord.RepairStatus.NONE,
            event="repair_withdrawn",
            acting_user=None,
            context=_record_context(case),
        )
    case.status, case.closed_at = RepairCase.Status.WITHDRAWN, at
    fields = due_columns_sync(case)
    case.save(update_fields=["status", "closed_at", *fields, "updated_at"])
    _event(
        case,
        "repair_withdrawn",
        None,
        reason=_("补正期限届满未提交补正材料，视为撤回申请。"),
        answer_by=case.supplement_answer_by,
    )
    return case


@in_office_language
def _refuse(case: RepairCase, *, reasons: list[str], kind_label: str, acting_user: User, at: datetime) -> RepairCase:
    for deadline in (case.step_deadline, case.intake_deadline, case.overall_deadline):
        _close(deadline, at=at, acting_user=acting_user)
    for record in _records(case):
        record_set_repair_status(
            record=record,
            status=NegativeRecord.RepairStatus.NONE,
            event="repair_refused",
            acting_user=acting_user,
            context=_record_context(case),
        )
    case.status, case.outcome, case.refusal_reasons = RepairCase.Status.REFUSED, RepairCase.Outcome.REFUSE, reasons
    case.decided_at = case.closed_at = at
    fields = due_columns_sync(case)
    case.save(update_fields=["status", "outcome", "refusal_reasons", "decided_at", "closed_at", *fields, "updated_at"])
    _event(case, "repair_refused", acting_user, reasons=reasons, kind=kind_label)
    letter_issue(
        case=case,
        code=TemplateCode.REFUSAL_NOTICE,
        context={
            **_letter_context(case),
            "refusal_kind_label": kind_label,
            "reasons": reasons,
            "legal_basis": case.rule_source,
        },
        acting_user=acting_user,
    )
    _decision_notify(case, outcome=kind_label)
    return case


def _decision_notify(case: RepairCase, *, outcome: str) -> None:
    notifications.decision_issued_notify(
        recipients=repair_applicants(case),
        case_type=case._meta.label_lower,
        case_id=case.pk,
        reference=str(case),
        outcome=outcome,
        url=repair_page_url(case),
    )


@transaction.atomic
def repair_intake_refuse(
    *, case: RepairCase, reasons: Sequence[str], acting_user: User, at: datetime | None = None
) -> RepairCase:
    """Refuse to accept (不予受理), with reasons; the applicant gets a reasoned letter."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.INTAKE)
    reasons = _clean_lines(reasons, "reasons", required=True)
    return _refuse(case, reasons=reasons, kind_label=_("不予受理"), acting_user=acting_user, at=at)


# -- verification, proposal, review ---------------------------------------------------------------------------


@transaction.atomic
def repair_verify(
    *,
    case: RepairCase,
    obligations_fulfilled: bool,
    commitment_valid: bool,
    acting_user: User,
    training_ok: bool | None = None,
    credit_report_ok: bool | None = None,
    note: str = "",
    at: datetime | None = None,
) -> RepairCase:
    """Record the verification: obligations fulfilled (fine paid, correction done), commitment valid, and the
    training certificate / credit report where a local rule asks for them."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.VERIFICATION)
    if case.requires_training and training_ok is None:
        raise _invalid("training_ok", _("本地规则要求核查信用修复培训证明。"))
    if case.requires_credit_report and credit_report_ok is None:
        raise _invalid("credit_report_ok", _("本地规则要求核查信用报告。"))
    case.obligations_fulfilled, case.commitment_valid = obligations_fulfilled, commitment_valid
    case.training_ok, case.credit_report_ok = training_ok, credit_report_ok
    case.verification_note, case.verified_at, case.verified_by = (note or "").strip()[:5000], at, acting_user
    case.status = RepairCase.Status.PROPOSAL
    case.save(
        update_fields=[
            "obligations_fulfilled",
            "commitment_valid",
            "training_ok",
            "credit_report_ok",
            "verification_note",
            "verified_at",
            "verified_by",
            "status",
            "updated_at",
        ]
    )
    _event(
        case,
        "repair_verified",
        acting_user,
        obligations_fulfilled=obligations_fulfilled,
        commitment_valid=commitment_valid,
        training_ok=training_ok,
        credit_report_ok=credit_report_ok,
        note=case.verification_note,
    )
    return case


def conditions_met(case: RepairCase) -> list[str]:
    """What stands in the way of repair after verification (empty: nothing)."""
    missing = []
    if not case.obligations_fulfilled:
        missing.append(_("未履行法定义务"))
    if not case.commitment_valid:
        missing.append(_("信用承诺无效"))
    if case.requires_training and not case.training_ok:
        missing.append(_("缺少信用修复培训证明"))
    if case.requires_credit_report and not case.credit_report_ok:
        missing.append(_("缺少信用报告"))
    return missing


@transaction.atomic
def repair_propose(
    *, case: RepairCase, outcome: str, reasons: str, acting_user: User, at: datetime | None = None
) -> RepairCase:
    """The officer's proposal (拟办意见): repair, or refuse with reasons. It goes to a different person for review."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.PROPOSAL)
    reasons = (reasons or "").strip()[:5000]
    if outcome not in RepairCase.Outcome.values:
        raise _invalid("outcome", _("未知的拟办意见。"))
    if outcome == RepairCase.Outcome.APPROVE and (missing := conditions_met(case)):
        raise ApplicationError(
            CONDITIONS_NOT_MET,
            _("核查结果不支持修复：%(missing)s。") % {"missing": "、".join(missing)},
            fields={"outcome": missing},
        )
    if outcome == RepairCase.Outcome.REFUSE and not reasons:
        raise _invalid("reasons", _("不予修复须写明理由。"))
    case.proposed_outcome, case.proposal_reasons, case.proposed_at, case.proposed_by = outcome, reasons, at, acting_user
    case.status = RepairCase.Status.REVIEW
    case.save(
        update_fields=["proposed_outcome", "proposal_reasons", "proposed_at", "proposed_by", "status", "updated_at"]
    )
    _event(case, "repair_proposed", acting_user, outcome=outcome, reasons=reasons)
    return case


def may_review(*, case: RepairCase, user: User) -> bool:
    """Four eyes: the proposer can never approve their own proposal."""
    return not repair_proposed_by(case=case, user=user)


@transaction.atomic
def repair_review(*, case: RepairCase, outcome: str, note: str, acting_user: User, at: datetime | None = None) -> str:
    """Second-person review. `approve` carries the proposal out (repair decided, or refused with its reasons);
    `return` sends it back to the proposer. Returns the route: "approved", "refused" or "return"."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.REVIEW)
    if not may_review(case=case, user=acting_user):
        raise ApplicationError(SAME_PERSON, _("拟办人不能审核本人的拟办意见，请由其他审核人办理。"), status_code=403)
    note = (note or "").strip()[:5000]
    case.reviewed_at, case.reviewed_by, case.review_note = at, acting_user, note
    if outcome == "return":
        if not note:
            raise _invalid("note", _("退回须写明意见。"))
        case.status = RepairCase.Status.PROPOSAL
        case.save(update_fields=["reviewed_at", "reviewed_by", "review_note", "status", "updated_at"])
        _event(case, "repair_review_returned", acting_user, note=note)
        return "return"
    if outcome != "approve":
        raise _invalid("outcome", _("未知的审核意见。"))
    case.save(update_fields=["reviewed_at", "reviewed_by", "review_note", "updated_at"])
    _event(case, "repair_review_approved", acting_user, note=note, proposal=case.proposed_outcome)
    if case.proposed_outcome == RepairCase.Outcome.APPROVE:
        _decide(case, acting_user=acting_user, at=at)
        return "approved"
    _refuse(case, reasons=[case.proposal_reasons], kind_label=_("不予信用修复"), acting_user=acting_user, at=at)
    return "refused"


@in_office_language
def _decide(case: RepairCase, *, acting_user: User, at: datetime) -> RepairCase:
    """Repair decided: the decision letter, the execution time limit, and one lift per sanctioning department."""
    _close(case.step_deadline, at=at, acting_user=acting_user)
    _close(case.overall_deadline, at=at, acting_user=acting_user)
    case.step_deadline = _open(
        case, purpose="execution", code=RuleCode.REPAIR_EXECUTION, at=at, acting_user=acting_user
    )
    case.status, case.outcome, case.decided_at = RepairCase.Status.EXECUTION, RepairCase.Outcome.APPROVE, at
    fields = due_columns_sync(case)
    case.save(update_fields=["step_deadline", "status", "outcome", "decided_at", *fields, "updated_at"])
    records = _records(case)
    by_department: dict[Any, list[Sanction]] = defaultdict(list)
    for sanction in Sanction.objects.filter(record__in=records, status=Sanction.Status.ACTIVE).select_related(
        "department"
    ):
        by_department[sanction.department].append(sanction)
    for department, sanctions in sorted(by_department.items(), key=lambda item: item[0].code):
        lift = SanctionLift.objects.create(case=case, department=department, due_date=case.step_due_date)
        lift.sanctions.set(sanctions)
        for perm in LIFT_PERMS:
            assign_perm(perm, department.group, lift)
        _event(
            case,
            "sanction_lift_requested",
            acting_user,
            lift=lift.pk,
            department=department.code,
            sanctions=[s.pk for s in sanctions],
            due_date=lift.due_date,
        )
    effects = [_("停止在信用网站公示上述信息"), _("停止共享上述信息")]
    if by_department:
        effects.append(
            _("通知%(departments)s解除相关惩戒措施") % {"departments": "、".join(d.name for d in by_department)}
        )
    lead = records[0]
    _event(case, "repair_decided", acting_user, effects=effects, execution_due=case.step_due_date)
    letter_issue(
        case=case,
        code=TemplateCode.REPAIR_DECISION,
        context={
            **_letter_context(case),
            "record_kind_label": lead.get_kind_display(),
            "decision_no": "、".join(r.decision_no for r in records),
            "decision_date": lead.decision_date,
            "record_department": lead.department.name,
            "effective_on": business_date(at),
            "effects": effects,
        },
        acting_user=acting_user,
    )
    _decision_notify(case, outcome=_("准予信用修复"))
    for lift in case.lifts.select_related("department").order_by("pk"):
        notifications.lift_requested_notify(
            department=lift.department,
            lift_id=lift.pk,
            case_type=case._meta.label_lower,
            case_id=case.pk,
            reference=str(case),
            subject_name=case.subject.name,
            due_date=lift.due_date,
            url=reverse("repairs-lifts"),
        )
    return case


def case_has_pending_lifts(case: RepairCase) -> bool:
    return case.lifts.filter(status=SanctionLift.Status.PENDING).exists()


# -- execution -------------------------------------------------------------------------------------------------


@transaction.atomic
def repair_stop_publication(
    *, case: RepairCase, acting_user: User, note: str = "", at: datetime | None = None
) -> RepairCase:
    """Effect 1: the records stop being published (已修复，停止公示)."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.EXECUTION)
    if case.publication_stopped_at:
        raise ConflictError(WRONG_STATUS, _("已停止公示。"))
    for record in _records(case):
        record_end_publication(
            record=record,
            reason=NegativeRecord.PublicationStatus.ENDED_REPAIRED,
            acting_user=acting_user,
            at=at,
            context=_record_context(case),
        )
    case.publication_stopped_at = at
    case.save(update_fields=["publication_stopped_at", "updated_at"])
    record_basis_ended.send(
        sender=RepairCase, record_ids=[r.pk for r in _records(case)], reason="repaired", acting_user=acting_user
    )
    _event(case, "repair_publication_stopped", acting_user, note=(note or "")[:2000])
    return case


@transaction.atomic
def repair_stop_sharing(
    *, case: RepairCase, acting_user: User, note: str = "", at: datetime | None = None
) -> RepairCase:
    """Effect 2: the records stop being shared with other departments' systems."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.EXECUTION)
    if case.sharing_stopped_at:
        raise ConflictError(WRONG_STATUS, _("已停止共享。"))
    for record in _records(case):
        record_stop_sharing(record=record, acting_user=acting_user, context=_record_context(case))
    case.sharing_stopped_at = at
    case.save(update_fields=["sharing_stopped_at", "updated_at"])
    _event(case, "repair_sharing_stopped", acting_user, note=(note or "")[:2000])
    return case


def sanction_lift_confirm(
    *, lift: SanctionLift, acting_user: User, note: str = "", at: datetime | None = None
) -> SanctionLift:
    """Effect 3, per department: it confirms it lifted its sanctions. The last confirmation moves the flow on."""
    at = case_now(at)
    if not acting_user.has_perm("repairs.handle_repair") or not acting_user.has_perm(
        "repairs.change_sanctionlift", lift
    ):
        raise ApplicationError("forbidden", _("只有实施惩戒部门的承办人可以确认解除。"), status_code=403)
    with case_flow_locked(lift.case):
        lift = SanctionLift.objects.select_for_update(of=("self",)).select_related("case").get(pk=lift.pk)
        case = _lock(lift.case)
        _expect(case, RepairCase.Status.EXECUTION)
        if lift.status != SanctionLift.Status.PENDING:
            raise ConflictError(WRONG_STATUS, _("该部门已确认解除惩戒措施。"), extra={"status": lift.status})
        for sanction in (
            lift.sanctions.select_for_update(of=("self",))
            .filter(status=Sanction.Status.ACTIVE)
            .select_related("record")
        ):
            sanction.status, sanction.lifted_at, sanction.lifted_by = Sanction.Status.LIFTED, at, acting_user
            sanction.save(update_fields=["status", "lifted_at", "lifted_by", "updated_at"])
            case_event_record(
                kind="sanction_lifted",
                case=sanction.record,
                acting_user=acting_user,
                data={"sanction": sanction.pk, "department": lift.department.code, "repair_case": case.pk},
            )
        lift.status, lift.confirmed_at, lift.confirmed_by, lift.note = (
            SanctionLift.Status.CONFIRMED,
            at,
            acting_user,
            (note or "")[:2000],
        )
        lift.save(update_fields=["status", "confirmed_at", "confirmed_by", "note"])
        _event(
            case, "sanction_lift_confirmed", acting_user, lift=lift.pk, department=lift.department.code, note=lift.note
        )
        if not case_has_pending_lifts(case):
            case_flow_advance(case, node="await_lifts")
    return lift


@transaction.atomic
def repair_close(*, case: RepairCase, at: datetime | None = None) -> RepairCase:
    """All three effects done: the case closes as repaired and the records are marked 已修复."""
    at = case_now(at)
    case = _lock(case)
    _expect(case, RepairCase.Status.EXECUTION)
    if not case.publication_stopped_at or not case.sharing_stopped_at or case_has_pending_lifts(case):
        raise ConflictError(WRONG_STATUS, _("修复效果尚未全部完成。"))
    records = _records(case)
    if Sanction.objects.filter(record__in=records, status=Sanction.Status.ACTIVE).exists():
        raise ConflictError(WRONG_STATUS, _("仍有未解除的惩戒措施。"))
    _close(case.step_deadline, at=at, acting_user=None)
    for record in records:
        record_set_repair_status(
            record=record,
            status=NegativeRecord.RepairStatus.REPAIRED,
            event="repair_completed",
            acting_user=None,
            context=_record_context(case),
        )
    case.status, case.closed_at = RepairCase.Status.REPAIRED, at
    fields = due_columns_sync(case)
    case.save(update_fields=["status", "closed_at", *fields, "updated_at"])
    _event(case, "repair_closed", None, outcome="repaired")
    record_basis_ended.send(sender=RepairCase, record_ids=[r.pk for r in records], reason="repaired", acting_user=None)
    return case


# -- revocation ------------------------------------------------------------------------------------------------


@transaction.atomic
def repair_revoke(*, case: RepairCase, reason: str, acting_user: User, at: datetime | None = None) -> RepairCase:
    """Revoke a repair obtained with a false commitment: publication, sharing and sanctions are restored, and the
    broken commitment becomes a new negative record of the reviewer's department."""
    at = case_now(at)
    if not acting_user.has_perm("repairs.review_repair"):
        raise ApplicationError("forbidden", _("只有审核人可以撤销信用修复。"), status_code=403)
    reason = (reason or "").strip()[:5000]
    if not reason:
        raise _invalid("reason", _("请写明撤销理由（虚假承诺的事实）。"))
    case = _lock(case)
    _expect(case, RepairCase.Status.REPAIRED)
    for record in _records(case):
        record_restore(record=record, acting_user=acting_user, at=at, context=_record_context(case))
    for lift in case.lifts.select_for_update(of=("self",)).prefetch_related("sanctions"):
        for sanction in lift.sanctions.all():
            if sanction.status == Sanction.Status.LIFTED:
                sanction.status, sanction.lifted_at, sanction.lifted_by = Sanction.Status.ACTIVE, None, None
                sanction.save(update_fields=["status", "lifted_at", "lifted_by", "updated_at"])
                case_event_record(
                    kind="sanction_restored",
                    case=sanction.record,
                    acting_user=acting_user,
                    data={"sanction": sanction.pk, "repair_case": case.pk, "reason": reason},
                )
        lift.status = SanctionLift.Status.RESTORED
        lift.save(update_fields=["status"])
    commitment = case.commitment
    if commitment is not None:
        commitment = commitment_check_fulfilment(
            commitment=commitment, fulfilled=False, finding=reason, acting_user=acting_user
        )
        case.commitment = commitment  # the answer shows the commitment as stored now: violated
    case.status, case.revoked_at, case.revoked_by, case.revocation_reason = (
        RepairCase.Status.REVOKED,
        at,
        acting_user,
        reason,
    )
    case.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason", "updated_at"])
    _event(
        case,
        "repair_revoked",
        acting_user,
        reason=reason,
        violation_record=commitment.violation_record_id if commitment else None,
    )
    return case
