"""Reads of the objections app and the access function: the only way an interface obtains an Objection.

Every read of a case is built for its audience (apps.core.audience): `objection_view_for(user=, objection_id=)` does
access and audience in one call and gives an ObjectionView; the API and the portal pages render it with the Output
serializer of that audience. A party sees its own filing (statement, contact, commitment, documents), the letters
addressed to it, the clock, the decision once approved and a history of outward events; never another party's
filing, nor internal notes, proposals, review comments or usernames.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role, User
from apps.accounts.selectors import head_department_id, object_pks_with_perm, role_label
from apps.casework.cases import case_open_tasks
from apps.casework.events import EVENT_LABELS as CASEWORK_EVENT_LABELS
from apps.casework.models import CaseTask, Document
from apps.casework.registry import CaseRow
from apps.casework.selectors import case_documents
from apps.commitments.events import EVENT_LABELS as COMMITMENT_EVENT_LABELS
from apps.commitments.models import Commitment
from apps.core.audience import Audience, OutwardEvent, OutwardKind, StaffEvent
from apps.core.i18n import choice_label
from apps.core.models import CaseEvent
from apps.core.services import case_label
from apps.letters.models import Letter
from apps.letters.selectors import letters_for_owner
from apps.rules.models import RuleCode
from apps.rules.selectors import rule_described
from apps.sla.events import EVENT_LABELS as SLA_EVENT_LABELS
from apps.sla.models import DeadlinePause
from apps.sla.selectors import deadline_explain
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.selectors import access_record_by_id, published_record_by_id, record_changes_described

from .models import Objection, ObjectionParty

VIEW = "objections.view_objection"
ANSWER = "objections.answer_objection"
# What an applicant may do on the cases of the subjects they act for (and a clerk on the cases they entered).
APPLICANT_PERMS = (VIEW, ANSWER)

# The labels of this app's own events; the shared machinery's events are labelled by the app that writes them.
EVENT_LABELS = {
    **SLA_EVENT_LABELS,
    **CASEWORK_EVENT_LABELS,
    **COMMITMENT_EVENT_LABELS,
    "objection_filed": gettext_lazy("提交异议"),
    "objection_party_joined": gettext_lazy("合并受理其他主体的异议"),
    "objection_marked": gettext_lazy("信息标注为异议处理中"),
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
}


def objections_visible_to(*, user: User) -> QuerySet[Objection]:
    """Global viewers (monitor, admin) see all; a department the cases routed to it; an applicant the cases of the
    subjects they act for; a clerk the cases they entered."""
    if not getattr(user, "is_authenticated", False):
        return Objection.objects.none()
    if user.has_perm(VIEW):
        return Objection.objects.all()
    head_department = head_department_id(user)
    if head_department is not None:
        # A 科室负责人: by the case's department column (the department group holds a grant on exactly its own
        # cases, so this is the same set, read by index instead of through guardian's per-object grants).
        return Objection.objects.filter(department_id=head_department)
    # One set of ids (a union, not an OR of three filters): the list reads its rows by primary key, however many
    # objections there are (bench/bench_read_plans.py).
    by_department = object_pks_with_perm(user=user, perm=VIEW, model=Objection)
    own_subjects = object_pks_with_perm(user=user, perm="subjects.act_for_subject", model=Subject)
    by_party = ObjectionParty.objects.filter(subject_id__in=own_subjects).order_by().values("objection_id")
    filed = Objection.objects.filter(filed_by=user).order_by().values("pk")
    return Objection.objects.filter(pk__in=by_department.union(by_party, filed))


def objection_proposals_of(*, user: User) -> QuerySet[Objection]:
    """The objections whose verification result `user` proposed: the one rule of who proposed a case's decision. Its
    review is never that person's: not in their queues and a 404 to claim (casework, through the registered
    `proposals_of`), refused on completion (services.objection_review)."""
    if not getattr(user, "is_authenticated", False):
        return Objection.objects.none()
    return Objection.objects.filter(proposed_by=user)


def objection_proposed_by(*, objection: Objection, user: User) -> bool:
    return objection_proposals_of(user=user).filter(pk=objection.pk).exists()


def _acts_for_a_party(user: User, objection: Objection) -> bool:
    if objection.filed_by_id == user.pk:
        return True
    return any(user.has_perm("subjects.act_for_subject", party.subject) for party in objection.parties.all())


def objection_allows(*, user: User, objection: Objection, perm: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.has_perm(perm):
        return True
    if perm == VIEW and head_department_id(user) is not None:
        # A 科室负责人 sees exactly their department's cases (objections_visible_to reads the same rule).
        return objection.department_id == head_department_id(user)
    if user.has_perm(perm, objection):
        return True
    return perm in APPLICANT_PERMS and _acts_for_a_party(user, objection)


def access_objection_by_id(*, user: User, objection_id: int, perm: str = VIEW) -> Objection:
    """The only way an interface obtains an Objection. Missing and forbidden are indistinguishable (404)."""
    objection = (
        Objection.objects.select_related(
            "record__subject", "record__department", "subject", "department", "deadline", "applicant", "filed_by"
        )
        .prefetch_related(_parties_prefetch())
        .filter(pk=objection_id)
        .first()
    )
    if objection is None or not objection_allows(user=user, objection=objection, perm=perm):
        raise Objection.DoesNotExist
    return objection


def objection_list(*, user: User) -> QuerySet[Objection]:
    """The objections `user` may see, newest first (narrowed by apps.objections.filters.ObjectionFilter)."""
    return (
        objections_visible_to(user=user)
        .select_related("record", "subject", "department", "deadline")
        .order_by("-filed_at", "-id")
    )


def open_objection_for_record(*, record: NegativeRecord) -> Objection | None:
    return Objection.objects.filter(record=record, status__in=Objection.OPEN_STATUSES).first()


# -- audience ------------------------------------------------------------------------------------------------------

# What a party is told happened, in plain words. Anything else (claims, proposals, reviews, returns, SLA
# escalations, another party joining) is internal. Filing events are shown to the party that filed only.
OUTWARD_EVENTS = {
    "objection_filed": (OutwardKind.FILED, gettext_lazy("提交异议")),
    "objection_party_joined": (OutwardKind.FILED, gettext_lazy("提交异议（与同一信息的异议合并处理）")),
    "objection_marked": (OutwardKind.ACCEPTED, gettext_lazy("受理，信息标注为异议处理中")),
    "objection_material_requested": (OutwardKind.SUPPLEMENT_REQUESTED, gettext_lazy("要求补充材料（计时暂停）")),
    "objection_material_submitted": (OutwardKind.SUPPLEMENT_ANSWERED, gettext_lazy("补充材料（恢复计时）")),
    "record_objection_corrected": (OutwardKind.DECIDED, gettext_lazy("核查结果：信息已更正")),
    "record_objection_deleted": (OutwardKind.DECIDED, gettext_lazy("核查结果：信息已删除（停止公示和共享）")),
    "record_objection_kept": (OutwardKind.DECIDED, gettext_lazy("核查结果：维持原信息，取消异议标注")),
    "record_objection_unconfirmed": (OutwardKind.DECIDED, gettext_lazy("核查结果：无法确认，核查情况与信息一并记载")),
    "objection_closed": (OutwardKind.CLOSED, gettext_lazy("办结")),
}


def acting_subject_ids(*, user: User) -> set[int]:
    """The subjects `user` represents (one query)."""
    return {row["object_id"] for row in object_pks_with_perm(user=user, perm="subjects.act_for_subject", model=Subject)}


def objection_audience(*, user: User, objection: Objection) -> Audience:
    """Who `user`, who may see the case, is to it."""
    if user.has_perm(VIEW):
        return Audience.OFFICE
    if head_department_id(user) is not None:
        return Audience.STAFF if objection.department_id == head_department_id(user) else Audience.PARTY
    if user.has_perm(VIEW, objection):
        return Audience.STAFF
    return Audience.PARTY


def _own_parties(objection: Objection, user: User, subject_ids: set[int]) -> list[ObjectionParty]:
    return [
        party
        for party in objection.parties.all()
        if user.pk in (party.filed_by_id, party.applicant_id) or party.subject_id in subject_ids
    ]


def objection_party_sees(*, user: User, case: Objection, item: Any) -> bool:
    """casework's question: may this party of the case see this item? Its own filing's documents and commitment
    only (a joined party never downloads the first filer's evidence)."""
    parties = _own_parties(case, user, acting_subject_ids(user=user))
    if isinstance(item, Document):
        return ObjectionParty.documents.through.objects.filter(objectionparty__in=parties, document=item).exists()
    if isinstance(item, Commitment):
        return any(party.commitment_id == item.pk for party in parties)
    return False


# -- what the API and the portal show ------------------------------------------------------------------------------

STEP_LABELS: dict[str, Promise] = {
    Objection.Status.VERIFYING: gettext_lazy("认定部门核查"),
    Objection.Status.AWAITING_MATERIAL: gettext_lazy("等待申请人补充材料"),
    Objection.Status.REVIEWING: gettext_lazy("核查结果审核"),
    Objection.Status.APPLYING: gettext_lazy("执行核查结果"),
    Objection.Status.REPLYING: gettext_lazy("出具答复函"),
    Objection.Status.CLOSED: gettext_lazy("已办结"),
}
# The proposal is internal until a second person approved it.
DECIDED_STATUSES = (Objection.Status.APPLYING, Objection.Status.REPLYING, Objection.Status.CLOSED)


def objection_current_step(*, objection: Objection) -> dict[str, Any]:
    return {"code": objection.status, "label": str(STEP_LABELS[objection.status])}


def objection_clock(*, objection: Objection) -> dict[str, Any] | None:
    """The case's deadline explained: due date, provisional flag, skipped days, pauses."""
    if objection.deadline is None:
        return None
    return deadline_explain(objection.deadline)


def _parties_prefetch() -> "Prefetch[str, QuerySet[ObjectionParty], str]":
    return Prefetch(
        "parties",
        queryset=ObjectionParty.objects.select_related(
            "subject", "applicant", "filed_by", "commitment__text_version"
        ).order_by("joined_at", "id"),
    )


class ObjectionView:
    """One objection as one person may read it. `.audience` says which Output serializer renders it; attributes
    that differ by audience (the filings, documents, letters, history) hold only what that audience may see."""

    def __init__(self, objection: Objection, *, user: User, audience: Audience, own_parties: list[ObjectionParty]):
        self.case = objection
        self.user = user
        self.audience = audience
        self.own_parties = own_parties

    @property
    def internal(self) -> bool:
        return self.audience.internal

    # -- the filing(s) --

    @cached_property
    def filings(self) -> list[ObjectionParty]:
        """Staff: every party; a party: its own filing only."""
        return list(self.case.parties.all()) if self.internal else self.own_parties

    @cached_property
    def filing(self) -> ObjectionParty | None:
        """The filing a row is about: the first filer's for staff, the reader's own for a party."""
        if self.internal:
            return next((p for p in self.case.parties.all() if p.role == ObjectionParty.Role.FILER), None)
        return self.own_parties[0] if self.own_parties else None

    @cached_property
    def joined(self) -> bool:
        """The reader's filing was joined to a case another subject opened (staff: the case has joined parties)."""
        parties = self.filings if self.internal else self.own_parties
        return any(party.role == ObjectionParty.Role.JOINED for party in parties)

    @property
    def subject(self) -> Subject:
        return self.filing.subject if self.filing else self.case.subject

    @property
    def ground(self) -> str:
        return self.filing.ground if self.filing else self.case.ground

    @property
    def ground_display(self) -> str:
        return self.filing.get_ground_display() if self.filing else self.case.get_ground_display()

    @property
    def filed_at(self) -> datetime:
        return self.filing.joined_at if self.filing else self.case.filed_at

    # -- where it stands --

    @property
    def current_step(self) -> dict[str, Any]:
        return objection_current_step(objection=self.case)

    @cached_property
    def task(self) -> CaseTask | None:
        return case_open_tasks(case=self.case).first()

    @cached_property
    def clock(self) -> dict[str, Any] | None:
        return objection_clock(objection=self.case)

    @property
    def staff_step(self) -> dict[str, Any]:
        return {**self.current_step, "task": self.task}

    @property
    def pauses(self) -> list[dict[str, Any]]:
        return self.clock["pauses"] if self.clock else []

    @property
    def skipped(self) -> list[dict[str, Any]]:
        return self.clock["skipped"] if self.clock else []

    @property
    def makeup_workdays(self) -> list[dict[str, Any]]:
        return self.clock["makeup_workdays"] if self.clock else []

    @property
    def explanation(self) -> str:
        return self.clock["explanation"] if self.clock else ""

    @property
    def decided(self) -> bool:
        return self.case.status in DECIDED_STATUSES

    @property
    def outcome(self) -> Objection | None:
        """The outcome with its reasons: to a party once approved, to staff from the proposal on."""
        if not self.case.outcome or not (self.decided or self.internal):
            return None
        return self.case

    # -- 补正 --

    @property
    def material(self) -> dict[str, Any] | None:
        case = self.case
        if case.material_requested_at is None:
            return None
        own_answer = case.material_answered_by_id in {p.pk for p in self.own_parties}
        return {
            "request": case.material_request,
            "requested_at": case.material_requested_at,
            "answered_at": case.material_answered_at,
            "answered_by_me": own_answer,
            # another party's answer is its own statement: the reader sees that the clock runs again, not the text
            "answer": case.material_answer if (own_answer or self.internal) else "",
            "answered_by": case.material_answered_by.subject if case.material_answered_by else None,
            "can_request": case.material_requested_at is None,
        }

    # -- what the case holds --

    @cached_property
    def documents(self) -> list[Document]:
        if self.internal:
            return list(case_documents(case=self.case))
        ids = ObjectionParty.documents.through.objects.filter(objectionparty__in=self.own_parties).values("document_id")
        return list(case_documents(case=self.case).filter(pk__in=ids))

    @cached_property
    def letters(self) -> list[Letter]:
        letters = letters_for_owner(owner=self.case).select_related("department")
        if self.internal:
            return list(letters)
        return [letter for letter in letters if letter.recipient_uscc in self._own_usccs]

    @property
    def _own_usccs(self) -> set[str]:
        return {party.subject.uscc for party in self.own_parties}

    def _events(self) -> QuerySet[CaseEvent]:
        case = self.case
        return (
            CaseEvent.objects.filter(
                Q(case_type=case_label(case), case_id=case.pk)
                | Q(case_type=case_label(case.record), case_id=case.record_id, data__objection=case.pk)
            )
            .select_related("actor__department")
            .order_by("seq")
        )

    @cached_property
    def history(self) -> list[StaffEvent]:
        """Who did what, when: the case's own events (its clock's included) and what it did to the record."""
        return [
            StaffEvent(
                seq=event.seq,
                at=event.at,
                kind=event.kind,
                label=str(EVENT_LABELS.get(event.kind, event.kind)),
                actor=event.actor_label,
                actor_name=(event.actor.display_name or event.actor.username) if event.actor else _("系统"),
                data=event.data,
            )
            for event in self._events()
        ]

    @cached_property
    def outward_events(self) -> list[OutwardEvent]:
        """The party's history: outward events in plain words, the department and role for the person, and the
        letters addressed to it (in the order of the audit chain)."""
        own_ids = {party.pk for party in self.own_parties}
        files_first = any(party.role == ObjectionParty.Role.FILER for party in self.own_parties)
        department = self.case.department
        letters = {letter.pk: letter for letter in self.letters}
        lines = []
        for event in self._events():
            if event.kind == "objection_replied":  # one reply letter per party: the reader's own
                for item in event.data.get("letters", []):
                    if (letter := letters.get(item.get("letter"))) is not None:
                        lines.append(
                            OutwardEvent(
                                at=event.at,
                                kind=OutwardKind.LETTER_ISSUED,
                                label=_("出具《%(title)s》") % {"title": letter.title},
                                actor=letter.department.name if letter.department else department.name,
                            )
                        )
                continue
            if event.kind not in OUTWARD_EVENTS:
                continue
            if event.kind == "objection_filed" and not files_first:
                continue
            if event.kind == "objection_party_joined" and event.data.get("party") not in own_ids:
                continue
            kind, label = OUTWARD_EVENTS[event.kind]
            # the mark is the office's act on receipt, whoever's filing triggered it
            actor = None if event.kind == "objection_marked" else event.actor
            lines.append(
                OutwardEvent(at=event.at, kind=kind, label=str(label), actor=role_label(actor, department=department))
            )
        return lines


def objection_view_for(*, user: User, objection_id: int, perm: str = VIEW) -> ObjectionView:
    """Access and audience in one: the case as `user` may read it (404 for anyone who may not see it at all)."""
    objection = access_objection_by_id(user=user, objection_id=objection_id, perm=perm)
    return objection_view_of(objection, user=user)


def objection_view_of(objection: Objection, *, user: User) -> ObjectionView:
    """The view of a case the caller already obtained through access_objection_by_id (after a service changed it)."""
    audience = objection_audience(user=user, objection=objection)
    own = [] if audience.internal else _own_parties(objection, user, acting_subject_ids(user=user))
    return ObjectionView(objection, user=user, audience=audience, own_parties=own)


def objection_rows_for(*, user: User, objections: Iterable[Objection]) -> list[ObjectionView]:
    """A page of a case list, each row for its audience, with a constant number of queries: the parties, the
    clocks with their pauses and the letters of the whole page at once."""
    cases = list(objections)
    if not cases:
        return []
    ids = [case.pk for case in cases]
    # The page's rows come from objection_list (record, subject, department and clock joined): their parties and
    # pauses are added to them, the page is not read a second time.
    prefetch_related_objects(
        cases, _parties_prefetch(), Prefetch("deadline__pauses", queryset=DeadlinePause.objects.all())
    )
    loaded = {case.pk: case for case in cases}
    staff_ids: set[int]
    subject_ids: set[int]
    if user.has_perm(VIEW):
        staff_ids, subject_ids = set(ids), set()
    elif head_department_id(user) is not None:
        # A 科室负责人: the department's own cases (objection_audience, the same rule).
        staff_ids = {pk for pk in ids if loaded[pk].department_id == head_department_id(user)}
        subject_ids = set()
    else:
        staff_ids = set(
            Objection.objects.filter(pk__in=ids)
            .filter(pk__in=object_pks_with_perm(user=user, perm=VIEW, model=Objection))
            .values_list("pk", flat=True)
        )
        subject_ids = acting_subject_ids(user=user)
    letters: dict[int, list[Letter]] = defaultdict(list)
    for letter in (
        Letter.objects.filter(owner_type=case_label(cases[0]), owner_id__in=ids)
        .select_related("department")
        .order_by("id")
    ):
        letters[letter.owner_id].append(letter)
    rows = []
    for pk in ids:
        case = loaded[pk]
        if pk in staff_ids:
            audience = Audience.OFFICE if user.has_perm(VIEW) else Audience.STAFF
            view = ObjectionView(case, user=user, audience=audience, own_parties=[])
            view.letters = letters[pk]
        else:
            view = ObjectionView(
                case, user=user, audience=Audience.PARTY, own_parties=_own_parties(case, user, subject_ids)
            )
            view.letters = [letter for letter in letters[pk] if letter.recipient_uscc in view._own_usccs]
        rows.append(view)
    return rows


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


def access_record_for_objection(*, user: User, record_id: int) -> NegativeRecord:
    """The only way an interface (the API and the portal) obtains the record an objection is filed on: one the user
    may see, or one published on the credit portals (whoever a published listing harms may object to it and is
    joined to the open case as a party). Missing and forbidden are indistinguishable."""
    try:
        return access_record_by_id(user=user, record_id=record_id)
    except NegativeRecord.DoesNotExist:
        if not getattr(user, "is_authenticated", False):
            raise
    record = published_record_by_id(record_id=record_id)
    if record is None:
        raise NegativeRecord.DoesNotExist
    return record


def access_objection_case(*, user: User, case_id: int) -> Objection:
    """apps.casework's view of the access function (tasks, documents, timers go through it)."""
    return access_objection_by_id(user=user, objection_id=case_id)


# The step each of the case's deadlines times, in plain words (notices and notifications name it).
DEADLINE_STEPS = {"close": gettext_lazy("异议核查办结")}


def objection_applicants(objection: Objection) -> list[User]:
    """Who is told what the office asks or decided: each party's applicant account (the filer when it is an
    applicant; a counter clerk who filed on paper is not)."""
    people = []
    for party in objection.parties.select_related("applicant", "filed_by").order_by("joined_at", "id"):
        if party.applicant is not None:
            people.append(party.applicant)
        elif party.filed_by.role == Role.APPLICANT:
            people.append(party.filed_by)
    return people


def objection_page_url(objection: Objection) -> str:
    """The case's page: each party sees its own filing, staff the whole case (same address)."""
    return reverse("objections:detail", args=[objection.pk])


def objection_case_row(objection: Objection) -> CaseRow:
    """An objection in a workbench queue: every step runs against the objection's one deadline."""
    return CaseRow(
        reference=objection.reference or str(objection),
        enterprise=objection.subject.name,
        uscc=objection.subject.uscc,
        department=objection.department.name,
        step_due_date=objection.due_date,
    )


def _person(user: User | None) -> str:
    return (user.display_name or user.username) if user is not None else ""


def objection_case_summary(objection: Objection) -> list[tuple[str, Any]]:
    """An objection as staff read it on the workbench (process page, task card): (label, value) pairs whose values
    are strings, dates, booleans, lists or None; corrections and claimed contents by the record field's name."""
    record = objection.record
    due: Any = objection.due_date
    if due is not None and objection.due_provisional:
        due = _("%(y)d年%(m)d月%(d)d日（暂定）") % {"y": due.year, "m": due.month, "d": due.day}
    filers = [
        f"{party.subject.name}（{party.subject.uscc}）"
        for party in objection.parties.select_related("subject").order_by("joined_at", "pk")
    ]
    rows: list[tuple[str, Any]] = [
        (_("案件编号"), objection.reference),
        (_("异议人"), filers or [f"{objection.subject.name}（{objection.subject.uscc}）"]),
        (_("承办部门"), objection.department.name),
        (
            _("异议的信息"),
            _("%(no)s（%(kind)s，%(severity)s）")
            % {"no": record.decision_no, "kind": record.get_kind_display(), "severity": record.get_severity_display()},
        ),
        (_("异议理由"), f"{objection.get_ground_display()} · {objection.get_channel_display()}"),
        (_("异议陈述"), objection.statement),
        (_("申请人主张的正确内容"), record_changes_described(objection.claimed) if objection.claimed else None),
        (_("提交时间"), objection.filed_at),
        (_("案件状态"), objection.get_status_display()),
        (_("办结期限"), due),
    ]
    if objection.material_requested_at:
        rows += [
            (_("补充材料要求"), objection.material_request),
            (_("补充说明"), objection.material_answer),
            (_("补充材料时间"), objection.material_answered_at),
        ]
    if objection.outcome:
        rows += [
            (_("核查结果"), objection.get_outcome_display()),
            (_("理由"), objection.reasons),
        ]
        if objection.corrections:
            rows.append((_("更正内容"), record_changes_described(objection.corrections)))
        if objection.finding:
            rows.append((_("无法确认的核查情况"), objection.finding))
        rows.append((_("提出人"), _person(objection.proposed_by)))
    if objection.reviewed_at:
        rows += [(_("审核意见"), objection.review_comment), (_("审核人"), _person(objection.reviewed_by))]
    if objection.closed_at:
        rows += [(_("办结时间"), objection.closed_at), (_("按期办结"), objection.closed_on_time)]
    if objection.limit_working_days:
        rule = rule_described(
            code=RuleCode.OBJECTION_CLOSE, value=objection.limit_working_days, source=objection.limit_rule_source
        )
        rows.append((_("适用规则"), [rule]))
    return rows


def objection_case_brief(objection: Objection) -> dict[str, Any]:
    return {
        "label": objection.reference,
        "type": "objection",
        "id": objection.pk,
        "reference": objection.reference,
        "title": f"{objection.subject.name} 对 {objection.record.decision_no} 的异议",
        "status": objection.status,
        "status_display": choice_label(objection, "status"),
        "due_date": objection.due_date.isoformat() if objection.due_date else None,
        "provisional": objection.due_provisional,
        "department": objection.department.code,
        "url": f"/portal/objections/{objection.pk}/",
        "api_url": f"/api/v1/objections/{objection.pk}",
    }


def objection_todos(user: User) -> list[dict[str, Any]]:
    """To-do provider (apps.core.registry): the objections waiting for the material `user` may submit."""
    waiting = (
        objections_visible_to(user=user)
        .filter(status=Objection.Status.AWAITING_MATERIAL)
        .select_related("filed_by")
        .prefetch_related(_parties_prefetch())
        .order_by("material_requested_at", "pk")[:20]
    )
    return [
        {
            "title": _("异议案件要求补充材料"),
            "reference": objection.reference,
            "due_date": None,
            "url": f"/portal/objections/{objection.pk}/",
        }
        for objection in waiting
        if objection_allows(user=user, objection=objection, perm=ANSWER)
    ]
