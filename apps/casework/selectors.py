"""Reads of the shared case machinery and its access functions: tasks, documents, SLA notices."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Process
from viewflow.workflow.status import STATUS

from apps.casework.models import CaseTask, Document, SlaNotice, case_visibility_q
from apps.casework.nodes import is_own_proposal_review
from apps.casework.registry import case_type_for, flow_classes, task_handler_for
from apps.core.audience import Audience
from apps.core.services import case_label
from apps.sla.selectors import working_days_left
from apps.sla.workdays import CalendarRangeError, business_date

QUEUES = ("mine", "available", "team")
OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)


def case_access(*, user: Any, case_type: str, case_id: int) -> models.Model:
    """The case through its app's access function; an unknown type is as missing as a forbidden case."""
    registered = case_type_for(case_type)
    if registered is None:
        raise ObjectDoesNotExist(case_type)
    return registered.access(user=user, case_id=case_id)


def case_audience(*, user: Any, case: models.Model) -> Audience:
    """Who `user` (who may see `case`) is to it: a party, the handling department's staff, the credit office."""
    registered = case_type_for(case_label(case))
    return registered.audience_of(user=user, case=case) if registered else Audience.PARTY


def case_item_access(*, user: Any, case_type: str, case_id: int, item: models.Model) -> models.Model:
    """The case of an item (a document, a commitment) if `user` may see that item: staff and the office whatever
    the case holds, a party only its own filing's items and what the office addressed to it. Raises
    ObjectDoesNotExist otherwise (another party's evidence looks exactly like a missing file)."""
    case = case_access(user=user, case_type=case_type, case_id=case_id)
    registered = case_type_for(case_type)
    if registered is None or not registered.sees_item(user=user, case=case, item=item):
        raise ObjectDoesNotExist(case_type)
    return case


def _human_tasks() -> QuerySet[CaseTask]:
    return CaseTask.objects.filter(flow_task_type="HUMAN", process__flow_class__in=flow_classes())


def tasks_for_user(*, user: Any, queue: str) -> QuerySet[CaseTask]:
    """mine: claimed by me and not done; available: free tasks I may claim (my department's cases, my role);
    team: open tasks of my department's cases, claimed or not."""
    if not user.is_authenticated:
        return CaseTask.objects.none()
    base = _human_tasks().select_related("process", "owner")
    if queue == "mine":
        qs = base.filter(owner=user, status=STATUS.ASSIGNED)
    elif queue == "available":
        qs = base.user_queue(user).filter(status=STATUS.NEW, owner__isnull=True)
    elif queue == "team":
        department = getattr(user, "department", None)
        if department is None:
            return CaseTask.objects.none()
        of_department = GroupObjectPermission.objects.filter(
            group_id=department.group_id,
            content_type_id=OuterRef("owner_permission_content_type_id"),
            object_pk=OuterRef("owner_permission_obj_pk"),
        )
        qs = base.filter(status__in=OPEN_STATUSES).filter(Exists(of_department))
    else:
        raise ValueError(queue)
    # The review of a decision the user proposed is in none of their queues (four eyes).
    return qs.without_own_reviews(user).order_by("created", "id")


def task_cases(tasks: list[CaseTask]) -> dict[int, models.Model]:
    """The case of each task (by task id), loaded with one query per case type."""
    by_type: dict[int, list[int]] = defaultdict(list)
    for task in tasks:
        process = task.process
        if process.artifact_content_type_id and process.artifact_object_id:
            by_type[process.artifact_content_type_id].append(process.artifact_object_id)
    loaded: dict[tuple[int, int], models.Model] = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        registered = case_type_for(model._meta.label_lower) if model else None
        if registered is None:
            continue
        for pk, case in registered.bulk(ids).items():
            loaded[(content_type_id, pk)] = case
    return {
        task.pk: loaded[(task.process.artifact_content_type_id, task.process.artifact_object_id)]
        for task in tasks
        if (task.process.artifact_content_type_id, task.process.artifact_object_id) in loaded
    }


def access_task_by_id(*, user: Any, task_id: int) -> CaseTask:
    """A human task of a registered flow whose case the user may see (or that the user holds). Tasks of another
    department's case are as missing as tasks that do not exist."""
    task = _human_tasks().select_related("process").filter(pk=task_id).first()
    if task is None or not user.is_authenticated:
        raise CaseTask.DoesNotExist
    if task.owner_id == user.pk:
        return task
    process = task.process
    content_type_id, object_id = process.artifact_content_type_id, process.artifact_object_id
    if not content_type_id or not object_id:
        raise CaseTask.DoesNotExist
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    try:
        case_access(user=user, case_type=model._meta.label_lower, case_id=object_id)
    except ObjectDoesNotExist as exc:
        raise CaseTask.DoesNotExist from exc
    return task


def access_task_to_act_on(*, user: Any, task_id: int) -> CaseTask:
    """A task `user` may claim, release or complete: as access_task_by_id, and never the review of a decision the
    user proposed (four eyes; the case's app says who proposed): that one is as missing as another department's."""
    task = access_task_by_id(user=user, task_id=task_id)
    if is_own_proposal_review(task=task, user=user):
        raise CaseTask.DoesNotExist
    return task


def processes_visible_to(*, user: Any, flow_class: type | None = None) -> QuerySet[Process]:
    """Processes of the cases `user` may see (each case type's `visible`), of one flow or of every registered one."""
    qs = Process.objects.filter(case_visibility_q(user))
    return qs.filter(flow_class=flow_class) if flow_class is not None else qs.filter(flow_class__in=flow_classes())


def tasks_visible_to(*, user: Any, queryset: QuerySet | None = None) -> QuerySet:
    """Tasks (of `queryset`, default every task) whose case `user` may see."""
    qs = CaseTask.objects.all() if queryset is None else queryset
    return qs.filter(case_visibility_q(user, prefix="process__"))


def task_actions(*, task: CaseTask, user: Any) -> list[str]:
    node = task.flow_task
    actions = []
    if task.status == STATUS.NEW and task.owner_id is None and node.can_assign(user, task):
        actions.append("claim")
    if task.status == STATUS.ASSIGNED and node.can_unassign(user, task):
        actions.append("release")
    can_work = (task.status == STATUS.ASSIGNED and node.can_execute(user, task)) or "claim" in actions
    if task_handler_for(node) is not None and can_work:
        actions.append("complete")
    return actions


def case_open_tasks(*, case: models.Model) -> QuerySet[CaseTask]:
    """Open human tasks of the case's processes (the current steps)."""
    content_type = ContentType.objects.get_for_model(case)
    return (
        _human_tasks()
        .filter(
            process__artifact_content_type=content_type,
            process__artifact_object_id=case.pk,
            status__in=(*OPEN_STATUSES, STATUS.STARTED),
        )
        .select_related("owner")
        .order_by("created", "id")
    )


def case_documents(*, case: models.Model) -> QuerySet[Document]:
    return Document.objects.filter(case_type=case_label(case), case_id=case.pk).select_related("uploaded_by")


def access_document_by_id(*, user: Any, document_id: int) -> Document:
    """A document is visible to the staff who may see its case, and to the party whose filing it belongs to (or to
    whom the office addressed it); to everyone else, another party of the same case included, it does not exist."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or not getattr(user, "is_authenticated", False):
        raise Document.DoesNotExist
    try:
        case_item_access(user=user, case_type=document.case_type, case_id=document.case_id, item=document)
    except ObjectDoesNotExist as exc:
        raise Document.DoesNotExist from exc
    return document


def notices_visible_to(*, user: Any) -> QuerySet[SlaNotice]:
    """Monitors (casework.view_slanotice) see every notice; others those of their department."""
    if not user.is_authenticated:
        return SlaNotice.objects.none()
    qs = SlaNotice.objects.select_related("department", "deadline")
    if user.has_perm("casework.view_slanotice"):
        return qs
    department_id = getattr(user, "department_id", None)
    if department_id is None:
        return SlaNotice.objects.none()
    return qs.filter(Q(department_id=department_id))


def case_notices(*, case: models.Model) -> QuerySet[SlaNotice]:
    return SlaNotice.objects.filter(case_type=case_label(case), case_id=case.pk).order_by("created_at", "id")


def access_notice_by_id(*, user: Any, notice_id: int) -> SlaNotice:
    notice = notices_visible_to(user=user).filter(pk=notice_id).first()
    if notice is None:
        raise SlaNotice.DoesNotExist
    return notice


@dataclass(frozen=True)
class TaskRow:
    """One queue or inbox row: the case (reference, enterprise, department, type), the step and its due date with the
    working days left (apps.sla counts them; negative when overdue)."""

    case_id: int
    case_type: str
    case_type_name: str
    reference: str
    enterprise: str
    uscc: str
    department: str
    step: str
    due_date: date | None
    working_days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.working_days_left is not None and self.working_days_left < 0

    @property
    def case_url(self) -> str:
        return staff_case_url(case_type=self.case_type, case_id=self.case_id)


def staff_case_url(*, case_type: str, case_id: int) -> str:
    return f"/workbench/cases/{case_type}/{case_id}/"


def task_rows(tasks: list[CaseTask], *, cases: dict[int, models.Model] | None = None) -> dict[int, TaskRow]:
    """The row of each task (by task id): its case loaded with one query per case type, whatever the number of rows
    (or taken from `cases`, by task id, when already loaded)."""
    cases = task_cases(tasks) if cases is None else cases
    today = business_date(timezone.now())
    rows: dict[int, TaskRow] = {}
    for task in tasks:
        case = cases.get(task.pk)
        registered = case_type_for(case._meta.label_lower) if case is not None else None
        if registered is None or registered.row is None:
            continue
        row = registered.row(case)
        days_left = None
        if row.step_due_date is not None:
            try:
                days_left = working_days_left(due_date=row.step_due_date, on=today)
            except CalendarRangeError:
                days_left = None
        rows[task.pk] = TaskRow(
            case_id=case.pk,
            case_type=registered.label,
            case_type_name=str(registered.model._meta.verbose_name),
            reference=row.reference,
            enterprise=row.enterprise,
            uscc=row.uscc,
            department=row.department,
            step=str(task.flow_task.task_title),
            due_date=row.step_due_date,
            working_days_left=days_left,
        )
    return rows


def case_summary_rows(*, case: models.Model) -> list[tuple[str, Any]]:
    """The case as staff read it on the workbench: (label, value) pairs in plain words. The case type's `summary`
    when it has one, otherwise its queue row."""
    registered = case_type_for(case_label(case))
    if registered is None:
        return []
    if registered.summary is not None:
        return registered.summary(case)
    rows: list[tuple[str, Any]] = [(_("案件类型"), str(registered.model._meta.verbose_name))]
    if registered.row is not None:
        row = registered.row(case)
        rows += [
            (_("案件编号"), row.reference),
            (_("企业"), row.enterprise),
            (_("统一社会信用代码"), row.uscc),
            (_("承办部门"), row.department),
            (_("环节期限"), row.step_due_date),
        ]
    return rows
