"""Writes of the objections app. Every state change of a case is one function here, with its audit event.

The life of a case: objection_file (the record is marked 异议处理中 in the same transaction, the 5-working-day
clock starts) → objection_material_request / objection_material_submit (once; the clock stops meanwhile) →
objection_propose → objection_review (a different person) → objection_outcome_apply → objection_reply →
objection_close. The Viewflow graph in apps.objections.flows calls them in that order.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.casework.cases import (
    can_file,
    case_flow_advance,
    case_flow_locked,
    case_flow_start,
    case_lock,
    case_now,
    case_process,
)
from apps.casework.models import Channel
from apps.casework.services import CheckedUpload, documents_attach
from apps.casework.sla_policy import sla_notice_raise
from apps.commitments.models import CommitmentType
from apps.commitments.services import commitment_sign, text_version_in_force
from apps.core.errors import ApplicationError, ConflictError
from apps.core.i18n import in_office_language, office_language
from apps.core.services import case_event_record, case_label
from apps.notifications import services as notifications
from apps.rules.models import Rule, RuleCode
from apps.rules.selectors import rule_in_force
from apps.sla.services import deadline_close, deadline_open, deadline_pause, deadline_resume
from apps.sla.workdays import business_date
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.services import (
    record_apply_objection_outcome,
    record_corrections_clean,
    record_mark_objection,
)
from apps.subjects.signals import record_basis_ended

from .models import Ground, Objection, ObjectionParty, Outcome
from .selectors import objection_applicants, objection_page_url, objection_proposed_by

OBJECTION_DUPLICATE = "objection_duplicate"
OBJECTION_WRONG_STATE = "objection_wrong_state"
MATERIAL_ALREADY_REQUESTED = "material_already_requested"
SAME_PERSON = "same_person"


@dataclass(frozen=True)
class Filing:
    """What objection_file did: a new case, or the open case the subject was joined to as a party."""

    objection: Objection
    party: ObjectionParty
    joined: bool


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", f"{field}: {message}", fields={field: [message]})


def _wrong_state(objection: Objection, action: str) -> ConflictError:
    return ConflictError(
        OBJECTION_WRONG_STATE,
        _("案件当前状态为“%(status)s”，不能%(action)s。")
        % {"status": objection.get_status_display(), "action": action},
        extra={"status": objection.status},
    )


def _lock(objection: Objection) -> Objection:
    return case_lock(objection, related=("record", "deadline", "department"))


def objection_case_url(objection: Objection) -> str:
    return f"/api/v1/objections/{objection.pk}"


def close_rule(*, objection: Objection, on: date) -> Rule:
    department = objection.department
    return rule_in_force(
        code=RuleCode.OBJECTION_CLOSE,
        on=on,
        record_kind=objection.record.kind,
        sector=department.sector,
        region_code=department.region_code,
    )


# -- filing -------------------------------------------------------------------------------------------------------


def filing_record_lock(record_id: int) -> NegativeRecord:
    """The record re-read under the lock that serialises filings on it: the open-case check and the mark must not
    interleave. Its own row only (`of=("self",)`): the joined subject and department stay unlocked, so filings on
    other records of the same subject or department never wait on this one (issue 15)."""
    return (
        NegativeRecord.objects.select_for_update(of=("self",)).select_related("department", "subject").get(pk=record_id)
    )


@transaction.atomic
def objection_file(
    *,
    record: NegativeRecord,
    subject: Subject,
    ground: str,
    statement: str,
    acting_user: User,
    channel: str = Channel.ONLINE,
    applicant: User | None = None,
    claimed: dict[str, Any] | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    commitment_signer_name: str = "",
    commitment_signer_capacity: str = "法定代表人",
    evidence: Sequence[CheckedUpload] = (),
    filed_at: datetime | None = None,
) -> Filing:
    """File an objection to `record` for `subject`, online by the applicant or at a counter by a clerk.

    In the same transaction the record is marked 异议处理中 and the case's clock (rule objection.close, 5 working
    days by default) starts. A second objection on a record that already has an open case is refused (409) when it
    comes from a subject that is already a party, and joined to the open case as a party otherwise.
    """
    filed_at = case_now(filed_at)
    statement = (statement or "").strip()
    if ground not in Ground.values:
        raise _invalid("ground", _("请选择异议理由。"))
    if not statement:
        raise _invalid("statement", _("请填写异议陈述。"))
    if len(statement) > 5000:
        raise _invalid("statement", _("异议陈述不能超过5000字。"))
    if channel not in Channel.values:
        raise _invalid("channel", _("未知的提交渠道。"))
    if not (commitment_signer_name or "").strip():
        raise _invalid("commitment_signer_name", _("请签署异议申诉信用承诺书（填写签署人）。"))
    if not can_file(user=acting_user, subject=subject, channel=channel):
        raise _invalid("subject", _("未找到该主体，或无权代表该主体提出异议。"))
    record = filing_record_lock(record.pk)
    if record.publication_status == NegativeRecord.PublicationStatus.DELETED:
        raise _invalid("record", _("该信息已删除，无需提出异议。"))
    if record.subject_id != subject.pk and not record.is_public:
        raise _invalid("record", _("未找到该信息。"))
    if channel == Channel.ONLINE and applicant is None:
        applicant = acting_user

    open_case = Objection.objects.filter(record=record, status__in=Objection.OPEN_STATUSES).first()
    if open_case is not None:
        filing = _party_join(
            objection=open_case,
            subject=subject,
            ground=ground,
            statement=statement,
            claimed=claimed or {},
            contact_name=contact_name,
            contact_phone=contact_phone,
            channel=channel,
            applicant=applicant,
            acting_user=acting_user,
            at=filed_at,
        )
        _commitment_sign(filing, commitment_signer_name, commitment_signer_capacity, applicant, acting_user, filed_at)
        _party_documents_attach(filing.party, uploads=evidence, acting_user=acting_user, purpose="evidence")
        return filing

    objection = Objection(
        record=record,
        subject=subject,
        department=record.department,
        applicant=applicant,
        filed_by=acting_user,
        channel=channel,
        contact_name=contact_name,
        contact_phone=contact_phone,
        ground=ground,
        statement=statement,
        claimed=claimed or {},
        filed_at=filed_at,
        status=Objection.Status.VERIFYING,
    )
    objection.full_clean(exclude=["deadline", "reference"])
    objection.save()
    party = ObjectionParty.objects.create(
        objection=objection,
        subject=subject,
        role=ObjectionParty.Role.FILER,
        applicant=applicant,
        filed_by=acting_user,
        channel=channel,
        ground=ground,
        statement=statement,
        claimed=claimed or {},
        contact_name=contact_name,
        contact_phone=contact_phone,
        joined_at=filed_at,
    )
    objection.reference = f"YY-{business_date(filed_at).year}-{objection.pk:06d}"
    rule = close_rule(objection=objection, on=business_date(filed_at))
    case_event_record(
        kind="objection_filed",
        case=objection,
        acting_user=acting_user,
        at=filed_at,
        data={
            "reference": objection.reference,
            "record": record.pk,
            "subject": subject.uscc,
            "channel": channel,
            "ground": ground,
            "department": record.department.code,
            "working_days": rule.value,
            "rule_source": rule.source,
        },
    )
    deadline = deadline_open(
        owner_type=case_label(objection),
        owner_id=objection.pk,
        started_at=filed_at,
        working_days=rule.value,
        purpose="close",
        acting_user=acting_user,
    )
    objection.deadline = deadline
    objection.due_date = deadline.due_date
    objection.due_provisional = deadline.provisional
    objection.limit_working_days = rule.value
    objection.limit_rule_source = rule.source
    objection.save(
        update_fields=[
            "reference",
            "deadline",
            "due_date",
            "due_provisional",
            "limit_working_days",
            "limit_rule_source",
            "updated_at",
        ]
    )
    objection_grant_access(objection=objection)
    record_mark_objection(
        record=record,
        acting_user=acting_user,
        at=filed_at,
        context={"objection": objection.pk, "reference": objection.reference},
    )
    filing = Filing(objection=objection, party=party, joined=False)
    _commitment_sign(filing, commitment_signer_name, commitment_signer_capacity, applicant, acting_user, filed_at)
    _party_documents_attach(party, uploads=evidence, acting_user=acting_user, purpose="evidence")
    case_flow_start(objection)
    return filing


def _party_documents_attach(
    party: ObjectionParty, *, uploads: Sequence[CheckedUpload], acting_user: User, purpose: str
) -> None:
    """Files a party sends belong to that party: no other party of the case sees or downloads them."""
    documents = documents_attach(case=party.objection, uploads=uploads, acting_user=acting_user, purpose=purpose)
    if documents:
        party.documents.add(*documents)


def objection_party_of(*, objection: Objection, user: User) -> ObjectionParty | None:
    """The party `user` acts for on this case (the first filer's first when they act for several): the one who
    entered or filed it, or a representative of its subject."""
    parties = list(objection.parties.select_related("subject").order_by("joined_at", "id"))
    for party in parties:
        if user.pk in (party.filed_by_id, party.applicant_id):
            return party
    for party in parties:
        if user.has_perm("subjects.act_for_subject", party.subject):
            return party
    return None


def _commitment_sign(
    filing: Filing, signer_name: str, signer_capacity: str, applicant: User | None, acting_user: User, at: datetime
) -> None:
    """异议申诉信用承诺书: each party signs the text in force on the filing day; it belongs to the case."""
    version = text_version_in_force(type=CommitmentType.OBJECTION_APPEAL, on=business_date(at))
    commitment = commitment_sign(
        subject=filing.party.subject,
        text_version=version,
        signer_name=signer_name,
        signer_capacity=signer_capacity or "法定代表人",
        signed_at=at,
        signer_user=applicant,
        acting_user=acting_user,
        owner=filing.objection,
    )
    filing.party.commitment = commitment
    filing.party.save(update_fields=["commitment"])


def _party_join(
    *,
    objection: Objection,
    subject: Subject,
    ground: str,
    statement: str,
    claimed: dict[str, Any],
    contact_name: str,
    contact_phone: str,
    channel: str,
    applicant: User | None,
    acting_user: User,
    at: datetime,
) -> Filing:
    existing = objection.parties.filter(subject=subject).first()
    if existing is not None:
        raise ConflictError(
            OBJECTION_DUPLICATE,
            _("该主体对此信息的异议正在处理中（案件 %(ref)s），请勿重复提交。") % {"ref": objection.reference},
            fields={"record": [_("已有处理中的异议。")]},
            extra={
                "open_case": {
                    "id": objection.pk,
                    "reference": objection.reference,
                    "url": objection_case_url(objection),
                }
            },
        )
    party = ObjectionParty.objects.create(
        objection=objection,
        subject=subject,
        role=ObjectionParty.Role.JOINED,
        applicant=applicant,
        filed_by=acting_user,
        channel=channel,
        ground=ground,
        statement=statement,
        claimed=claimed,
        contact_name=contact_name,
        contact_phone=contact_phone,
        joined_at=at,
    )
    case_event_record(
        kind="objection_party_joined",
        case=objection,
        acting_user=acting_user,
        at=at,
        data={"subject": subject.uscc, "channel": channel, "ground": ground, "party": party.pk},
    )
    return Filing(objection=objection, party=party, joined=True)


def objection_grant_access(*, objection: Objection) -> None:
    """The source department's group may see and work the case (guardian object permissions)."""
    from guardian.shortcuts import assign_perm

    group = objection.department.group
    for perm in ("objections.view_objection", "objections.work_objection"):
        assign_perm(perm, group, objection)


# -- verification -------------------------------------------------------------------------------------------------


@transaction.atomic
def objection_material_request(
    *, objection: Objection, request: str, acting_user: User, at: datetime | None = None
) -> Objection:
    """Ask the applicant for more material, once per case. The case's clock stops until the material arrives."""
    at = case_now(at)
    request = (request or "").strip()
    if not request:
        raise _invalid("request", _("请写明需要补充的材料。"))
    objection = _lock(objection)
    if objection.status != Objection.Status.VERIFYING:
        raise _wrong_state(objection, _("要求补充材料"))
    if objection.material_requested_at is not None:
        raise ConflictError(MATERIAL_ALREADY_REQUESTED, _("每个异议案件只能要求补充材料一次。"))
    with office_language():
        reason = _("等待申请人补充材料：%(r)s") % {"r": request}
    assert objection.deadline is not None  # a filed objection has its clock
    deadline_pause(deadline=objection.deadline, at=at, reason=reason, acting_user=acting_user)
    objection.material_request = request
    objection.material_requested_at = at
    objection.material_requested_by = acting_user
    objection.status = Objection.Status.AWAITING_MATERIAL
    objection.save(
        update_fields=["material_request", "material_requested_at", "material_requested_by", "status", "updated_at"]
    )
    case_event_record(
        kind="objection_material_requested", case=objection, acting_user=acting_user, at=at, data={"request": request}
    )
    notifications.material_requested_notify(
        recipients=objection_applicants(objection),
        case_type=case_label(objection),
        case_id=objection.pk,
        reference=str(objection),
        request=request,
        url=objection_page_url(objection),
    )
    return objection


def objection_material_submit(
    *,
    objection: Objection,
    answer: str,
    acting_user: User,
    files: Sequence[CheckedUpload] = (),
    at: datetime | None = None,
) -> Objection:
    """The applicant's answer to the request for material: the clock runs again, the due date moves out by the
    working days it stood still, and the case goes back to verification. Takes the flow lock first (as task
    completion does), so it never waits on a step that waits on it."""
    if case_process(objection) is None:
        raise _wrong_state(objection, _("补充材料"))
    with case_flow_locked(objection):
        return _material_submit(objection=objection, answer=answer, acting_user=acting_user, files=files, at=at)


@transaction.atomic
def _material_submit(
    *,
    objection: Objection,
    answer: str,
    acting_user: User,
    files: Sequence[CheckedUpload] = (),
    at: datetime | None = None,
) -> Objection:
    at = case_now(at)
    answer = (answer or "").strip()
    if not answer:
        raise _invalid("answer", _("请填写补充说明。"))
    objection = _lock(objection)
    if objection.status != Objection.Status.AWAITING_MATERIAL:
        raise _wrong_state(objection, _("补充材料"))
    party = objection_party_of(objection=objection, user=acting_user)
    assert objection.deadline is not None  # a filed objection has its clock
    deadline = deadline_resume(deadline=objection.deadline, at=at, acting_user=acting_user)
    due_before = objection.due_date
    objection.material_answer = answer
    objection.material_answered_at = at
    objection.material_answered_by = party
    objection.status = Objection.Status.VERIFYING
    objection.due_date = deadline.due_date
    objection.due_provisional = deadline.provisional
    objection.save(
        update_fields=[
            "material_answer",
            "material_answered_at",
            "material_answered_by",
            "status",
            "due_date",
            "due_provisional",
            "updated_at",
        ]
    )
    case_event_record(
        kind="objection_material_submitted",
        case=objection,
        acting_user=acting_user,
        at=at,
        data={
            "answer": answer,
            "party": party.pk if party else None,
            "due_before": due_before,
            "due_after": deadline.due_date,
        },
    )
    if party is not None:
        _party_documents_attach(party, uploads=files, acting_user=acting_user, purpose="material")
    else:
        documents_attach(case=objection, uploads=files, acting_user=acting_user, purpose="material")
    case_flow_advance(objection, node="await_material")
    return objection


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Values as a JSON column keeps them: dates as ISO strings, decimals as strings."""
    return {
        key: value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, Decimal) else value
        for key, value in values.items()
    }


@transaction.atomic
def objection_propose(
    *,
    objection: Objection,
    outcome: str,
    reasons: str,
    acting_user: User,
    corrections: dict[str, Any] | None = None,
    finding: str = "",
    at: datetime | None = None,
) -> Objection:
    """The verifying officer's proposed outcome, with reasons; it takes effect only after review by someone else."""
    at = case_now(at)
    reasons = (reasons or "").strip()
    finding = (finding or "").strip()
    if outcome not in Outcome.values:
        raise _invalid("outcome", _("请选择核查结果（更正、删除、维持、无法确认）。"))
    if not reasons:
        raise _invalid("reasons", _("请写明理由。"))
    objection = _lock(objection)
    if objection.status != Objection.Status.VERIFYING:
        raise _wrong_state(objection, _("提出核查结果"))
    cleaned: dict[str, Any] = {}
    if outcome == Outcome.CORRECTED:
        cleaned = record_corrections_clean(record=objection.record, corrections=corrections)
    elif corrections:
        raise _invalid("corrections", _("只有“更正”需要填写更正内容。"))
    if outcome == Outcome.UNCONFIRMED and not finding:
        raise _invalid("finding", _("无法确认的，须写明核查情况，该情况将与信息一并记载。"))
    objection.outcome = outcome
    objection.reasons = reasons
    objection.corrections = _jsonable(cleaned)
    objection.finding = finding if outcome == Outcome.UNCONFIRMED else ""
    objection.proposed_by = acting_user
    objection.proposed_at = at
    objection.proposals += 1
    objection.reviewed_by, objection.reviewed_at, objection.review_comment = None, None, ""
    objection.status = Objection.Status.REVIEWING
    objection.save(
        update_fields=[
            "outcome",
            "reasons",
            "corrections",
            "finding",
            "proposed_by",
            "proposed_at",
            "proposals",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "status",
            "updated_at",
        ]
    )
    case_event_record(
        kind="objection_outcome_proposed",
        case=objection,
        acting_user=acting_user,
        at=at,
        data={
            "outcome": outcome,
            "reasons": reasons,
            "corrections": objection.corrections,
            "finding": objection.finding,
        },
    )
    return objection


@transaction.atomic
def objection_review(
    *, objection: Objection, approve: bool, acting_user: User, comment: str = "", at: datetime | None = None
) -> Objection:
    """Second-person review of the proposed outcome. The proposer can never approve their own proposal (403).
    Returning it sends the case back to verification with the reviewer's comment."""
    at = case_now(at)
    comment = (comment or "").strip()
    objection = _lock(objection)
    if objection.status != Objection.Status.REVIEWING:
        raise _wrong_state(objection, _("审核"))
    if objection_proposed_by(objection=objection, user=acting_user):
        raise ApplicationError(SAME_PERSON, _("核查结果须由提出人以外的人员审核。"), status_code=403)
    if not approve and not comment:
        raise _invalid("comment", _("退回时须写明审核意见。"))
    objection.reviewed_by = acting_user
    objection.reviewed_at = at
    objection.review_comment = comment
    objection.status = Objection.Status.APPLYING if approve else Objection.Status.VERIFYING
    objection.save(update_fields=["reviewed_by", "reviewed_at", "review_comment", "status", "updated_at"])
    case_event_record(
        kind="objection_review_approved" if approve else "objection_review_returned",
        case=objection,
        acting_user=acting_user,
        at=at,
        data={"outcome": objection.outcome, "comment": comment, "proposed_by": objection.proposed_by_id},
    )
    return objection


# -- outcome, reply, close ----------------------------------------------------------------------------------------


@transaction.atomic
def objection_outcome_apply(*, objection: Objection, acting_user: User | None, at: datetime | None = None) -> Objection:
    """Carry the approved outcome out on the record, with before/after in the record's history:
    更正 changes the fields; 删除 stops publication and sharing; 维持 removes the mark; 无法确认 records the finding."""
    at = case_now(at)
    objection = _lock(objection)
    if objection.status != Objection.Status.APPLYING:
        raise _wrong_state(objection, _("执行核查结果"))
    record = objection.record
    before, after = record_apply_objection_outcome(
        record=record,
        outcome=objection.outcome,
        corrections=objection.corrections,
        finding=objection.finding,
        acting_user=acting_user,
        at=at,
        context={"objection": objection.pk, "reference": objection.reference, "reasons": objection.reasons},
    )
    objection.applied_at = at
    objection.status = Objection.Status.REPLYING
    objection.save(update_fields=["applied_at", "status", "updated_at"])
    if objection.outcome == Outcome.DELETED:
        record_basis_ended.send(sender=Objection, record_ids=[record.pk], reason="deleted", acting_user=acting_user)
    case_event_record(
        kind="objection_outcome_applied",
        case=objection,
        acting_user=acting_user,
        at=at,
        data={"outcome": objection.outcome, "record": record.pk, "before": before, "after": after},
    )
    return objection


@transaction.atomic
def objection_close(*, objection: Objection, acting_user: User | None, at: datetime | None = None) -> Objection:
    """End the case: its clock stops and says whether the case closed within its time limit."""
    at = case_now(at)
    objection = _lock(objection)
    if objection.status != Objection.Status.REPLYING or objection.replied_at is None:
        raise _wrong_state(objection, _("办结"))
    assert objection.deadline is not None  # a filed objection has its clock
    deadline = deadline_close(deadline=objection.deadline, acting_user=acting_user, at=at)
    objection.status = Objection.Status.CLOSED
    objection.closed_at = at
    objection.closed_on_time = deadline.closed_on_time
    objection.due_date = deadline.due_date
    objection.save(update_fields=["status", "closed_at", "closed_on_time", "due_date", "updated_at"])
    case_event_record(
        kind="objection_closed",
        case=objection,
        acting_user=acting_user,
        at=at,
        data={"outcome": objection.outcome, "due_date": deadline.due_date, "on_time": deadline.closed_on_time},
    )
    return objection


@in_office_language
def _reply_reasons(objection: Objection) -> str:
    text = objection.reasons
    if objection.outcome == Outcome.CORRECTED and objection.corrections:
        # corrections name the record's own columns (checked when they were entered), never a relation
        labels = {name: str(NegativeRecord._meta.get_field(name).verbose_name) for name in objection.corrections}  # type: ignore[union-attr]
        changes = "；".join(
            _("%(field)s更正为“%(value)s”") % {"field": labels[name], "value": value}
            for name, value in objection.corrections.items()
        )
        text = _("%(reasons)s（%(changes)s）") % {"reasons": text, "changes": changes}
    elif objection.outcome == Outcome.DELETED:
        text = _("%(reasons)s（该信息已删除，停止公示和共享）") % {"reasons": text}
    elif objection.outcome == Outcome.UNCONFIRMED:
        text = _("%(reasons)s（核查情况：%(finding)s；已与该信息一并记载）") % {
            "reasons": text,
            "finding": objection.finding,
        }
    return text


@transaction.atomic
def objection_reply(*, objection: Objection, acting_user: User | None, at: datetime | None = None) -> Objection:
    """异议处理答复函: one letter to every party, with the outcome and its reasons. Rendered after commit."""
    from apps.letters.services import letter_create

    at = case_now(at)
    objection = _lock(objection)
    if objection.status != Objection.Status.REPLYING:
        raise _wrong_state(objection, _("出具答复函"))
    record = objection.record
    letters = []
    for number, party in enumerate(objection.parties.select_related("subject").order_by("joined_at", "id"), start=1):
        letter = letter_create(
            template_code="objection_reply",
            owner=objection,
            recipient=party.subject,
            department=objection.department,
            issue_no=number,
            acting_user=acting_user,
            on=business_date(at),
            context={
                "subject_name": party.subject.name,
                "subject_uscc": party.subject.uscc,
                "case_no": objection.reference,
                "received_on": business_date(party.joined_at),
                "record_description": record.get_kind_display(),
                "decision_no": record.decision_no,
                "grounds_label": party.get_ground_display(),
                "outcome": objection.outcome,
                "outcome_label": objection.get_outcome_display(),
                "reasons": _reply_reasons(objection),
            },
        )
        letters.append({"letter": letter.pk, "recipient": party.subject.uscc, "code": letter.verification_code})
    objection.replied_at = at
    objection.save(update_fields=["replied_at", "updated_at"])
    case_event_record(
        kind="objection_replied", case=objection, acting_user=acting_user, at=at, data={"letters": letters}
    )
    with office_language():
        outcome = objection.get_outcome_display()
    notifications.decision_issued_notify(
        recipients=objection_applicants(objection),
        case_type=case_label(objection),
        case_id=objection.pk,
        reference=str(objection),
        outcome=outcome,
        url=objection_page_url(objection),
    )
    return objection


def objection_due_dates_follow(*, deadline_ids: list[int]) -> int:
    """Copy due dates the sla app moved (a calendar change) onto the cases, whose due_date column queues filter on."""
    from apps.sla.models import Deadline

    changed = 0
    for deadline in Deadline.objects.filter(pk__in=deadline_ids, owner_type=case_label_for_model()):
        changed += (
            Objection.objects.filter(deadline=deadline)
            .exclude(due_date=deadline.due_date, due_provisional=deadline.provisional)
            .update(due_date=deadline.due_date, due_provisional=deadline.provisional, updated_at=timezone.now())
        )
    return changed


def case_label_for_model() -> str:
    return Objection._meta.label_lower


def objection_sla_notice(*, objection: Objection, kind: str) -> None:
    """A due-soon reminder or breach escalation from the case's timers (apps.casework raises each once per due
    date, to the case's department; monitors see all)."""
    if objection.deadline is not None and objection.is_open:
        sla_notice_raise(deadline=objection.deadline, kind=kind)
