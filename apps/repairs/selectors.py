"""Reads of the repairs app and its access functions: the only ways an interface obtains a case or a lift.

Every read of a case is built for its audience (apps.core.audience): `repair_view_for(user=, case_id=)` does access
and audience in one call and gives a RepairView; the API and the portal pages render it with the Output serializer
of that audience. The applicant (and the clerk who filed for it) reads its filing, the clocks and pauses, the 补正,
the decision with its reasons, the letters and outward events in plain words; never verification notes, proposals,
review comments, returns for revision or usernames.
"""

from functools import cached_property
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import get_objects_for_user

from apps.accounts.models import Role, User
from apps.accounts.selectors import head_department_id, object_pks_with_perm, role_label
from apps.casework.cases import case_open_tasks
from apps.casework.events import EVENT_LABELS as CASEWORK_EVENT_LABELS
from apps.casework.models import Channel, Document, SlaNotice
from apps.casework.registry import CaseRow
from apps.casework.selectors import case_documents, case_notices
from apps.commitments.events import EVENT_LABELS as COMMITMENT_EVENT_LABELS
from apps.commitments.models import Commitment
from apps.core.audience import Audience, OutwardEvent, OutwardKind, StaffEvent
from apps.core.i18n import choice_label
from apps.core.models import CaseEvent
from apps.core.selectors import case_events
from apps.repairs.models import RepairCase, SanctionLift
from apps.rules.selectors import rules_described
from apps.sla.events import EVENT_LABELS as SLA_EVENT_LABELS
from apps.sla.models import Deadline
from apps.sla.selectors import deadlines_for_owner
from apps.subjects.models import NegativeRecord, Subject, SubjectRepresentative
from apps.training.events import EVENT_LABELS as TRAINING_EVENT_LABELS
from apps.training.selectors import certificate_evidence_of

VIEW = "repairs.view_repaircase"
WORK = "repairs.work_repaircase"


def _base() -> QuerySet[RepairCase]:
    return RepairCase.objects.select_related(
        "subject", "department", "filed_by", "step_deadline", "supplement_deadline", "commitment"
    )


def user_may_act_for(*, user: User, subject: Subject) -> bool:
    return user.has_perm("subjects.act_for_subject", subject)


def can_answer_supplement(*, user: User, case: RepairCase) -> bool:
    """Who may answer a case's 补正: the applicant (whoever acts for the subject), or a counter clerk when the case
    was filed at the counter; an online case is the applicant's own to answer. The portal offers the form and the
    service accepts the answer by this one rule (the case must also be waiting for the answer: the service's check)."""
    if user_may_act_for(user=user, subject=case.subject):
        return True
    return case.channel == Channel.COUNTER and user.has_perm("subjects.file_on_behalf")


def access_repaircase_by_id(*, user: User, case_id: int, perm: str = VIEW) -> RepairCase:
    """Global viewers (monitor, admin), the case's department (guardian object permission), the subject's
    representatives and the counter clerk who filed it may see a case. Missing and forbidden look the same."""
    case = _base().filter(pk=case_id).first()
    if case is None or not user.is_authenticated:
        raise RepairCase.DoesNotExist
    if user.has_perm(perm):
        return case
    if perm == VIEW and head_department_id(user) is not None:
        # A 科室负责人 sees exactly their department's cases (repairs_visible_to reads the same rule).
        if case.department_id == head_department_id(user):
            return case
        raise RepairCase.DoesNotExist
    if user.has_perm(perm, case):
        return case
    if perm == VIEW and (case.filed_by_id == user.pk or user_may_act_for(user=user, subject=case.subject)):
        return case
    raise RepairCase.DoesNotExist


def access_case_for_casework(*, user: User, case_id: int) -> RepairCase:
    return access_repaircase_by_id(user=user, case_id=case_id)


def repairs_visible_to(*, user: User) -> QuerySet[RepairCase]:
    if not user.is_authenticated:
        return RepairCase.objects.none()
    if user.has_perm(VIEW):
        return _base()
    head_department = head_department_id(user)
    if head_department is not None:
        # By the case's department column (index repairs_case_dept_status_idx), not guardian's per-object grants:
        # the department group holds a grant on exactly its own cases, so this is the same set, read by index.
        return _base().filter(department_id=head_department)
    # One set of ids (a union, not an OR of three filters): the list reads its rows by primary key, however many
    # cases there are (bench/bench_read_plans.py).
    by_department = object_pks_with_perm(user=user, perm=VIEW, model=RepairCase)
    own_subjects = object_pks_with_perm(user=user, perm="subjects.act_for_subject", model=Subject)
    of_own_subjects = RepairCase.objects.filter(subject_id__in=own_subjects).order_by().values("pk")
    filed = RepairCase.objects.filter(filed_by=user).order_by().values("pk")
    return _base().filter(pk__in=by_department.union(of_own_subjects, filed))


def repair_list(*, user: User) -> QuerySet[RepairCase]:
    """The repair cases `user` may see, newest first, joined only with what a list row shows (case_summary: the
    subject and the department): every join is paid for each visible case before the page is cut."""
    return repairs_visible_to(user=user).select_related(None).select_related("subject", "department")


def counter_filings_of(*, user: User) -> QuerySet[RepairCase]:
    """The counter filings `user` (a clerk) entered, newest first."""
    return repairs_visible_to(user=user).filter(channel=Channel.COUNTER, filed_by=user).order_by("-filed_at", "-id")


def repair_proposals_of(*, user: User) -> QuerySet[RepairCase]:
    """The cases whose proposal (拟办意见) `user` made: the one rule of who proposed a case's decision. Its review is
    never that person's: not in their queues and a 404 to claim (casework, through the registered `proposals_of`),
    refused on completion (services.repair_review)."""
    if not getattr(user, "is_authenticated", False):
        return RepairCase.objects.none()
    return RepairCase.objects.filter(proposed_by=user)


def repair_proposed_by(*, case: RepairCase, user: User) -> bool:
    return repair_proposals_of(user=user).filter(pk=case.pk).exists()


def case_records(*, case: RepairCase) -> QuerySet[NegativeRecord]:
    return case.records.select_related("department").prefetch_related("sanctions__department").order_by("id")


def case_deadlines(*, case: RepairCase) -> QuerySet[Deadline]:
    return deadlines_for_owner(owner_type=case._meta.label_lower, owner_id=case.pk).order_by("started_at", "id")


def case_lifts(*, case: RepairCase) -> QuerySet[SanctionLift]:
    return case.lifts.select_related("department", "confirmed_by").prefetch_related("sanctions")


def case_letters(*, case: RepairCase) -> list[Any]:
    from apps.letters.selectors import letters_for_owner

    return list(letters_for_owner(owner=case).select_related("department"))


def case_history(*, case: RepairCase) -> QuerySet[CaseEvent]:
    return case_events(case=case).select_related("actor")


def case_current_tasks(*, case: RepairCase) -> list[Any]:
    return list(case_open_tasks(case=case))


def lifts_visible_to(*, user: User) -> QuerySet[SanctionLift]:
    """Global viewers see every lift; a department's staff the lifts their department must confirm."""
    qs = SanctionLift.objects.select_related("case__subject", "department").prefetch_related(Prefetch("sanctions"))
    if not user.is_authenticated:
        return qs.none()
    if user.has_perm("repairs.view_sanctionlift"):
        return qs
    return get_objects_for_user(
        user, "repairs.view_sanctionlift", klass=qs, accept_global_perms=False, with_superuser=False
    )


def access_sanctionlift_by_id(*, user: User, lift_id: int, perm: str = "repairs.view_sanctionlift") -> SanctionLift:
    lift = SanctionLift.objects.select_related("case__subject", "department").filter(pk=lift_id).first()
    if lift is None or not user.is_authenticated or not (user.has_perm(perm) or user.has_perm(perm, lift)):
        raise SanctionLift.DoesNotExist
    return lift


def case_summary(case: RepairCase) -> dict[str, Any]:
    """The small description task lists and the subject page show."""
    return {
        "type": "repair",
        "id": case.pk,
        "label": case.reference or str(case.pk),
        "reference": case.reference,
        "subject": case.subject.name,
        "uscc": case.subject.uscc,
        "department": case.department.name,
        "kind": choice_label(case, "kind"),
        "status": case.status,
        "current_step": choice_label(case, "status"),
        "due_date": case.due_date,
        "step_due_date": case.step_due_date,
        "provisional": case.due_provisional,
        "filed_at": case.filed_at,
        "url": f"/api/v1/repairs/{case.pk}",
    }


def repair_case_row(case: RepairCase) -> CaseRow:
    """A repair case in a workbench queue: the current step's due date (the case's own when no step counts)."""
    return CaseRow(
        reference=case.reference or str(case),
        enterprise=case.subject.name,
        uscc=case.subject.uscc,
        department=case.department.name,
        step_due_date=case.step_due_date or case.due_date,
    )


def _person(user: User | None) -> str:
    return (user.display_name or user.username) if user is not None else ""


def record_line(record: NegativeRecord) -> str:
    """A negative record in one line: its decision number, kind, severity and decision date."""
    return _("%(no)s（%(kind)s，%(severity)s，%(y)d年%(m)d月%(d)d日决定）") % {
        "no": record.decision_no,
        "kind": record.get_kind_display(),
        "severity": record.get_severity_display(),
        "y": record.decision_date.year,
        "m": record.decision_date.month,
        "d": record.decision_date.day,
    }


def repair_case_summary(case: RepairCase) -> list[tuple[str, Any]]:
    """A repair case as staff read it on the workbench (process page, task card): (label, value) pairs whose values
    are strings, dates, booleans, lists or None; the page writes them in Chinese form. Steps not yet reached are
    left out."""
    due: Any = case.due_date
    if due is not None and case.due_provisional:
        due = _("%(y)d年%(m)d月%(d)d日（暂定）") % {"y": due.year, "m": due.month, "d": due.day}
    rows: list[tuple[str, Any]] = [
        (_("案件编号"), case.reference),
        (_("申请主体"), f"{case.subject.name}（{case.subject.uscc}）"),
        (_("承办部门"), case.department.name),
        (_("修复类型"), f"{case.get_kind_display()} · {case.get_channel_display()}"),
        (_("申请修复的信息"), [record_line(record) for record in case.records.all()]),
        (_("申请时间"), case.filed_at),
        (_("案件状态"), case.get_status_display()),
        (_("当前环节期限"), case.step_due_date),
        (_("办结期限"), due),
        (_("须提交培训证明"), case.requires_training),
        (_("须提交信用报告"), case.requires_credit_report),
    ]
    if case.supplement_requested_at:
        rows += [
            (_("补正事项"), list(case.supplement_items)),
            (_("补正告知时间"), case.supplement_requested_at),
            (_("补正提交时间"), case.supplement_answered_at),
        ]
    if case.verified_at:
        rows += [
            (_("已履行法定义务"), case.obligations_fulfilled),
            (_("信用承诺有效"), case.commitment_valid),
            (_("核查意见"), case.verification_note),
        ]
    if case.proposed_outcome:
        rows += [
            (_("拟办意见"), f"{case.get_proposed_outcome_display()}：{case.proposal_reasons}"),
            (_("拟办人"), _person(case.proposed_by)),
        ]
    if case.reviewed_at:
        rows += [(_("审核意见"), case.review_note), (_("审核人"), _person(case.reviewed_by))]
    if case.outcome:
        rows.append((_("结果"), case.get_outcome_display()))
        if case.refusal_reasons:
            rows.append((_("不予修复理由"), [str(reason) for reason in case.refusal_reasons]))
    rows.append((_("适用规则"), rules_described(case.rules)))
    return rows


def subject_repair_cases(user: User, subject: Subject) -> list[dict[str, Any]]:
    """Subject case provider (apps.core.registry): the subject's repair cases the user may see."""
    return [case_summary(case) for case in repairs_visible_to(user=user).filter(subject=subject).order_by("-filed_at")]


def repair_todos(user: User) -> list[dict[str, Any]]:
    """To-do provider (apps.core.registry): the cases waiting for a 补正 that `user` may answer."""
    waiting = (
        repairs_visible_to(user=user)
        .filter(status=RepairCase.Status.SUPPLEMENT)
        .select_related("subject", "supplement_deadline")
        .order_by("supplement_deadline__due_date", "pk")[:20]
    )
    return [
        {
            "title": _("信用修复申请待补正"),
            "reference": case.reference,
            "due_date": case.supplement_answer_by,
            "url": f"/portal/repairs/{case.pk}/",
        }
        for case in waiting
        if user.has_perm("subjects.act_for_subject", case.subject) or user.has_perm("subjects.file_on_behalf")
    ]


def case_documents_of(*, case: RepairCase) -> QuerySet[Document]:
    return case_documents(case=case)


def case_notices_of(*, case: RepairCase) -> QuerySet[SlaNotice]:
    return case_notices(case=case)


# -- audience ------------------------------------------------------------------------------------------------------

# The labels of this app's own events; the shared machinery's events are labelled by the app that writes them.
EVENT_LABELS = {
    **SLA_EVENT_LABELS,
    **CASEWORK_EVENT_LABELS,
    **COMMITMENT_EVENT_LABELS,
    **TRAINING_EVENT_LABELS,
    "repair_filed": gettext_lazy("提交申请"),
    "repair_accepted": gettext_lazy("受理"),
    "repair_supplement_requested": gettext_lazy("一次性告知补正"),
    "repair_supplement_answered": gettext_lazy("提交补正材料"),
    "repair_withdrawn": gettext_lazy("视为撤回"),
    "repair_refused": gettext_lazy("不予修复"),
    "repair_verified": gettext_lazy("核查"),
    "repair_proposed": gettext_lazy("拟办意见"),
    "repair_review_returned": gettext_lazy("审核退回"),
    "repair_review_approved": gettext_lazy("审核同意"),
    "repair_decided": gettext_lazy("作出修复决定"),
    "sanction_lift_requested": gettext_lazy("通知解除惩戒"),
    "sanction_lift_confirmed": gettext_lazy("确认解除惩戒"),
    "repair_publication_stopped": gettext_lazy("停止公示"),
    "repair_sharing_stopped": gettext_lazy("停止共享"),
    "repair_closed": gettext_lazy("办结：修复完成"),
    "repair_revoked": gettext_lazy("撤销修复"),
}

# What the applicant is told happened, in plain words. Verification, proposals, reviews (and returns), task claims
# and SLA escalations are the office's internal work.
OUTWARD_EVENTS = {
    "repair_filed": (OutwardKind.FILED, gettext_lazy("提交信用修复申请")),
    "repair_accepted": (OutwardKind.ACCEPTED, gettext_lazy("受理")),
    "repair_supplement_requested": (OutwardKind.SUPPLEMENT_REQUESTED, gettext_lazy("一次性告知补正（计时暂停）")),
    "repair_supplement_answered": (OutwardKind.SUPPLEMENT_ANSWERED, gettext_lazy("提交补正材料（恢复计时）")),
    "repair_refused": (OutwardKind.DECIDED, gettext_lazy("决定不予修复")),
    "repair_decided": (OutwardKind.DECIDED, gettext_lazy("决定予以信用修复")),
    "repair_publication_stopped": (OutwardKind.EXECUTED, gettext_lazy("停止公示")),
    "repair_sharing_stopped": (OutwardKind.EXECUTED, gettext_lazy("停止共享")),
    "sanction_lift_confirmed": (OutwardKind.EXECUTED, gettext_lazy("解除惩戒措施")),
    "repair_revoked": (OutwardKind.DECIDED, gettext_lazy("撤销信用修复")),
    "repair_withdrawn": (OutwardKind.CLOSED, gettext_lazy("补正期限届满未补正，视为撤回")),
    "repair_closed": (OutwardKind.CLOSED, gettext_lazy("办结：修复完成")),
}
# Files of the applicant's own filing (and its 补正 answer). A file staff attach for themselves is not the party's.
PARTY_DOCUMENT_PURPOSES = ("evidence", "training_certificate", "credit_report", "supplement")

DEADLINE_PURPOSES = {
    "answer": gettext_lazy("办结（答复申请人）"),
    "intake": gettext_lazy("受理审查"),
    "supplement": gettext_lazy("申请人补正"),
    "decision": gettext_lazy("认定部门作出决定"),
    "execution": gettext_lazy("执行修复"),
}


def repair_applicants(case: RepairCase) -> list[Any]:
    """Who is told what the office decided or asks: the accounts acting for the subject, and the applicant account
    that filed (a counter clerk who filed on paper is not the applicant)."""
    people = [
        rep.user for rep in SubjectRepresentative.objects.filter(subject_id=case.subject_id).select_related("user")
    ]
    if case.filed_by is not None and case.filed_by.role == Role.APPLICANT:
        people.append(case.filed_by)
    return people


def repair_page_url(case: RepairCase) -> str:
    """The case's page: the applicant's view for a party, the full case for staff (same address)."""
    return reverse("repairs-portal-detail", args=[case.pk])


def repair_audience(*, user: User, case: RepairCase) -> Audience:
    """Who `user`, who may see the case, is to it: the credit office (global view), the handling department (its
    group's object permission) or a party (the subject's representative, the clerk who filed it)."""
    if user.has_perm(VIEW):
        return Audience.OFFICE
    if head_department_id(user) is not None:
        return Audience.STAFF if case.department_id == head_department_id(user) else Audience.PARTY
    if user.has_perm(VIEW, case):
        return Audience.STAFF
    return Audience.PARTY


def repair_party_sees(*, user: User, case: RepairCase, item: Any) -> bool:
    """casework's question: may the applicant see this item of its case? Its filing's files and its commitment."""
    if isinstance(item, Document):
        return item.purpose in PARTY_DOCUMENT_PURPOSES
    if isinstance(item, Commitment):
        return item.pk == case.commitment_id
    return False


class RepairView:
    """One repair case as one person may read it. `.audience` says which Output serializer renders it."""

    def __init__(self, case: RepairCase, *, audience: Audience):
        self.case = case
        self.audience = audience

    @property
    def internal(self) -> bool:
        return self.audience.internal

    @property
    def summary(self) -> dict[str, Any]:
        return case_summary(self.case)

    @cached_property
    def deadlines(self) -> list[Deadline]:
        return list(case_deadlines(case=self.case))

    @cached_property
    def lifts(self) -> list[SanctionLift]:
        return list(case_lifts(case=self.case))

    @cached_property
    def tasks(self) -> list[Any]:
        return case_current_tasks(case=self.case)

    @property
    def current_step(self) -> dict[str, Any]:
        case = self.case
        return {
            "code": case.status,
            "label": case.get_status_display(),
            "due_date": case.step_due_date,
            "pending_lifts": [
                lift.department.name for lift in self.lifts if lift.status == SanctionLift.Status.PENDING
            ],
            "tasks": self.tasks if self.internal else [],
        }

    @cached_property
    def records(self) -> list[NegativeRecord]:
        return list(case_records(case=self.case))

    @property
    def deadline_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "id": d.pk,
                "purpose": d.purpose,
                "purpose_display": str(DEADLINE_PURPOSES.get(d.purpose, d.purpose)),
                "status": d.status,
                "started_at": d.started_at,
                "working_days": d.working_days,
                "paused_working_days": d.paused_working_days,
                "extended_working_days": d.extended_working_days,
                "due_date": d.due_date,
                "provisional": d.provisional,
                "closed_on_time": d.closed_on_time,
            }
            for d in self.deadlines
        ]

    @property
    def pauses(self) -> list[dict[str, Any]]:
        """The pauses of the case's answer clock (the one the applicant waits on)."""
        return [
            {
                "deadline": d.purpose,
                "started_at": p.started_at,
                "ended_at": p.ended_at,
                "working_days": p.working_days,
                "reason": p.reason,
            }
            for d in self.deadlines
            if d.purpose == "answer"
            for p in d.pauses.all()
        ]

    @property
    def supplement(self) -> dict[str, Any]:
        case = self.case
        return {
            "items": case.supplement_items,
            "requested_at": case.supplement_requested_at,
            "answer_by": case.supplement_answer_by,
            "answered_at": case.supplement_answered_at,
            "note": case.supplement_note,
        }

    @property
    def revoked(self) -> dict[str, Any] | None:
        case = self.case
        return {"at": case.revoked_at, "reason": case.revocation_reason} if case.revoked_at else None

    # -- internal (staff and the office only; the party's Output has no field reading these) --

    @property
    def verification(self) -> dict[str, Any]:
        case = self.case
        return {
            "obligations_fulfilled": case.obligations_fulfilled,
            "commitment_valid": case.commitment_valid,
            "training_ok": case.training_ok,
            "credit_report_ok": case.credit_report_ok,
            "note": case.verification_note,
            "by": case.verified_by.get_username() if case.verified_by else None,
            "at": case.verified_at,
        }

    @property
    def proposal(self) -> dict[str, Any]:
        case = self.case
        return {
            "outcome": case.proposed_outcome,
            "reasons": case.proposal_reasons,
            "by": case.proposed_by.get_username() if case.proposed_by else None,
            "at": case.proposed_at,
        }

    @property
    def review(self) -> dict[str, Any]:
        case = self.case
        return {
            "note": case.review_note,
            "by": case.reviewed_by.get_username() if case.reviewed_by else None,
            "at": case.reviewed_at,
        }

    @property
    def notices(self) -> list[Any]:
        return list(case_notices(case=self.case))

    # -- documents, letters, history --

    @cached_property
    def documents(self) -> list[Document]:
        documents = case_documents(case=self.case)
        if not self.internal:
            documents = documents.filter(purpose__in=PARTY_DOCUMENT_PURPOSES)
        return list(documents)

    @cached_property
    def training_certificates(self) -> list[Any]:
        """The training certificates attached at filing (verifiable letters, shown to every reader of the case)."""
        return certificate_evidence_of(case=self.case)

    @cached_property
    def letters(self) -> list[Any]:
        letters = case_letters(case=self.case)
        if self.internal:
            return letters
        return [letter for letter in letters if letter.recipient_uscc == self.case.subject.uscc]

    def _events(self) -> QuerySet[CaseEvent]:
        return case_events(case=self.case).select_related("actor__department")

    @cached_property
    def history(self) -> list[StaffEvent]:
        return [
            StaffEvent(
                seq=e.seq,
                at=e.at,
                kind=e.kind,
                label=str(EVENT_LABELS.get(e.kind, e.kind)),
                actor=e.actor_label,
                actor_name=(e.actor.display_name or e.actor.username) if e.actor else _("系统"),
                data=e.data,
            )
            for e in self._events()
        ]

    @cached_property
    def outward_events(self) -> list[OutwardEvent]:
        """The applicant's history: outward events in plain words with the department and role, and the letters
        issued to it (each right after the event that issued it)."""
        department = self.case.department
        lines: list[tuple[int, OutwardEvent]] = []
        for event in self._events():
            if event.kind not in OUTWARD_EVENTS:
                continue
            kind, label = OUTWARD_EVENTS[event.kind]
            actor = role_label(event.actor, department=department)
            lines.append((event.seq, OutwardEvent(at=event.at, kind=kind, label=str(label), actor=actor)))
        # a letter takes its place in the audit chain (its letter_created event), right after the step that issued it
        created = dict(
            CaseEvent.objects.filter(
                case_type="letters.letter", case_id__in=[letter.pk for letter in self.letters], kind="letter_created"
            ).values_list("case_id", "seq")
        )
        for letter in self.letters:
            line = OutwardEvent(
                at=letter.created_at,
                kind=OutwardKind.LETTER_ISSUED,
                label=_("出具《%(title)s》") % {"title": letter.title},
                actor=letter.department.name if letter.department_id else department.name,
            )
            lines.append((created.get(letter.pk, 0), line))
        return [line for _seq, line in sorted(lines, key=lambda item: item[0])]


def repair_view_for(*, user: User, case_id: int, perm: str = VIEW) -> RepairView:
    """Access and audience in one: the case as `user` may read it (404 for anyone who may not see it at all)."""
    case = access_repaircase_by_id(user=user, case_id=case_id, perm=perm)
    return repair_view_of(case, user=user)


def repair_view_of(case: RepairCase, *, user: User) -> RepairView:
    """The view of a case the caller obtained through access_repaircase_by_id (or just filed)."""
    return RepairView(case, audience=repair_audience(user=user, case=case))
