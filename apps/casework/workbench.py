"""The staff workbench (/workflow/): Viewflow's flow app, scoped to the cases the person may see.

Every list (dashboard, process and task lists, inbox, queue, archive, the menu's counts, bulk actions) holds only
processes and tasks of cases the registered case type's `visible` queryset gives the person; every page of one
process or task (detail, chart, cancel, each step's pages) of any other case is a 404, as on the API. The review of a
decision the person proposed (a `NotByProposer` step) is in none of their queues, and its pages to claim or work it
are a 404 too.
"""

from functools import wraps
from typing import Any

import django_filters
from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import Http404
from django.urls import URLPattern, URLResolver
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.utils import viewprop
from viewflow.workflow import STATUS, chart
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow import views as flow_views

from apps.accounts.models import User
from apps.casework.cases import is_own_proposal_review
from apps.casework.inputs import queue_query_from_page
from apps.casework.models import CaseTask
from apps.casework.registry import case_types, flow_classes
from apps.casework.selectors import (
    QueueQuery,
    TaskPaginator,
    TaskRow,
    processes_visible_to,
    queue_tasks,
    step_key,
    task_rows,
    tasks_visible_to,
)

# The pages of one task that claim it or work on it: the proposer of the decision under review never reaches them.
ACTING_PAGES = frozenset({"assign", "unassign", "execute", "cancel", "undo", "revive"})


def _scoped_tasks(queryset: Any, user: User) -> Any:
    return tasks_visible_to(user=user, queryset=queryset)


def due_cell(row: TaskRow | None) -> str:
    """The step's due date in Chinese form with the working days left; overdue in red, the last three days in
    orange."""
    if row is None or row.due_date is None:
        return ""
    day = gettext("%(y)d年%(m)d月%(d)d日") % {"y": row.due_date.year, "m": row.due_date.month, "d": row.due_date.day}
    left = row.working_days_left
    if left is None:
        return day
    if left < 0:
        return format_html(
            '{} <span class="due-overdue" style="color:#c62828;font-weight:600">{}</span>',
            day,
            gettext("已超期 %(n)d 个工作日") % {"n": -left},
        )
    colour = "#ef6c00" if left <= 3 else "#2e7d32"
    return format_html(
        '{} <span class="due-left" style="color:{}">{}</span>', day, colour, gettext("剩 %(n)d 个工作日") % {"n": left}
    )


class CaseRowColumns:
    """The columns of every task list of the workbench (inbox, queue, archive, task list): which case (reference,
    linked to the task), type, enterprise, step, the step's due date with working days left, department. The cases of
    a page are loaded together (one query per case type), so a page costs the same queries whatever its length."""

    columns: tuple[str, ...] = ("case_reference", "case_type", "enterprise", "step", "due", "department", "created")
    object_link_columns = ()

    def get_page_data(self, page):
        self._rows = task_rows(list(page))
        return super().get_page_data(page)

    def _row(self, task) -> TaskRow | None:
        return getattr(self, "_rows", {}).get(task.pk)

    @admin.display(description=_("案件编号"))  # sets short_description, the column title viewflow reads
    def case_reference(self, task):
        row = self._row(task)
        url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
        return format_html('<a href="{}">{}</a>', url, row.reference if row else f"#{task.process_id}/{task.pk}")

    @admin.display(description=_("案件类型"))
    def case_type(self, task):
        row = self._row(task)
        return row.case_type_name if row else ""

    @admin.display(description=_("企业"))
    def enterprise(self, task):
        row = self._row(task)
        return format_html("{}<br><small>{}</small>", row.enterprise, row.uscc) if row else ""

    @admin.display(description=_("环节"))
    def step(self, task):
        return task.flow_task.task_title

    @admin.display(description=_("环节期限"))
    def due(self, task):
        return due_cell(self._row(task))

    @admin.display(description=_("承办部门"))
    def department(self, task):
        row = self._row(task)
        return row.department if row else ""


def _title_cards(tasks: list[Any]) -> None:
    """Each kanban card says which case it is (reference, enterprise, the step's due date), not "#process/task": the
    rows of the whole board are loaded together, one query per case type."""
    rows = task_rows(tasks)
    for task in tasks:
        row = rows.get(task.pk)
        task.case_row = row
        task.case_due = due_cell(row)


class ScopedDashboardView(flow_views.DashboardView):
    """The kanban of the flow: its columns hold only tasks of the person's cases."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        sorted_nodes, _ = chart.topsort(self.flow_class)
        nodes = [node for node in sorted_nodes if node.task_type in ["HUMAN", "JOB", "SUBPROCESS"]]
        end_nodes = [node for node in sorted_nodes if node.task_type in ["END"]]
        tasks = _scoped_tasks(
            self.flow_class.task_class._default_manager.filter_available([self.flow_class], user), user
        )
        columns = [
            {
                "node": node,
                "node_ref": get_task_ref(node),
                "tasks": list(
                    tasks.filter(Q(finished__isnull=True) | Q(status=STATUS.ERROR), flow_task=node)[: self.MAX_ROWS]
                ),
            }
            for node in nodes
        ]
        start_nodes = [
            {"node": node, "can_execute": node.can_execute(user)} for node in self.flow_class.instance.get_start_nodes()
        ]
        finished = list(tasks.filter(finished__isnull=False, flow_task__in=end_nodes)[: self.MAX_ROWS])
        _title_cards([task for column in columns for task in column["tasks"]] + finished)
        # The context of the views after DashboardView (its own would list every department's tasks).
        return super(flow_views.DashboardView, self).get_context_data(
            columns=columns, start_nodes=start_nodes, end_nodes=end_nodes, finished=finished, **kwargs
        )


class ScopedProcessListView(flow_views.DashboardProcessListView):
    @viewprop
    def queryset(self):
        return processes_visible_to(user=self.request.user, flow_class=self.flow_class).order_by("-created", "-pk")


class ScopedTaskListView(CaseRowColumns, flow_views.DashboardTaskListView):
    columns: tuple[str, ...] = (*CaseRowColumns.columns, "owner")

    @viewprop
    def queryset(self):
        tasks = flow_views.DashboardTaskListView.queryset.fget(self).select_related("owner")
        return _scoped_tasks(tasks, self.request.user)


SORT_LABELS = {
    "created": _("按创建时间（先到先办）"),
    "-created": _("按创建时间（最新在前）"),
    "due": _("按环节期限（最近在前）"),
    "-due": _("按环节期限（最远在前）"),
    "step": _("按环节"),
    "case_type": _("按案件类型"),
}


class QueueFilterPanel(django_filters.FilterSet):
    """The side panel of the queue and inbox pages: the same parameters as GET /api/v1/tasks. It only draws the
    form; the view's queryset already went through queue_tasks with these parameters (validated by TaskQueueInput),
    so filter_queryset hands it back as it is."""

    q = django_filters.CharFilter(label=_("案件编号、企业名称或统一社会信用代码"))
    sort = django_filters.ChoiceFilter(label=_("排序"), choices=list(SORT_LABELS.items()), empty_label=None)
    step = django_filters.ChoiceFilter(label=_("环节"))
    case_type = django_filters.ChoiceFilter(label=_("案件类型"))
    overdue = django_filters.BooleanFilter(label=_("只看已超期"), widget=forms.CheckboxInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["step"].field.choices = [
            (step_key(node), f"{node.flow_class.process_title} · {node.task_title}")
            for flow_class in flow_classes()
            for node in flow_class.instance.nodes()
            if node.task_type == "HUMAN"
        ]
        self.filters["case_type"].field.choices = [
            (registered.label, registered.model._meta.verbose_name)
            for registered in case_types()
            if registered.flow_class is not None
        ]

    def filter_queryset(self, queryset: Any) -> Any:
        return queryset

    class Meta:
        model = CaseTask
        fields: list[str] = []


class QueueQueryMixin:
    """The sort, filters and search of the queue and inbox pages: the same parameters (sort, step, case_type, overdue,
    q) and the same selector as GET /api/v1/tasks, so a page and the API list the same tasks in the same order. An
    invalid parameter is left out with a message instead of an error page."""

    queue = "available"
    filterset_class = QueueFilterPanel
    paginator_class = TaskPaginator

    @viewprop
    def queryset(self):
        query, errors = queue_query_from_page(self.request.GET)
        for key, reasons in errors.items():
            field = QueueFilterPanel.base_filters[key].label if key in QueueFilterPanel.base_filters else key
            messages.warning(
                self.request, gettext("已忽略筛选条件 %(field)s：%(reason)s") % {"field": field, "reason": reasons[0]}
            )
        return queue_tasks(user=self.request.user, queue=self.queue, query=query, flow_class=self.flow_class)

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        query, _errors = queue_query_from_page(self.request.GET)
        if QueueQuery(sort=query.sort) == query:  # the whole queue, whatever its order: the menu's count
            remember_queue_count(self.request, self.queue, self.flow_class, paginated[0].count)
        return paginated


def _queue_counts(request: Any) -> dict[tuple[str, Any], int]:
    counts = getattr(request, "_casework_queue_counts", None)
    if counts is None:
        counts = request._casework_queue_counts = {}
    return counts


def remember_queue_count(request: Any, queue: str, flow_class: Any, count: int) -> None:
    _queue_counts(request)[(queue, flow_class)] = count


class QueueCount:
    """The menu's count of one of the person's queues in one flow (the inbox or the queue page's selector): read at
    most once per request, and not at all on that queue's own page, whose paginator has just counted it."""

    def __init__(self, request: Any, queue: str, flow_class: Any) -> None:
        self.request, self.queue, self.flow_class = request, queue, flow_class

    def count(self) -> int:
        counts = _queue_counts(self.request)
        key = (self.queue, self.flow_class)
        if key not in counts:
            counts[key] = queue_tasks(user=self.request.user, queue=self.queue, flow_class=self.flow_class).count()
        return counts[key]


class ScopedInboxView(QueueQueryMixin, CaseRowColumns, flow_views.FlowInboxListView):
    queue = "mine"


class ScopedQueueView(QueueQueryMixin, CaseRowColumns, flow_views.FlowQueueListView):
    queue = "available"


class ScopedArchiveView(CaseRowColumns, flow_views.FlowArchiveListView):
    @viewprop
    def queryset(self):
        return _scoped_tasks(flow_views.FlowArchiveListView.queryset.fget(self), self.request.user)


class ScopedDetailProcessView(flow_views.DetailProcessView):
    def get_queryset(self):
        return processes_visible_to(user=self.request.user, flow_class=self.flow_class)


class ScopedBulkAssignView(flow_views.BulkAssignTasksActionView):
    def get_queryset(self):
        self.queryset = _scoped_tasks(self.model._default_manager.all(), self.request.user)
        return super().get_queryset()


class ScopedBulkUnassignView(flow_views.BulkUnassignTasksActionView):
    def get_queryset(self):
        self.queryset = _scoped_tasks(self.model._default_manager.all(), self.request.user)
        return super().get_queryset()


def workbench_task_or_404(
    *, user: User, flow_class: type[Any], process_pk: int, task_pk: int | None, page: str
) -> None:
    """Raise Http404 unless the process is one of the person's cases (and the task is of that process); the pages
    that claim or work the review of the person's own proposal are a 404 as well."""
    if not processes_visible_to(user=user, flow_class=flow_class).filter(pk=process_pk).exists():
        raise Http404
    if task_pk is None:
        return
    task = flow_class.task_class._default_manager.filter(pk=task_pk, process_id=process_pk).first()
    if task is None:
        raise Http404
    if page in ACTING_PAGES and is_own_proposal_review(task=task, user=user):
        raise Http404


class CaseFlowAppViewset(FlowAppViewset):
    """FlowAppViewset whose pages show only the person's cases (see the module's docstring)."""

    dashboard_view_class = ScopedDashboardView
    process_list_view_class = ScopedProcessListView
    process_detail_view_class = ScopedDetailProcessView
    task_list_view_class = ScopedTaskListView
    inbox_view_class = ScopedInboxView
    queue_view_class = ScopedQueueView
    archive_view_class = ScopedArchiveView
    tasks_assign_view_class = ScopedBulkAssignView
    tasks_unassign_view_class = ScopedBulkUnassignView

    def _get_urls(self):
        patterns = super()._get_urls()
        self._scope_patterns(patterns)
        return patterns

    def _scope_patterns(self, patterns: list) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                self._scope_patterns(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and not getattr(pattern.callback, "workbench_scoped", False):
                pattern.callback = self._scoped_view(pattern.callback, page=pattern.name or "")

    def _scoped_view(self, view: Any, *, page: str) -> Any:
        flow_class = self._flow_class

        @wraps(view)
        def scoped(request, *args, **kwargs):
            process_pk = kwargs.get("process_pk")
            if process_pk is not None and request.user.is_authenticated:
                workbench_task_or_404(
                    user=request.user,
                    flow_class=flow_class,
                    process_pk=process_pk,
                    task_pk=kwargs.get("task_pk"),
                    page=page,
                )
            return view(request, *args, **kwargs)

        scoped.workbench_scoped = True  # type: ignore[attr-defined]  # a mark on the view function, read by the urls check
        return scoped

    def get_context_data(self, request):
        # The menu's counts are those of the inbox and queue pages (the same selector).
        return {
            "user_inbox": QueueCount(request, "mine", self._flow_class),
            "user_queue": QueueCount(request, "available", self._flow_class),
        }
