"""The sort, filters and search of a task list, validated once for the workbench's pages and the task API."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.casework.registry import case_type_for
from apps.casework.selectors import QUEUE_SORTS, QueueQuery, step_node


class TaskQueueInput(serializers.Serializer):
    sort = serializers.ChoiceField(
        choices=QUEUE_SORTS,
        default="created",
        help_text="created/-created: by creation; due/-due: by the step's due date (none last); step; case_type",
    )
    step = serializers.CharField(required=False, max_length=200, help_text="<flow label>.<node>, e.g. repair.intake")
    case_type = serializers.CharField(required=False, max_length=64, help_text="e.g. repairs.repaircase")
    overdue = serializers.BooleanField(required=False, default=False, help_text="only steps past their due date")
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="case reference, enterprise name or code"
    )

    def validate_step(self, value: str) -> Any:
        node = step_node(value)
        if node is None:
            raise serializers.ValidationError(_("没有这个环节。"))
        return node

    def validate_case_type(self, value: str) -> str:
        registered = case_type_for(value)
        if registered is None or registered.flow_class is None:
            raise serializers.ValidationError(_("没有这个案件类型。"))
        return value

    def validate_q(self, value: str) -> str:
        return value.strip()


def queue_query(data: dict[str, Any]) -> QueueQuery:
    """The QueueQuery of validated TaskQueueInput data."""
    return QueueQuery(
        sort=data.get("sort", "created"),
        step=data.get("step"),
        case_type=data.get("case_type"),
        overdue=data.get("overdue", False),
        search=data.get("q", ""),
    )


def queue_query_from_page(params: Any) -> tuple[QueueQuery, dict[str, list[str]]]:
    """A page's query string as a QueueQuery: an invalid parameter is left out (the page says why, and lists
    without it) rather than refused."""
    keys = set(TaskQueueInput().fields)
    data = {key: params.get(key) for key in keys if params.get(key) not in (None, "")}
    form = TaskQueueInput(data=data)
    if form.is_valid():
        return queue_query(form.validated_data), {}
    errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
    form = TaskQueueInput(data={key: value for key, value in data.items() if key not in errors})
    form.is_valid()
    return queue_query(form.validated_data), errors
