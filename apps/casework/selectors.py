"""Reads of the shared case machinery and its access functions: tasks, documents, SLA notices."""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, reduce
from operator import or_
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Process
from viewflow.workflow.status import STATUS

from apps.accounts.models import User
from apps.casework.cases import is_own_proposal_review
from apps.casework.models import CaseTask, CaseTaskQuerySet, Document, SlaNotice, case_visibility_q
from apps.casework.registry import CaseType, case_type_for, flow_classes, task_handler_for
from apps.core import clock
from apps.core.audience import Audience
from apps.core.services import case_label
from apps.sla.models import Deadline
from apps.sla.selectors import working_days_left
from apps.sla.workdays import BUSINESS_TZ, CalendarRangeError, business_date, current_calendar

QUEUES = ("mine", "available", "team")
OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)


def case_access(*, user: User, case_type: str, case_id: int) -> models.Model:
    """The case through its app's access function; an unknown type is as missing as a forbidden case."""
    registered = case_type_for(case_type)
    if registered is None:
        raise ObjectDoesNotExist(case_type)
    return registered.access(user=user, case_id=case_id)


def case_audience(*, user: User, case: models.Model) -> Audience:
    """Who `user` (who may see `case`) is to it: a party, the handling department's staff, the credit office."""
    registered = case_type_for(case_label(case))
    return registered.audience_of(user=user, case=case) if registered else Audience.PARTY


def case_item_access(*, user: User, case_type: str, case_id: int, item: models.Model) -> models.Model:
    """The case of an item (a document, a commitment) if `user` may see that item: staff and the office whatever
    the case holds, a party only its own filing's items and what the office addressed to it. Raises
    ObjectDoesNotExist otherwise (another party's evidence looks exactly like a missing file)."""
    case = case_access(user=user, case_type=case_type, case_id=case_id)
    registered = case_type_for(case_type)
    if registered is None or not registered.sees_item(user=user, case=case, item=item):
        raise ObjectDoesNotExist(case_type)
    return case


def _human_tasks() -> CaseTaskQuerySet:
    # By the task's own node (the flow is part of its name), not by a join to the process: a list then starts from
    # the task indexes and joins the few processes of its page.
    nodes = [node for flow_class in flow_classes() for node in flow_class.instance.nodes()]
    return CaseTask.objects.filter(flow_task_type="HUMAN", flow_task__in=nodes)


def tasks_for_user(*, user: User, queue: str) -> QuerySet[CaseTask]:
    """mine: claimed by me and not done; available: free tasks I may claim (my department's cases, my role);
    team: open tasks of my department's cases, claimed or not."""
    if not user.is_authenticated:
        return CaseTask.objects.none()
    base = _human_tasks().select_related("process", "owner")
    if queue == "mine":
        qs = base.filter(owner=user, status=STATUS.ASSIGNED)
    elif queue == "available":
        # user_queue already leaves out the reviews of the user's own proposals: not twice.
        return base.user_queue(user, waiting_only=True).filter(owner__isnull=True).order_by("created", "id")
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


# -- Queue sort, filters and search: one selector for the workbench's pages and the task API -------------------------

QUEUE_SORTS = ("created", "-created", "due", "-due", "step", "case_type")


@dataclass(frozen=True)
class QueueQuery:
    """The validated sort, filters and search of a task list (apps.casework.inputs.TaskQueueInput builds it from the
    page's or the API's parameters). `step` is a flow node, `case_type` a registered case type's label."""

    sort: str = "created"
    step: Any = None
    case_type: str | None = None
    overdue: bool = False
    search: str = ""


def queue_tasks(
    *, user: User, queue: str, query: QueueQuery | None = None, flow_class: type | None = None
) -> QuerySet[CaseTask]:
    """The tasks of one of the user's queues (tasks_for_user), of one flow if given, sorted, filtered and searched
    by `query`. The workbench's queue and inbox pages and GET /api/v1/tasks both list through it, so they show the
    same tasks in the same order."""
    tasks = tasks_for_user(user=user, queue=queue)
    if flow_class is not None:
        tasks = tasks.filter(process__flow_class=flow_class)
    return refine_tasks(tasks, query or QueueQuery())


def refine_tasks(tasks: QuerySet[CaseTask], query: QueueQuery) -> QuerySet[CaseTask]:
    """`tasks` filtered, searched and ordered by `query`. Every order ends with (created, id): the open-task index
    order, so a page is stable and the default order is a range scan of that index."""
    if query.step is not None:
        tasks = tasks.filter(flow_task=query.step)
    if query.case_type:
        registered = case_type_for(query.case_type)
        tasks = tasks.filter(process__flow_class=registered.flow_class) if registered else tasks.none()
    if query.search:
        tasks = tasks.filter(_case_search_q(query.search))
    if query.overdue or query.sort in ("due", "-due"):
        tasks = tasks.annotate(due_date=_due_date_expression())
    if query.overdue:
        tasks = tasks.filter(due_date__lt=clock.today())
    order: list[Any] = ["created", "id"]
    if query.sort == "-created":
        order = ["-created", "-id"]
    elif query.sort == "due":
        order = [models.F("due_date").asc(nulls_last=True), *order]
    elif query.sort == "-due":
        order = [models.F("due_date").desc(nulls_last=True), *order]
    elif query.sort == "step":
        order = ["flow_task", *order]
    elif query.sort == "case_type":
        order = ["process__flow_class", *order]
    return tasks.order_by(*order)


class TaskPaginator(Paginator):  # type: ignore[type-arg]  # Django's Paginator is generic to the stubs only
    """Pages of a task list whose filter is evaluated once per page: one query reads the ids of every matching task
    in list order (a queue holds open work: hundreds or thousands of ids, whatever the years of done tasks), which
    gives the exact count and the page's ids; a second loads the page's tasks by primary key. Django's paginator
    would run the filter twice (COUNT, then the page), and a queue's filter is the costly part (object permissions,
    due dates, search). A page costs these two queries whatever its number and length."""

    @cached_property
    def ids(self) -> list[int]:
        queryset: Any = self.object_list
        return list(queryset.values_list("pk", flat=True))

    @cached_property
    def count(self) -> int:
        return len(self.ids)

    def page(self, number: Any) -> "Page[CaseTask]":
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.ids[bottom:top]
        queryset: Any = self.object_list
        by_id = queryset.model._default_manager.all()
        by_id.query.select_related = queryset.query.select_related
        loaded = by_id.in_bulk(ids)
        return Page([loaded[pk] for pk in ids if pk in loaded], number, self)


def _due_date_expression() -> models.Expression:
    """The due date of each task's current step, in SQL: the case type's QueueFields.due_date, read from its case."""
    whens = []
    for registered in registered_case_types():
        if registered.queue_fields is None:
            continue
        due = registered.model._default_manager.filter(pk=OuterRef("process__artifact_object_id"))
        due = due.annotate(queue_due=_as_expression(registered.queue_fields.due_date)).values("queue_due")[:1]
        whens.append(
            models.When(
                process__artifact_content_type=ContentType.objects.get_for_model(registered.model),
                then=models.Subquery(due),
            )
        )
    if not whens:
        return models.Value(None, output_field=models.DateField())
    return models.Case(*whens, default=models.Value(None), output_field=models.DateField())


def _as_expression(field: Any) -> Any:
    return models.F(field) if isinstance(field, str) else field


def _case_search_q(text: str) -> Q:
    """Tasks whose case's reference, enterprise name or unified social credit code contains `text`.

    Asked of each listed task's own case (EXISTS on the case's primary key): a queue holds open work, so the search
    reads a few hundred cases whatever the number of closed ones. On PostgreSQL the columns also have trigram
    indexes (pg_trgm: the migrations of repairs, objections and subjects), so a plan that starts from the matching
    cases instead reads only those."""
    conditions = []
    for registered in registered_case_types():
        fields = registered.queue_fields
        if fields is None:
            continue
        matching = registered.model._default_manager.filter(pk=OuterRef("process__artifact_object_id")).filter(
            Q(**{f"{fields.reference}__icontains": text})
            | Q(**{f"{fields.enterprise}__icontains": text})
            | Q(**{f"{fields.uscc}__icontains": text})
        )
        conditions.append(
            Q(process__artifact_content_type=ContentType.objects.get_for_model(registered.model)) & Q(Exists(matching))
        )
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


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


def access_task_by_id(*, user: User, task_id: int) -> CaseTask:
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
    assert model is not None, content_type_id  # the artifact of a process is a model of this project
    try:
        case_access(user=user, case_type=model._meta.label_lower, case_id=object_id)
    except ObjectDoesNotExist as exc:
        raise CaseTask.DoesNotExist from exc
    return task


def access_task_to_act_on(*, user: User, task_id: int) -> CaseTask:
    """A task `user` may claim, release or complete: as access_task_by_id, and never the review of a decision the
    user proposed (four eyes; the case's app says who proposed): that one is as missing as another department's."""
    task = access_task_by_id(user=user, task_id=task_id)
    if is_own_proposal_review(task=task, user=user):
        raise CaseTask.DoesNotExist
    return task


def processes_visible_to(*, user: User, flow_class: type | None = None) -> QuerySet[Process]:
    """Processes of the cases `user` may see (each case type's `visible`), of one flow or of every registered one."""
    qs: QuerySet[Process] = Process.objects.filter(case_visibility_q(user))
    return qs.filter(flow_class=flow_class) if flow_class is not None else qs.filter(flow_class__in=flow_classes())


def tasks_visible_to(*, user: User, queryset: QuerySet[CaseTask] | None = None) -> QuerySet[CaseTask]:
    """Tasks (of `queryset`, default every task) whose case `user` may see."""
    qs = CaseTask.objects.all() if queryset is None else queryset
    return qs.filter(case_visibility_q(user, prefix="process__"))


def task_actions(*, task: CaseTask, user: User) -> list[str]:
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


def case_documents(*, case: models.Model) -> QuerySet[Document]:
    return Document.objects.filter(case_type=case_label(case), case_id=case.pk).select_related("uploaded_by")


def access_document_by_id(*, user: User, document_id: int) -> Document:
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


def notices_visible_to(*, user: User) -> QuerySet[SlaNotice]:
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


def access_notice_by_id(*, user: User, notice_id: int) -> SlaNotice:
    notice = notices_visible_to(user=user).filter(pk=notice_id).first()
    if notice is None:
        raise SlaNotice.DoesNotExist
    return notice


# -- SLA board: the open steps and running deadlines behind the dashboard and the breach list -------------------------

BOARD_STATES = ("breached", "due_soon", "due_today", "due_tomorrow", "paused", "closed", "closed_on_time")


def sla_board_department(*, user: User, department_code: str | None = None) -> Any:
    """The department whose figures `user` may see: None for every department (the credit office: monitors and
    administrators, casework.view_slanotice), else the user's own (科室负责人). A head asking for another department
    gets Department.DoesNotExist (404); a user without casework.view_sla_board PermissionDenied."""
    from django.core.exceptions import PermissionDenied

    from apps.accounts.models import Department

    if not getattr(user, "is_authenticated", False) or not user.has_perm("casework.view_sla_board"):
        raise PermissionDenied
    code = (department_code or "").strip()
    if user.has_perm("casework.view_slanotice"):
        return Department.objects.get(code=code) if code else None
    own = user.department if getattr(user, "department_id", None) else None
    if own is None:
        raise PermissionDenied
    if code and code != own.code:
        raise Department.DoesNotExist
    return own


def _sees_every_case(cases: QuerySet[models.Model]) -> bool:
    return not cases.query.where and not cases.query.is_sliced


def _cases_of(case_type: CaseType, *, user: User, department: Any) -> QuerySet[models.Model] | None:
    """The cases of the type `user` may see in `department`; None when that is every case of the type (a global
    viewer, every department): the board then filters on the type alone, instead of matching each row against the
    whole case table (a million ids for the credit office)."""
    assert case_type.visible is not None  # callers take only the case types with a `visible` queryset
    cases = case_type.visible(user=user)
    if department is not None:
        return cases.filter(**{f"{case_type.department_field}_id": department.pk})
    return None if _sees_every_case(cases) else cases


def _probes_by_key(case_type: CaseType, *, user: User) -> bool:
    """Whether the board checks each row's case by its key (EXISTS on the primary key) rather than hashing the set
    of visible cases (IN): yes when that set is a plain column condition (the credit office, every case; a
    科室负责人, the department column), no when it goes through guardian's per-object grants (their subqueries are
    evaluated once and hashed; per row they would not)."""
    from apps.accounts.selectors import head_department_id

    assert case_type.visible is not None
    return head_department_id(user) is not None or _sees_every_case(case_type.visible(user=user))


def _case_key_q(case_type: CaseType, *, user: User, department: Any, key: str) -> Q | None:
    """The condition that the case whose primary key is the column `key` is one `user` may see in `department`
    (None: no condition beyond the case type)."""
    cases = _cases_of(case_type, user=user, department=department)
    if cases is None:
        return None
    if _probes_by_key(case_type, user=user):
        # Open tasks and running deadlines are few and a department's cases many: probe each row's case by its key.
        return Q(Exists(cases.order_by().filter(pk=OuterRef(key))))
    return Q(**{f"{key}__in": cases.values("pk")})


def _process_case_q(*, user: User, department: Any, prefix: str = "process__") -> Q:
    conditions = []
    for case_type in registered_case_types():
        if case_type.visible is None:
            continue
        q = Q(**{f"{prefix}artifact_content_type": ContentType.objects.get_for_model(case_type.model)})
        scoped = _case_key_q(case_type, user=user, department=department, key=f"{prefix}artifact_object_id")
        conditions.append(q if scoped is None else q & scoped)
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def registered_case_types() -> list[Any]:
    from apps.casework.registry import case_types

    return case_types()


def step_key(node: Any) -> str:
    """A step's public name: `<flow label>.<node name>` (e.g. repair.intake)."""
    return f"{node.flow_class.instance.flow_label}.{node.name}"


def step_node(key: str) -> Any:
    """The flow node named `key` (step_key), or None."""
    for flow_class in flow_classes():
        for node in flow_class.instance.nodes():
            if step_key(node) == key:
                return node
    return None


def board_open_tasks(
    *, user: User, department: Any, step: Any = None, owner: User | None = None, unassigned: bool = False
) -> QuerySet[CaseTask]:
    """Open human tasks (new or claimed) of the cases `user` may see in `department` (None: every department),
    optionally of one step, held by one person, or held by nobody."""
    qs = _human_tasks().filter(status__in=OPEN_STATUSES).filter(_process_case_q(user=user, department=department))
    if step is not None:
        qs = qs.filter(flow_task=step)
    if owner is not None:
        qs = qs.filter(owner=owner, status=STATUS.ASSIGNED)
    if unassigned:
        qs = qs.filter(owner__isnull=True)
    return qs.select_related("process", "owner").order_by("created", "id")


@contextmanager
def _board_query() -> Iterator[None]:
    """Around a board count on PostgreSQL: no JIT compilation for this transaction. The planner prices a probe of
    each row's case (EXISTS by key) as if it read the case table, so the estimate passes jit_above_cost and the
    compilation (0.2 s to several seconds) costs more than the few thousand rows the query reads."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def board_open_task_counts(*, user: User, department: Any) -> list[dict[str, Any]]:
    """The open tasks board_open_tasks(user=, department=) lists, counted in one grouped query: one row per (the
    case's department id, step node, owner id, status) with its count `n`. Each figure of the board that sums these
    rows equals the length of the list board_open_tasks gives with the same department, step, owner or unassigned
    filter."""
    from django.db.models import Count

    whens = []
    for case_type in registered_case_types():
        if case_type.visible is None:
            continue
        of_case = case_type.model._default_manager.order_by().filter(pk=OuterRef("process__artifact_object_id"))
        whens.append(
            models.When(
                process__artifact_content_type=ContentType.objects.get_for_model(case_type.model),
                then=models.Subquery(of_case.values(f"{case_type.department_field}_id")[:1]),
            )
        )
    tasks = board_open_tasks(user=user, department=department).select_related(None).order_by()
    if department is not None:
        # Every listed task's case is of `department` (board_open_tasks filters on it): no probe per task.
        tasks = tasks.annotate(case_department=models.Value(department.pk, output_field=models.BigIntegerField()))
    elif whens:
        tasks = tasks.annotate(
            case_department=models.Case(*whens, default=models.Value(None), output_field=models.BigIntegerField())
        )
    else:
        tasks = tasks.annotate(case_department=models.Value(None, output_field=models.BigIntegerField()))
    with _board_query():
        rows = list(tasks.values("case_department", "flow_task", "owner_id", "status").annotate(n=Count("id")))
    return [
        {
            "department_id": row["case_department"],
            "node": row["flow_task"],
            "owner_id": row["owner_id"],
            "status": row["status"],
            "n": row["n"],
        }
        for row in rows
    ]


def _deadline_case_q(*, user: User, department: Any) -> Q:
    conditions = []
    for case_type in registered_case_types():
        if case_type.visible is None:
            continue
        q = Q(owner_type=case_type.label)
        scoped = _case_key_q(case_type, user=user, department=department, key="owner_id")
        conditions.append(q if scoped is None else q & scoped)
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def _board_scope_key(*, user: User, department: Any) -> str:
    """A name of the set of cases `user` may see in `department`, the same for every user who sees the same set:
    the SQL of each case type's scoped case queryset ("*" for every case of the type). The precomputed closed-month
    figures are kept under it."""
    import hashlib

    parts = []
    for case_type in registered_case_types():
        if case_type.visible is None:
            continue
        cases = _cases_of(case_type, user=user, department=department)
        parts.append(f"{case_type.label}={'*' if cases is None else str(cases.order_by().values('pk').query)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _board_state_q(state: str, *, today: date, month: date | None = None) -> Q:
    """The one rule of which deadlines are in a board state (board_deadlines lists them, board_deadline_counts counts
    them): see board_deadlines."""
    from apps.casework.sla_policy import due_soon_horizon

    running = Q(status=Deadline.Status.OPEN)
    if state == "breached":
        return running & Q(due_date__lt=today)
    if state == "due_soon":
        return running & Q(due_date__gte=today, due_date__lte=due_soon_horizon(today))
    if state == "due_today":
        return running & Q(due_date=today)
    if state == "due_tomorrow":
        return running & Q(due_date=today + timedelta(days=1))
    if state == "paused":
        return Q(status=Deadline.Status.PAUSED)
    if state in ("closed", "closed_on_time"):
        q = Q(status=Deadline.Status.CLOSED)
        if month is not None:
            start = datetime.combine(month.replace(day=1), time(0, 0), tzinfo=BUSINESS_TZ)
            end_month = clock.first_of_next_month(month)
            end = datetime.combine(end_month, time(0, 0), tzinfo=BUSINESS_TZ)
            q &= Q(closed_at__gte=start, closed_at__lt=end)
        if state == "closed_on_time":
            q &= Q(closed_on_time=True)
        return q
    raise ValueError(state)


def board_deadlines(
    *, user: User, department: Any, state: str, today: Any = None, month: Any = None
) -> QuerySet[Deadline]:
    """Deadlines of the cases `user` may see in `department` (None: every department) in one state:
    breached (running, due date passed; a paused deadline is never breached while paused), due_soon (running, due
    within the `sla.due_soon` working days, today included, as the sweep's notices), due_today, due_tomorrow (the
    next calendar day), paused, closed and closed_on_time (closed in `month`, a date of its first day)."""

    today = today or clock.today()
    qs = Deadline.objects.filter(_deadline_case_q(user=user, department=department))
    qs = qs.filter(_board_state_q(state, today=today, month=month))
    return qs.prefetch_related("pauses").order_by("due_date", "id")


# How long precomputed closed-month figures are kept (the check below then reads at most this long's closings), and
# how far back the check looks before the moment they were computed (a deadline closed by a transaction still open
# while they were counted is committed later with an earlier updated_at).
CLOSED_MONTHS_KEPT = timedelta(hours=6)
CLOSED_MONTHS_SLACK = timedelta(minutes=10)


def board_deadline_counts(
    *, user: User, department: Any, figures: dict[str, tuple[str, date | None]], today: Any = None
) -> dict[str, int]:
    """How many deadlines board_deadlines(state=..., month=...) lists for each figure {key: (state, month)}.

    The running states and this month's closings are counted in one query that reads only the partial indexes of
    running and closed deadlines (sla_deadline_running_idx, sla_deadline_closed_at_idx): its cost follows the work in
    hand and this month's closings. The closings of earlier months are counted once and kept (see
    _closed_month_counts): a closed deadline never changes again, so those counts stay equal to their lists."""
    from django.db.models import Count

    if not figures:
        return {}
    today = today or clock.today()
    this_month = today.replace(day=1)
    live = {key: value for key, value in figures.items() if not _is_past_closed_month(value, this_month)}
    past = {key: value for key, value in figures.items() if key not in live}
    counted: dict[str, int] = {}
    if live:
        conditions = {key: _board_state_q(state, today=today, month=month) for key, (state, month) in live.items()}
        qs = Deadline.objects.filter(_deadline_case_q(user=user, department=department))
        qs = qs.filter(reduce(or_, conditions.values()))
        with _board_query():
            counted |= qs.aggregate(**{key: Count("pk", filter=q) for key, q in conditions.items()})
    if past:
        months = sorted({month for _state, month in past.values() if month is not None})
        by_month = _closed_month_counts(user=user, department=department, months=months, this_month=this_month)
        for key, (state, month) in past.items():
            assert month is not None
            counted[key] = by_month[month.replace(day=1)][state]
    return counted


def _is_past_closed_month(figure: tuple[str, date | None], this_month: date) -> bool:
    state, month = figure
    return state in ("closed", "closed_on_time") and month is not None and month.replace(day=1) < this_month


def _closed_month_counts(
    *, user: User, department: Any, months: list[date], this_month: date
) -> dict[date, dict[str, int]]:
    """{first of month: {"closed": n, "closed_on_time": m}} for months before this one, as board_deadlines lists
    them. Counted by ranges of the closed_at index and kept in the cache under the scope's key
    (_board_scope_key). Kept counts are used only while no deadline was closed, since they were counted, with a
    closing moment before this month (a closed deadline never changes again, and a case never changes department:
    nothing else moves an earlier month's count); one such closing and every kept month is counted again."""
    from django.core.cache import cache
    from django.db.models import Count
    from django.utils import timezone

    months = [month.replace(day=1) for month in months]
    key = f"casework:sla-board:closed-months:{_board_scope_key(user=user, department=department)}"
    kept: dict[str, Any] = cache.get(key) or {}
    month_start = datetime.combine(this_month, time(0, 0), tzinfo=BUSINESS_TZ)
    if kept:
        since = datetime.fromisoformat(kept["counted_at"]) - CLOSED_MONTHS_SLACK
        moved = Deadline.objects.filter(
            status=Deadline.Status.CLOSED, updated_at__gte=since, closed_at__lt=month_start
        ).exists()
        if moved:
            kept = {}
    counts: dict[str, dict[str, int]] = dict(kept.get("months", {}))
    missing = [month for month in months if month.isoformat() not in counts]
    if missing:
        counted_at = timezone.now() if not kept else datetime.fromisoformat(kept["counted_at"])
        qs = Deadline.objects.filter(_deadline_case_q(user=user, department=department))
        conditions = {}
        for month in missing:
            for state in ("closed", "closed_on_time"):
                conditions[f"{state}_{month:%Y_%m}"] = _board_state_q(state, today=this_month, month=month)
        with _board_query():
            found = qs.filter(reduce(or_, conditions.values())).aggregate(
                **{name: Count("pk", filter=q) for name, q in conditions.items()}
            )
        for month in missing:
            counts[month.isoformat()] = {
                state: found[f"{state}_{month:%Y_%m}"] for state in ("closed", "closed_on_time")
            }
        # Kept under the moment of the first count: the check above then looks back from the oldest of them.
        cache.set(
            key,
            {"counted_at": counted_at.isoformat(), "months": counts},
            timeout=int(CLOSED_MONTHS_KEPT.total_seconds()),
        )
    return {month: counts[month.isoformat()] for month in months}


def breach_rows(deadlines: list[Any], *, today: Any = None) -> list[dict[str, Any]]:
    """One row per deadline for the breach list: its case, how late (or how many working days are left) counted by
    apps.sla, every step of the case with who held it and for how many working days, and the pauses."""
    from apps.sla.selectors import deadline_remaining_working_days
    from apps.sla.workdays import working_days_between

    today = today or clock.today()
    by_type: dict[str, list[int]] = defaultdict(list)
    for deadline in deadlines:
        by_type[deadline.owner_type].append(deadline.owner_id)
    cases: dict[tuple[str, int], Any] = {}
    tasks: dict[tuple[str, int], list[CaseTask]] = defaultdict(list)
    for label, ids in by_type.items():
        registered = case_type_for(label)
        if registered is None:
            continue
        for pk, loaded in registered.bulk(ids).items():
            cases[(label, pk)] = loaded
        content_type = ContentType.objects.get_for_model(registered.model)
        for task in (
            _human_tasks()
            .filter(process__artifact_content_type=content_type, process__artifact_object_id__in=ids)
            .select_related("process", "owner")
            .order_by("created", "id")
        ):
            tasks[(label, task.process.artifact_object_id)].append(task)
    rows = []
    for deadline in deadlines:
        key = (deadline.owner_type, deadline.owner_id)
        case = cases.get(key)
        registered = case_type_for(deadline.owner_type)
        remaining = deadline_remaining_working_days(deadline=deadline, on=today)
        department = registered.department_of(case) if registered and case is not None else None
        steps = []
        for task in tasks.get(key, []):
            start = business_date(task.created)
            end = business_date(task.finished) if task.finished else today
            steps.append(
                {
                    "task_id": task.pk,
                    "step": step_key(task.flow_task),
                    "title": str(task.flow_task.task_title),
                    "status": task.status,
                    "owner": task.owner.get_username() if task.owner_id else None,
                    "owner_name": str(task.owner) if task.owner_id else None,
                    "created": task.created,
                    "finished": task.finished,
                    "held_working_days": working_days_between(start, end) if end >= start else 0,
                }
            )
        rows.append(
            {
                "deadline_id": deadline.pk,
                "case_type": deadline.owner_type,
                "case_id": deadline.owner_id,
                "case": registered.describe(case) if registered and case is not None else None,
                "department": {"code": department.code, "name": department.name} if department else None,
                "purpose": deadline.purpose,
                "purpose_display": registered.step_name(deadline.purpose) if registered else deadline.purpose,
                "status": deadline.status,
                "due_date": deadline.due_date,
                "late_working_days": max(-remaining, 0),
                "remaining_working_days": max(remaining, 0),
                "steps": steps,
                "pauses": [
                    {
                        "started_on": pause.started_on,
                        "ended_on": pause.ended_on,
                        "reason": pause.reason,
                        "working_days": pause.working_days,
                    }
                    for pause in deadline.pauses.all()
                ],
            }
        )
    return rows


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
    today = clock.today()
    # The calendar and each step's and case type's name once per page, not once per row.
    calendar = current_calendar()
    step_titles: dict[Any, str] = {}
    type_names: dict[str, str] = {}
    rows: dict[int, TaskRow] = {}
    for task in tasks:
        case = cases.get(task.pk)
        registered = case_type_for(case._meta.label_lower) if case is not None else None
        if case is None or registered is None or registered.row is None:
            continue
        row = registered.row(case)
        days_left = None
        if row.step_due_date is not None:
            try:
                days_left = working_days_left(due_date=row.step_due_date, on=today, calendar=calendar)
            except CalendarRangeError:
                days_left = None
        rows[task.pk] = TaskRow(
            case_id=case.pk,
            case_type=registered.label,
            case_type_name=type_names.get(registered.label)
            or type_names.setdefault(registered.label, str(registered.model._meta.verbose_name)),
            reference=row.reference,
            enterprise=row.enterprise,
            uscc=row.uscc,
            department=row.department,
            step=step_titles.get(task.flow_task)
            or step_titles.setdefault(task.flow_task, str(task.flow_task.task_title)),
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
