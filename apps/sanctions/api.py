"""The joint-sanctions credit check over HTTP (信用核查): run one, read one, list the department's, feed back a
measure. Other systems of the departments call the same endpoints with an API token."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import clock
from apps.core.api import Pagination
from apps.core.audience import Audience
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
from apps.sanctions.filters import CreditCheckFilter
from apps.sanctions.models import MatterType, MeasureRemoval
from apps.sanctions.selectors import (
    access_credit_check_by_id,
    access_measure_removal_by_id,
    credit_check_audience,
    credit_check_row,
    credit_checks_visible_to,
    measure_removals_visible_to,
)
from apps.sanctions.services import credit_check_feedback, credit_check_run, measure_removal_confirm
from apps.subjects.fields import UsccField


class DepartmentOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SharedRecordOutput(serializers.Serializer):
    """A published record as another department may see it: no objection finding, facts, evidence or contacts."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    severity = serializers.CharField()
    severity_display = serializers.CharField()
    department = DepartmentOutput()
    decision_no = serializers.CharField()
    decision_date = serializers.DateField()
    penalty_types = serializers.ListField(child=serializers.CharField())
    legal_basis = serializers.CharField()
    publish_from = serializers.DateField(allow_null=True)
    publish_until = serializers.DateField(allow_null=True)
    on_serious_list = serializers.BooleanField()
    under_objection = serializers.BooleanField()


class OfferedMeasureOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    list = serializers.CharField()
    list_display = serializers.CharField()
    title = serializers.CharField()
    legal_basis = serializers.CharField()
    triggered_by = serializers.ListField(child=serializers.IntegerField(), help_text="触发该措施的失信信息 id")


class SharedCommitmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    type_display = serializers.CharField()
    text_version = serializers.CharField()
    text_title = serializers.CharField()
    signed_at = serializers.DateTimeField()
    fulfilment_status = serializers.CharField()
    fulfilment_display = serializers.CharField()


class FeedbackOutput(serializers.Serializer):
    id = serializers.IntegerField()
    measure = serializers.IntegerField(source="measure_id")
    measure_code = serializers.CharField(source="measure.code")
    applied = serializers.BooleanField()
    note = serializers.CharField()
    given_at = serializers.DateTimeField(source="created_at")


class CheckSummaryOutput(serializers.Serializer):
    """A check in the list of the department's (or, for the credit office, every department's) checks."""

    id = serializers.IntegerField()
    uscc = serializers.CharField()
    subject_name = serializers.CharField(source="subject.name", allow_null=True, default=None)
    matter_type = serializers.ChoiceField(choices=MatterType.choices)
    matter_type_display = serializers.CharField(source="get_matter_type_display")
    matter_reference = serializers.CharField()
    department = DepartmentOutput()
    checked_at = serializers.DateTimeField(source="created_at")
    on_serious_list = serializers.BooleanField()


class CheckDepartmentOutput(CheckSummaryOutput):
    """A check as the checking department and the credit office read it: the answer as it was given, and the
    feedback since."""

    records = SharedRecordOutput(many=True, source="answer.records")
    measures = OfferedMeasureOutput(many=True, source="answer.measures")
    commitments = SharedCommitmentOutput(many=True, source="answer.commitments")
    feedback = FeedbackOutput(many=True, source="feedback.all")


class CheckRowOfficeOutput(serializers.Serializer):
    """A line of the list as the credit office reads it (every department's checks): what was checked, what the
    answer held (counts) and how far the department fed back; no officer's name, and nothing of the records
    themselves (no objection statement, evidence or contact ever reaches a list)."""

    id = serializers.IntegerField()
    uscc = serializers.CharField()
    subject_name = serializers.CharField(allow_null=True)
    matter_type = serializers.ChoiceField(choices=MatterType.choices)
    matter_type_display = serializers.CharField()
    matter_reference = serializers.CharField()
    department = DepartmentOutput()
    checked_at = serializers.DateTimeField()
    on_serious_list = serializers.BooleanField()
    records = serializers.IntegerField(help_text="公示失信信息（与事项相关）条数")
    measures = serializers.IntegerField(help_text="应实施的惩戒措施项数")
    applied = serializers.IntegerField(help_text="已反馈实施")
    not_applied = serializers.IntegerField(help_text="已反馈未实施")
    no_feedback = serializers.IntegerField(help_text="尚未反馈")


class CheckRowDepartmentOutput(CheckRowOfficeOutput):
    """A line of the list as the checking department reads its own checks: also who ran it."""

    checked_by = serializers.CharField()


_CHECK_COLUMNS_HEAD = [
    Column("id", gettext_lazy("核查编号")),
    Column("checked_at", gettext_lazy("核查时间"), "minute"),
    Column("department.name", gettext_lazy("核查部门")),
]
_CHECK_COLUMNS_TAIL = [
    Column("matter_type_display", gettext_lazy("事项类型")),
    Column("matter_reference", gettext_lazy("事项编号")),
    Column("uscc", gettext_lazy("统一社会信用代码")),
    Column("subject_name", gettext_lazy("主体名称")),
    Column("on_serious_list", gettext_lazy("列入严重失信主体名单"), "yes_no"),
    Column("records", gettext_lazy("相关失信信息（条）")),
    Column("measures", gettext_lazy("应实施的惩戒措施（项）")),
    Column("applied", gettext_lazy("已实施（项）")),
    Column("not_applied", gettext_lazy("未实施（项）")),
    Column("no_feedback", gettext_lazy("未反馈（项）")),
]
CHECK_COLUMNS = {
    Audience.OFFICE: [*_CHECK_COLUMNS_HEAD, *_CHECK_COLUMNS_TAIL],
    Audience.STAFF: [*_CHECK_COLUMNS_HEAD, Column("checked_by", gettext_lazy("核查人")), *_CHECK_COLUMNS_TAIL],
}
CHECK_OUTPUTS: dict[Audience, type[CheckRowOfficeOutput]] = {
    Audience.OFFICE: CheckRowOfficeOutput,
    Audience.STAFF: CheckRowDepartmentOutput,
}


class CreditCheckListCreateApi(ExportableList, APIView):
    """POST: run a check. GET: the checks (a department its own; the credit office and administrators all), newest
    first, narrowed by `uscc`, `matter_type`, `department` (code) and the check date (`checked_from`,
    `checked_to`, inclusive); `?format=csv|xlsx` gives every row as a file."""

    class InputSerializer(serializers.Serializer):
        uscc = UsccField()
        matter_type = serializers.ChoiceField(choices=MatterType.choices)
        matter_reference = serializers.CharField(max_length=100)

    @extend_schema(
        request=InputSerializer,
        responses={201: CheckDepartmentOutput, 400: ErrorOutput, 403: ErrorOutput},
        summary="信用核查（联合奖惩）",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = credit_check_run(acting_user=request.user, **data.validated_data)
        return Response(CheckDepartmentOutput(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="v1_credit_checks_list",
        parameters=[*filter_parameters(CreditCheckFilter), FORMAT_PARAMETER],
        responses=export_responses(
            paginated(
                "CreditCheckPage",
                PolymorphicProxySerializer("CreditCheckRow", [CheckRowDepartmentOutput, CheckRowOfficeOutput], None),
            )
        ),
    )
    def get(self, request):
        checks = filter_or_400(CreditCheckFilter, request=request, queryset=credit_checks_visible_to(user=request.user))
        checks = checks.order_by("-created_at", "-id")
        audience = credit_check_audience(user=request.user)
        output = CHECK_OUTPUTS[audience]
        if fmt := export_format(request):
            rows = (row for batch in batched(checks) for row in output(map(credit_check_row, batch), many=True).data)
            return export_response(rows=rows, columns=CHECK_COLUMNS[audience], filename=_("信用核查记录"), fmt=fmt)
        paginator = Pagination()
        page = paginator.paginate_queryset(checks, request, view=self)
        return paginator.get_paginated_response(output([credit_check_row(c) for c in page], many=True).data)


class CreditCheckDetailApi(APIView):
    @extend_schema(responses={200: CheckDepartmentOutput, 404: ErrorOutput})
    def get(self, request, check_id: int):
        check = access_credit_check_by_id(user=request.user, check_id=check_id)
        return Response(CheckDepartmentOutput(check).data)


class CreditCheckFeedbackApi(APIView):
    """Whether the department applied a measure the check offered (实施结果反馈). A measure the check did not offer
    is refused with 400 naming it."""

    class InputSerializer(serializers.Serializer):
        measure = serializers.IntegerField()
        applied = serializers.BooleanField()
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer, responses={201: FeedbackOutput, 400: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput}
    )
    def post(self, request, check_id: int):
        check = access_credit_check_by_id(user=request.user, check_id=check_id, for_feedback=True)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = credit_check_feedback(
            credit_check=check,
            measure_id=data.validated_data["measure"],
            applied=data.validated_data["applied"],
            note=data.validated_data["note"],
            acting_user=request.user,
        )
        return Response(FeedbackOutput(feedback).data, status=status.HTTP_201_CREATED)


class RemovedMeasureOutput(serializers.Serializer):
    check_id = serializers.IntegerField(source="feedback.credit_check_id")
    matter_reference = serializers.CharField(source="feedback.credit_check.matter_reference")
    measure = serializers.IntegerField(source="feedback.measure_id")
    measure_code = serializers.CharField(source="feedback.measure.code")
    measure_title = serializers.CharField(source="feedback.measure.title")


class RemovalRecordOutput(serializers.Serializer):
    id = serializers.IntegerField()
    decision_no = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")


class MeasureRemovalOutput(serializers.Serializer):
    """A checking department's task to remove the measures it applied whose basis ended."""

    id = serializers.IntegerField()
    department = DepartmentOutput()
    uscc = serializers.CharField(source="subject.uscc")
    subject_name = serializers.CharField(source="subject.name")
    reason = serializers.ChoiceField(choices=MeasureRemoval.Reason.choices)
    reason_display = serializers.CharField(source="get_reason_display")
    records = RemovalRecordOutput(many=True, source="records.all")
    measures = RemovedMeasureOutput(many=True, source="items.all")
    status = serializers.CharField(help_text="pending | confirmed")
    status_display = serializers.CharField(source="get_status_display")
    requested_at = serializers.DateTimeField(source="created_at")
    due_date = serializers.DateField(allow_null=True, help_text="解除期限（工作日，按规则 sanctions.removal）")
    overdue = serializers.SerializerMethodField(help_text="pending after its due date")
    confirmed_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()

    def get_overdue(self, removal: MeasureRemoval) -> bool:
        return removal.overdue_on(clock.today())


class MeasureRemovalListApi(APIView):
    """Measures my department applied after a credit check whose basis ended, to be removed and confirmed (the credit
    office: every department's)."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=MeasureRemoval.Status.choices, required=False)

    @extend_schema(
        operation_id="v1_measure_removals_list",
        parameters=[FilterSerializer],
        responses=paginated("MeasureRemovalPage", MeasureRemovalOutput),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = measure_removals_visible_to(user=request.user)
        if value := filters.validated_data.get("status"):
            qs = qs.filter(status=value)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("status", "-created_at", "-id"), request, view=self)
        return paginator.get_paginated_response(MeasureRemovalOutput(page, many=True).data)


class MeasureRemovalConfirmApi(APIView):
    """My department confirms it removed the measures (as a sanctioning department confirms a lift)."""

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses={200: MeasureRemovalOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request, removal_id: int):
        removal = access_measure_removal_by_id(user=request.user, removal_id=removal_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        measure_removal_confirm(removal=removal, acting_user=request.user, note=data.validated_data["note"])
        removal = access_measure_removal_by_id(user=request.user, removal_id=removal_id)
        return Response(MeasureRemovalOutput(removal).data)
