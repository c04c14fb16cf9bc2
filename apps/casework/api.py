"""The task API (DESIGN.md section 4), document downloads and SLA notices: thin views over services and selectors."""

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.status import STATUS

from apps.accounts.models import User
from apps.casework.filters import NoticeFilter
from apps.casework.inputs import TaskQueueInput, queue_query
from apps.casework.models import CaseTask
from apps.casework.outputs import PartyTaskOutput, StaffTaskDetailOutput, StaffTaskOutput
from apps.casework.registry import case_type_for, task_handler_for
from apps.casework.selectors import (
    BOARD_STATES,
    QUEUES,
    TaskPaginator,
    TaskRow,
    access_document_by_id,
    access_notice_by_id,
    access_task_by_id,
    access_task_to_act_on,
    board_deadlines,
    board_open_tasks,
    breach_rows,
    case_audience,
    notices_visible_to,
    queue_tasks,
    refine_tasks,
    sla_board_department,
    task_actions,
    task_cases,
    task_rows,
)
from apps.casework.services import task_claim, task_complete, task_reassign, task_release
from apps.casework.sla_policy import sla_notice_acknowledge
from apps.core.api import Pagination
from apps.core.audience import Audience
from apps.core.errors import ApplicationError
from apps.core.exports import (
    FORMAT_PARAMETER,
    Column,
    ExportableList,
    batched,
    export_format,
    export_response,
    export_responses,
)
from apps.core.filters import filter_or_400, filter_parameters
from apps.core.schema import ErrorOutput, paginated


def _list_actions(task: CaseTask, user: User, queue: str) -> list[str]:
    """Actions for a list row without a permission query per row: the queue already says what the user may do."""
    node = task.flow_task
    handler = task_handler_for(node) is not None
    capable = node.has_capability(user) if hasattr(node, "has_capability") else True
    if task.owner_id == user.pk:
        return ["release", "complete"] if handler else ["release"]
    if task.owner_id is None and capable and queue in ("available", "team"):
        return ["claim", "complete"] if handler else ["claim"]
    return []


def task_body(task: CaseTask, *, case: Any, actions: list[str], row: TaskRow | None = None) -> dict[str, Any]:
    node = task.flow_task
    registered = case_type_for(case._meta.label_lower) if case is not None else None
    if row is None and case is not None:
        row = task_rows([task], cases={task.pk: case}).get(task.pk)
    return {
        **row_fields(row),
        "id": task.pk,
        "process_id": task.process_id,
        "flow": node.flow_class.instance.flow_label,
        "step": node.name,
        "title": row.step if row else str(node.task_title),
        "status": task.status,
        "owner": task.owner.get_username() if task.owner_id else None,
        "created": task.created,
        "assigned": task.assigned,
        "case": registered.describe(case) if registered else None,
        "actions": actions,
    }


def row_fields(row: TaskRow | None) -> dict[str, Any]:
    """What a queue row shows of the task's case (the same as the workbench's queue pages)."""
    return {
        "reference": row.reference if row else None,
        "case_type": row.case_type_name if row else None,
        "enterprise": row.enterprise if row else None,
        "uscc": row.uscc if row else None,
        "department": row.department if row else None,
        "due_date": row.due_date if row else None,
        "working_days_left": row.working_days_left if row else None,
        "overdue": row.overdue if row else False,
        "case_page": row.case_url if row else None,
    }


def task_audience(*, user: User, case: Any) -> Audience:
    """Staff read a task in full; a party of its case (who may reach it through the case) only where it stands."""
    return case_audience(user=user, case=case) if case is not None else Audience.PARTY


def staff_task_or_403(*, user: User, task_id: int) -> tuple[CaseTask, Any]:
    """A task to act on (claim, release, complete) and its case: a party of the case may follow the task but not
    act on it, and is refused before anything could tell it who holds the task. The review of a decision the user
    proposed is not theirs to act on: 404, as if it did not exist."""
    task = access_task_to_act_on(user=user, task_id=task_id)
    case = task_cases([task]).get(task.pk)
    if not task_audience(user=user, case=case).internal:
        raise ApplicationError("forbidden", _("该任务由承办部门办理。"), status_code=403)
    return task, case


def task_output(body: dict[str, Any], *, audience: Audience, detail: bool = False) -> dict[str, Any]:
    if not audience.internal:
        return PartyTaskOutput(body).data
    return (StaffTaskDetailOutput if detail else StaffTaskOutput)(body).data


TASK_DETAIL = PolymorphicProxySerializer(
    "TaskDetail", serializers=[PartyTaskOutput, StaffTaskDetailOutput], resource_type_field_name=None
)


def input_description(serializer_class: type) -> dict[str, Any]:
    fields = {}
    for name, field in serializer_class().fields.items():
        item: dict[str, Any] = {"type": type(field).__name__, "required": field.required}
        if getattr(field, "choices", None):
            item["choices"] = list(field.choices)
        if field.help_text:
            item["help_text"] = str(field.help_text)
        fields[name] = item
    return fields


TASK_COLUMNS = [
    Column("id", gettext_lazy("任务编号")),
    Column("reference", gettext_lazy("案件编号")),
    Column("case_type", gettext_lazy("案件类型")),
    Column("enterprise", gettext_lazy("企业名称")),
    Column("uscc", gettext_lazy("统一社会信用代码")),
    Column("department", gettext_lazy("承办部门")),
    Column("title", gettext_lazy("环节")),
    Column("owner", gettext_lazy("领取人")),
    Column("created", gettext_lazy("到达时间"), "minute"),
    Column("due_date", gettext_lazy("环节期限"), "day"),
    Column("working_days_left", gettext_lazy("剩余工作日")),
    Column("overdue", gettext_lazy("是否超期"), "yes_no"),
]


class TaskPagination(Pagination):
    """The task list's pages: the queue's filter is read once per page (TaskPaginator), the count stays exact."""

    django_paginator_class = TaskPaginator


class TaskListApi(ExportableList, APIView):
    """Tasks of the case flows. queue=mine (claimed by me), available (free tasks I may claim: my department's
    cases, my role), team (open tasks of my department's cases)."""

    class FilterSerializer(TaskQueueInput):
        queue = serializers.ChoiceField(
            choices=(*QUEUES, "open"),
            default="mine",
            help_text="open: every open task of the SLA board's scope (科室负责人: own department; credit office: all)",
        )
        department = serializers.CharField(required=False, allow_blank=True, max_length=32)
        owner = serializers.CharField(required=False, max_length=150, help_text="held by this user, queue=open")
        unassigned = serializers.BooleanField(required=False, default=False)

        def validate_owner(self, value):
            from apps.accounts.models import User

            user = User.objects.filter(username=value).first()
            if user is None:
                raise serializers.ValidationError(_("没有这个用户。"))
            return user

    @extend_schema(
        operation_id="v1_tasks_list",
        parameters=[FilterSerializer, FORMAT_PARAMETER],
        responses=export_responses(paginated("TaskPage", StaffTaskOutput)),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queue = data["queue"]
        query = queue_query(data)
        if queue == "open":
            department = sla_board_department(user=request.user, department_code=data.get("department"))
            tasks = refine_tasks(
                board_open_tasks(
                    user=request.user, department=department, owner=data.get("owner"), unassigned=data["unassigned"]
                ),
                query,
            )
        else:
            tasks = queue_tasks(user=request.user, queue=queue, query=query)
        if fmt := export_format(request):
            rows = (row for batch in batched(tasks) for row in self.task_page(request, batch, queue))
            return export_response(rows=rows, columns=TASK_COLUMNS, filename=_("任务"), fmt=fmt)
        paginator = TaskPagination()
        page = paginator.paginate_queryset(tasks, request, view=self)
        return paginator.get_paginated_response(self.task_page(request, page, queue))

    @staticmethod
    def task_page(request, page: list[CaseTask], queue: str) -> Any:
        cases = task_cases(page)
        rows = task_rows(page, cases=cases)
        # Queues are the workbench's: only staff have tasks in them.
        audience = Audience.STAFF if request.user.has_perm("casework.use_workbench") else Audience.PARTY
        bodies = [
            task_body(
                task, case=cases.get(task.pk), actions=_list_actions(task, request.user, queue), row=rows.get(task.pk)
            )
            for task in page
        ]
        # One serializer for the page (its fields are built once, not per row).
        output = StaffTaskOutput if audience.internal else PartyTaskOutput
        return output(bodies, many=True).data


class TaskDetailApi(APIView):
    """One task: its case, what the caller may do, and the fields `complete` expects."""

    @extend_schema(responses=TASK_DETAIL)
    def get(self, request, task_id: int):
        task = access_task_by_id(user=request.user, task_id=task_id)
        case = task_cases([task]).get(task.pk)
        body = task_body(task, case=case, actions=task_actions(task=task, user=request.user))
        handler = task_handler_for(task.flow_task)
        body["input"] = input_description(handler.input_serializer) if handler else {}
        body["help_text"] = handler.help_text if handler else ""
        return Response(task_output(body, audience=task_audience(user=request.user, case=case), detail=True))


class TaskClaimApi(APIView):
    """Claim a free task. Two people claiming at once: one gets 200, the other 409 with who holds it."""

    @extend_schema(request=None, responses={200: StaffTaskOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput})
    def post(self, request, task_id: int):
        task, case = staff_task_or_403(user=request.user, task_id=task_id)
        task = task_claim(task=task, acting_user=request.user)
        return Response(
            StaffTaskOutput(task_body(task, case=case, actions=task_actions(task=task, user=request.user))).data
        )


class TaskReleaseApi(APIView):
    """Give a claimed task back to the queue."""

    @extend_schema(request=None, responses={200: StaffTaskOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput})
    def post(self, request, task_id: int):
        task, case = staff_task_or_403(user=request.user, task_id=task_id)
        task = task_release(task=task, acting_user=request.user)
        return Response(
            StaffTaskOutput(task_body(task, case=case, actions=task_actions(task=task, user=request.user))).data
        )


class TaskCompleteApi(APIView):
    """Complete a task with the JSON payload its step expects (see GET /tasks/{id} "input"). A free task is claimed
    first. The step's service decides; when it refuses, nothing changes."""

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: StaffTaskOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request, task_id: int):
        task, _case = staff_task_or_403(user=request.user, task_id=task_id)
        handler = task_handler_for(task.flow_task)
        if handler is None:
            raise ApplicationError("task_not_completable", _("该任务不能通过接口办理。"))
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise ApplicationError("task_closed", _("该任务已办结或已取消。"), status_code=409)
        data = handler.input_serializer(data=request.data, context={"request": request, "task": task})
        data.is_valid(raise_exception=True)
        task = task_complete(task=task, data=data.validated_data, acting_user=request.user)
        task.refresh_from_db()
        case = task_cases([task]).get(task.pk)
        return Response(
            task_output(task_body(task, case=case, actions=[]), audience=task_audience(user=request.user, case=case))
        )


class DocumentDownloadApi(APIView):
    """The file of a case document: to the staff who may see the case and to the party whose filing it belongs to
    (or to whom the office addressed it); 404 for everyone else, another party of the same case included."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, document_id: int):
        document = access_document_by_id(user=request.user, document_id=document_id)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["X-Checksum-SHA256"] = document.sha256
        return response


class NoticeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    case_type = serializers.CharField()
    case_id = serializers.IntegerField()
    deadline = serializers.IntegerField(source="deadline_id")
    purpose = serializers.CharField(source="deadline.purpose")
    due_date = serializers.DateField()
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


NOTICE_COLUMNS = [
    Column("id", gettext_lazy("序号")),
    Column("kind_display", gettext_lazy("提醒类型")),
    Column("message", gettext_lazy("内容")),
    Column("purpose_display", gettext_lazy("期限事项")),
    Column("due_date", gettext_lazy("到期日"), "day"),
    Column("department", gettext_lazy("承办部门")),
    Column("created_at", gettext_lazy("提醒时间"), "minute"),
    Column("acknowledged_at", gettext_lazy("确认时间"), "minute"),
]


class NoticeListApi(ExportableList, APIView):
    """Due-soon notices and breach escalations: monitors see all, staff their department's. `format=csv|xlsx`: every
    row as a file."""

    @extend_schema(
        operation_id="v1_notices_list",
        parameters=[*filter_parameters(NoticeFilter), FORMAT_PARAMETER],
        responses=export_responses(paginated("NoticePage", NoticeOutputSerializer)),
    )
    def get(self, request):
        qs = filter_or_400(NoticeFilter, request=request, queryset=notices_visible_to(user=request.user))
        if fmt := export_format(request):
            rows = (
                _notice_export_row(row)
                for batch in batched(qs)
                for row in NoticeOutputSerializer(batch, many=True).data
            )
            return export_response(rows=rows, columns=NOTICE_COLUMNS, filename=_("时限提醒"), fmt=fmt)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(NoticeOutputSerializer(page, many=True).data)


class NoticeAcknowledgeApi(APIView):
    @extend_schema(request=None, responses=NoticeOutputSerializer)
    def post(self, request, notice_id: int):
        notice = access_notice_by_id(user=request.user, notice_id=notice_id)
        notice = sla_notice_acknowledge(notice=notice, acting_user=request.user)
        return Response(NoticeOutputSerializer(notice).data)


# -- SLA board: the breach list and reassignment ----------------------------------------------------------------


class BreachStepOutput(serializers.Serializer):
    task_id = serializers.IntegerField()
    step = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    owner_name = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)
    held_working_days = serializers.IntegerField()


class BreachPauseOutput(serializers.Serializer):
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    working_days = serializers.IntegerField()


class BreachRowOutput(serializers.Serializer):
    deadline_id = serializers.IntegerField()
    case_type = serializers.CharField()
    case_id = serializers.IntegerField()
    case = serializers.JSONField(allow_null=True)
    department = serializers.JSONField(allow_null=True)
    purpose = serializers.CharField()
    status = serializers.CharField()
    due_date = serializers.DateField()
    late_working_days = serializers.IntegerField()
    remaining_working_days = serializers.IntegerField()
    steps = BreachStepOutput(many=True)
    pauses = BreachPauseOutput(many=True)


BREACH_COLUMNS = [
    Column("case.reference", gettext_lazy("案件编号")),
    Column("department.name", gettext_lazy("承办部门")),
    Column("purpose_display", gettext_lazy("期限事项")),
    Column("due_date", gettext_lazy("到期日"), "day"),
    Column("late_working_days", gettext_lazy("超期工作日")),
    Column("remaining_working_days", gettext_lazy("剩余工作日")),
    Column("step", gettext_lazy("当前环节")),
    Column("holder", gettext_lazy("经办人")),
    Column("held_working_days", gettext_lazy("本环节已用工作日")),
    Column("pause_working_days", gettext_lazy("暂停工作日")),
]


def _step_name(case_type: str, purpose: str) -> str:
    """The Chinese name of the step a deadline times (a file shows no internal code)."""
    registered = case_type_for(case_type)
    return registered.step_name(purpose) if registered else purpose


def _notice_export_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "purpose_display": _step_name(row["case_type"], row["purpose"])}


def _breach_export_row(row: dict[str, Any]) -> dict[str, Any]:
    """A breach row flattened for a spreadsheet: the step's name, the last step (who holds the case now) and the
    days paused."""
    last = row["steps"][-1] if row["steps"] else {}
    return {
        **row,
        "purpose_display": _step_name(row["case_type"], row["purpose"]),
        "step": last.get("title"),
        "holder": last.get("owner_name") or last.get("owner"),
        "held_working_days": last.get("held_working_days"),
        "pause_working_days": sum(pause["working_days"] or 0 for pause in row["pauses"]),
    }


class BreachListApi(ExportableList, APIView):
    """Deadlines of the cases of the caller's scope (科室负责人: own department; the credit office: every one or
    `department`) by state: breached (default), due_soon, due_today, due_tomorrow, paused, closed, closed_on_time
    (with `month`=YYYY-MM, the month closed). Each row: how late in working days, the steps and who held them, pauses."""

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=BOARD_STATES, default="breached")
        department = serializers.CharField(required=False, allow_blank=True, max_length=32)
        month = serializers.CharField(required=False, allow_blank=True, max_length=7, help_text="YYYY-MM")

        def validate_month(self, value):
            from apps.core.inputs import optional_month

            month = optional_month(value)
            if month is not None and not 2000 <= month.year <= 2099:
                raise serializers.ValidationError(_("月份应在 2000 年至 2099 年之间。"))
            return month

    @extend_schema(
        parameters=[FilterSerializer, FORMAT_PARAMETER],
        responses=export_responses(paginated("BreachPage", BreachRowOutput)),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        department = sla_board_department(user=request.user, department_code=data.get("department"))
        month = data.get("month")
        deadlines = board_deadlines(user=request.user, department=department, state=data["state"], month=month)
        if fmt := export_format(request):
            rows = (
                _breach_export_row(row)
                for batch in batched(deadlines)
                for row in BreachRowOutput(breach_rows(batch), many=True).data
            )
            return export_response(rows=rows, columns=BREACH_COLUMNS, filename=_("超期与临期案件"), fmt=fmt)
        paginator = Pagination()
        page = paginator.paginate_queryset(deadlines, request, view=self)
        return paginator.get_paginated_response(BreachRowOutput(breach_rows(page), many=True).data)


class TaskReassignApi(APIView):
    """Give one or many open tasks to another officer of their department (科室负责人 or the credit office)."""

    class InputSerializer(serializers.Serializer):
        tasks = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=200)
        owner = serializers.CharField(max_length=150)

    class OutputSerializer(serializers.Serializer):
        reassigned = serializers.ListField(child=serializers.IntegerField())
        owner = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, 400: ErrorOutput, 403: ErrorOutput})
    def post(self, request):
        body = self.InputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = task_reassign(
            task_ids=body.validated_data["tasks"],
            owner_username=body.validated_data["owner"],
            acting_user=request.user,
        )
        return Response(
            self.OutputSerializer({"reassigned": [t.pk for t in changed], "owner": body.validated_data["owner"]}).data
        )
