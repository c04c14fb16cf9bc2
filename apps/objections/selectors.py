"""Reads of the objections app and the access function: the only way an interface obtains an Objection."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import get_objects_for_user

from apps.accounts.models import User
from apps.casework.selectors import case_documents, case_open_tasks
from apps.core.models import CaseEvent
from apps.core.services import case_label
from apps.letters.selectors import can_view_letter, letters_for_owner
from apps.sla.selectors import deadline_explain
from apps.sla.workdays import BUSINESS_TZ
from apps.subjects.models import NegativeRecord, Subject

from .models import Objection, ObjectionParty

VIEW = "objections.view_objection"
ANSWER = "objections.answer_objection"
# What an applicant may do on the cases of the subjects they act for (and a clerk on the cases they entered).
APPLICANT_PERMS = (VIEW, ANSWER)

EVENT_LABELS = {
    "objection_filed": gettext_lazy("提交异议"),
    "objection_party_joined": gettext_lazy("合并受理其他主体的异议"),
    "objection_marked": gettext_lazy("信息标注为异议处理中"),
    "commitment_signed": gettext_lazy("签署异议申诉信用承诺书"),
    "document_attached": gettext_lazy("上传材料"),
    "objection_material_requested": gettext_lazy("要求补充材料（计时暂停）"),
    "objection_material_submitted": gettext_lazy("补充材料（恢复计时）"),
    "objection_outcome_proposed": gettext_lazy("提出核查结果"),
    "objection_review_approved": gettext_lazy("审核通过"),
    "objection_review_returned": gettext_lazy("审核退回"),
    "objection_outcome_applied": gettext_lazy("执行核查结果"),
    "record_objection_corrected": gettext_lazy("信息已更正"),
    "record_objection_deleted": gettext_lazy("信息已删除（停止公示和共享）"),
    "record_objection_kept": gettext_lazy("维持原信息，取消异议标注"),
    "record_objection_unconfirmed": gettext_lazy("无法确认，核查情况与信息一并记载"),
    "objection_replied": gettext_lazy("出具异议答复函"),
    "objection_closed": gettext_lazy("办结"),
    "task_claimed": gettext_lazy("领取任务"),
    "task_released": gettext_lazy("退回任务"),
    "task_completed": gettext_lazy("完成任务"),
    "sla_due_soon": gettext_lazy("临期提醒"),
    "sla_breach": gettext_lazy("超期督办"),
    "sla_notice_acknowledged": gettext_lazy("督办已处理"),
    "deadline_opened": gettext_lazy("开始计时"),
    "deadline_paused": gettext_lazy("计时暂停"),
    "deadline_resumed": gettext_lazy("恢复计时"),
    "deadline_extended": gettext_lazy("延长时限"),
    "deadline_closed": gettext_lazy("停止计时"),
    "deadline_recomputed": gettext_lazy("节假日安排变化，截止日重算"),
}


def _party_subject_ids(user: User) -> QuerySet:
    return get_objects_for_user(
        user, "subjects.act_for_subject", klass=Subject, accept_global_perms=False, with_superuser=False
    ).values("pk")


def objections_visible_to(*, user: User) -> QuerySet[Objection]:
    """Global viewers (monitor, admin) see all; a department the cases routed to it; an applicant the cases of the
    subjects they act for; a clerk the cases they entered."""
    if not getattr(user, "is_authenticated", False):
        return Objection.objects.none()
    if user.has_perm(VIEW):
        return Objection.objects.all()
    by_department = get_objects_for_user(
        user, VIEW, klass=Objection, accept_global_perms=False, with_superuser=False
    ).values("pk")
    by_party = ObjectionParty.objects.filter(subject__in=_party_subject_ids(user)).values("objection_id")
    return Objection.objects.filter(Q(pk__in=by_department) | Q(pk__in=by_party) | Q(filed_by=user))


def _acts_for_a_party(user: User, objection: Objection) -> bool:
    if objection.filed_by_id == user.pk:
        return True
    return any(user.has_perm("subjects.act_for_subject", party.subject) for party in objection.parties.all())


def objection_allows(*, user: User, objection: Objection, perm: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.has_perm(perm) or user.has_perm(perm, objection):
        return True
    return perm in APPLICANT_PERMS and _acts_for_a_party(user, objection)


def access_objection_by_id(*, user: User, objection_id: int, perm: str = VIEW) -> Objection:
    """The only way an interface obtains an Objection. Missing and forbidden are indistinguishable (404)."""
    objection = (
        Objection.objects.select_related(
            "record__subject", "record__department", "subject", "department", "deadline", "applicant", "filed_by"
        )
        .prefetch_related("parties__subject", "parties__commitment__text_version")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None or not objection_allows(user=user, objection=objection, perm=perm):
        raise Objection.DoesNotExist
    return objection


def objection_list(*, user: User, status: str = "", record_id: int | None = None) -> QuerySet[Objection]:
    qs = objections_visible_to(user=user).select_related("record", "subject", "department", "deadline")
    if status == "open":
        qs = qs.filter(status__in=Objection.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if record_id:
        qs = qs.filter(record_id=record_id)
    return qs.order_by("-filed_at", "-id")


def open_objection_for_record(*, record: NegativeRecord) -> Objection | None:
    return Objection.objects.filter(record=record, status__in=Objection.OPEN_STATUSES).first()


def _local(moment) -> str | None:
    return moment.astimezone(BUSINESS_TZ).isoformat() if moment else None


def objection_history(*, objection: Objection) -> list[dict[str, Any]]:
    """Who did what, when: the case's own events (its clock's included) and what it did to the record."""
    events = (
        CaseEvent.objects.filter(
            Q(case_type=case_label(objection), case_id=objection.pk)
            | Q(case_type=case_label(objection.record), case_id=objection.record_id, data__objection=objection.pk)
        )
        .select_related("actor")
        .order_by("seq")
    )
    return [
        {
            "seq": event.seq,
            "at": _local(event.at),
            "kind": event.kind,
            "label": str(EVENT_LABELS.get(event.kind, event.kind)),
            "actor": event.actor_label,
            "actor_name": (event.actor.display_name or event.actor.username) if event.actor else _("系统"),
            "data": event.data,
        }
        for event in events
    ]


def objection_clock(*, objection: Objection) -> dict[str, Any] | None:
    """The case's deadline explained: due date, provisional flag, skipped days, pauses."""
    if objection.deadline is None:
        return None
    return deadline_explain(objection.deadline)


# -- what the API and the portal show ------------------------------------------------------------------------------

STEP_LABELS = {
    Objection.Status.VERIFYING: gettext_lazy("认定部门核查"),
    Objection.Status.AWAITING_MATERIAL: gettext_lazy("等待申请人补充材料"),
    Objection.Status.REVIEWING: gettext_lazy("核查结果审核"),
    Objection.Status.APPLYING: gettext_lazy("执行核查结果"),
    Objection.Status.REPLYING: gettext_lazy("出具答复函"),
    Objection.Status.CLOSED: gettext_lazy("已办结"),
}
# The proposal is internal until a second person approved it.
DECIDED_STATUSES = (Objection.Status.APPLYING, Objection.Status.REPLYING, Objection.Status.CLOSED)


def objection_current_step(*, objection: Objection, with_task: bool = False) -> dict[str, Any]:
    """The step the case is at: its status, and (with_task) the open Viewflow task, who holds it."""
    step: dict[str, Any] = {"code": objection.status, "label": str(STEP_LABELS[objection.status])}
    if with_task:
        task = case_open_tasks(case=objection).first()
        step["task"] = (
            {
                "id": task.pk,
                "step": task.flow_task.name,
                "title": str(task.flow_task.task_title),
                "status": task.status,
                "owner": task.owner.get_username() if task.owner_id else None,
                "url": f"/api/v1/tasks/{task.pk}",
            }
            if task is not None
            else None
        )
    return step


def objection_documents(*, objection: Objection) -> list[dict[str, Any]]:
    return [
        {
            "id": document.pk,
            "purpose": document.purpose,
            "title": document.title or document.original_name,
            "name": document.original_name,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
            "uploaded_by": document.uploaded_by.get_username() if document.uploaded_by else None,
            "uploaded_at": _local(document.uploaded_at),
            "url": f"/api/v1/documents/{document.pk}",
        }
        for document in case_documents(case=objection)
    ]


def objection_letters(*, objection: Objection, user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": letter.pk,
            "title": letter.title,
            "recipient": {"uscc": letter.recipient_uscc, "name": letter.recipient_name},
            "status": letter.status,
            "verification_code": letter.verification_code,
            "created_at": _local(letter.created_at),
            "url": f"/api/v1/letters/{letter.pk}.pdf",
        }
        for letter in letters_for_owner(owner=objection).select_related("department")
        if can_view_letter(user=user, letter=letter)
    ]


def _user_label(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.display_name or user.username}


def objection_summary(objection: Objection) -> dict[str, Any]:
    return {
        "id": objection.pk,
        "reference": objection.reference,
        "url": f"/api/v1/objections/{objection.pk}",
        "portal_url": f"/portal/objections/{objection.pk}/",
        "status": objection.status,
        "status_display": objection.get_status_display(),
        "current_step": objection_current_step(objection=objection),
        "record": objection.record_id,
        "subject": {"uscc": objection.subject.uscc, "name": objection.subject.name},
        "department": {"code": objection.department.code, "name": objection.department.name},
        "ground": objection.ground,
        "ground_display": objection.get_ground_display(),
        "filed_at": _local(objection.filed_at),
        "due_date": objection.due_date.isoformat() if objection.due_date else None,
        "provisional": objection.due_provisional,
        "outcome": objection.outcome if objection.status in DECIDED_STATUSES else "",
    }


def _is_staff_viewer(user: User, objection: Objection) -> bool:
    return user.has_perm(VIEW) or user.has_perm(VIEW, objection)


def objection_row(objection: Objection, *, user: User) -> dict[str, Any]:
    """What a list of cases shows (the portal's 我的异议): the summary, the disputed record, the clock and its
    pauses, the letters. Not the history, documents and parties a case page reads (a list building full details
    ran them all for every row)."""
    clock = objection_clock(objection=objection)
    record = objection.record
    body = objection_summary(objection)
    body.update(
        {
            "record": {"id": record.pk, "kind_display": record.get_kind_display(), "decision_no": record.decision_no},
            "clock": clock,
            "pauses": clock["pauses"] if clock else [],
            "letters": objection_letters(objection=objection, user=user),
        }
    )
    return body


def objection_detail(objection: Objection, *, user: User) -> dict[str, Any]:
    """Status, current step, due date, provisional flag, pauses, skipped days, history, documents, letters."""
    staff = _is_staff_viewer(user, objection)
    clock = objection_clock(objection=objection)
    decided = objection.status in DECIDED_STATUSES
    body = objection_summary(objection)
    record = objection.record
    body.update(
        {
            "record": {
                "id": record.pk,
                "url": f"/api/v1/records/{record.pk}",
                "kind": record.kind,
                "kind_display": record.get_kind_display(),
                "decision_no": record.decision_no,
                "decision_date": record.decision_date.isoformat(),
                "subject": {"uscc": record.subject.uscc, "name": record.subject.name},
                "department": {"code": record.department.code, "name": record.department.name},
                "objection_status": record.objection_status,
                "under_objection": record.objection_status == NegativeRecord.ObjectionStatus.UNDER_OBJECTION,
            },
            "channel": objection.channel,
            "channel_display": objection.get_channel_display(),
            "statement": objection.statement,
            "claimed": objection.claimed,
            "filed_by": _user_label(objection.filed_by),
            "applicant": _user_label(objection.applicant),
            "limit_working_days": objection.limit_working_days,
            "limit_rule_source": objection.limit_rule_source,
            "clock": clock,
            "pauses": clock["pauses"] if clock else [],
            "skipped": clock["skipped"] if clock else [],
            "makeup_workdays": clock["makeup_workdays"] if clock else [],
            "explanation": clock["explanation"] if clock else "",
            "material": {
                "request": objection.material_request,
                "requested_at": _local(objection.material_requested_at),
                "answer": objection.material_answer,
                "answered_at": _local(objection.material_answered_at),
                "can_request": objection.material_requested_at is None,
            },
            "outcome": (
                {
                    "code": objection.outcome,
                    "display": objection.get_outcome_display(),
                    "reasons": objection.reasons,
                    "corrections": objection.corrections,
                    "finding": objection.finding,
                    "proposed_by": _user_label(objection.proposed_by) if staff else None,
                    "proposed_at": _local(objection.proposed_at),
                    "reviewed_by": _user_label(objection.reviewed_by) if staff else None,
                    "reviewed_at": _local(objection.reviewed_at),
                    "review_comment": objection.review_comment if staff else "",
                }
                if objection.outcome and (decided or staff)
                else None
            ),
            "closed_at": _local(objection.closed_at),
            "closed_on_time": objection.closed_on_time,
            "parties": [
                {
                    "subject": {"uscc": party.subject.uscc, "name": party.subject.name},
                    "role": party.role,
                    "role_display": party.get_role_display(),
                    "channel": party.channel,
                    "ground": party.ground,
                    "ground_display": party.get_ground_display(),
                    "joined_at": _local(party.joined_at),
                    "commitment": (
                        {
                            "id": party.commitment.pk,
                            "type": party.commitment.type,
                            "type_display": party.commitment.get_type_display(),
                            "text_version": party.commitment.text_version.code,
                            "signer_name": party.commitment.signer_name,
                            "signer_capacity": party.commitment.signer_capacity,
                            "signed_at": _local(party.commitment.signed_at),
                            "fulfilment_status": party.commitment.fulfilment_status,
                            "url": f"/api/v1/commitments/{party.commitment.pk}",
                        }
                        if party.commitment
                        else None
                    ),
                }
                for party in objection.parties.all()
            ],
            "history": objection_history(objection=objection),
            "documents": objection_documents(objection=objection),
            "letters": objection_letters(objection=objection, user=user),
        }
    )
    body["current_step"] = objection_current_step(objection=objection, with_task=staff)
    return body


def subject_objection_cases(user: User, subject: Subject) -> list[dict[str, Any]]:
    """apps.core.registry provider: the objection cases a subject is party to or that dispute its records."""
    qs = (
        objections_visible_to(user=user)
        .filter(Q(parties__subject=subject) | Q(record__subject=subject))
        .select_related("subject", "department")
        .distinct()
        .order_by("-filed_at", "-id")
    )
    return [
        {
            "type": "objection",
            "id": o.pk,
            "reference": o.reference,
            "status": o.status,
            "status_display": o.get_status_display(),
            "current_step": objection_current_step(objection=o),
            "due_date": o.due_date.isoformat() if o.due_date else None,
            "provisional": o.due_provisional,
            "record": o.record_id,
            "url": f"/api/v1/objections/{o.pk}",
        }
        for o in qs
    ]


def access_objection_case(*, user: User, case_id: int) -> Objection:
    """apps.casework's view of the access function (tasks, documents, timers go through it)."""
    return access_objection_by_id(user=user, objection_id=case_id)


def objection_case_brief(objection: Objection) -> dict[str, Any]:
    return {
        "label": objection.reference,
        "type": "objection",
        "id": objection.pk,
        "reference": objection.reference,
        "title": f"{objection.subject.name} 对 {objection.record.decision_no} 的异议",
        "status": objection.status,
        "status_display": objection.get_status_display(),
        "due_date": objection.due_date.isoformat() if objection.due_date else None,
        "provisional": objection.due_provisional,
        "department": objection.department.code,
        "url": f"/portal/objections/{objection.pk}/",
        "api_url": f"/api/v1/objections/{objection.pk}",
    }
