"""Reports API: a credit report for a subject, on request; the monthly coverage figures and monthly reports."""

from datetime import date
from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import clock
from apps.core.api import Pagination
from apps.core.errors import ApplicationError
from apps.core.exports import FORMAT_PARAMETER, Column, ExportableList, export_format, export_response
from apps.core.schema import paginated
from apps.decisions.api import DecisionMissingOutput
from apps.letters.api import LetterDetailOutput
from apps.reports.exports import XLSX, monthly_scopes, monthly_xlsx
from apps.reports.monthly import MonthError, parse_month
from apps.reports.selectors import (
    access_monthly_report_by_id,
    monthly_reports_visible_to,
    monthly_stats,
    monthly_stats_department,
)
from apps.reports.services import credit_report_request, monthly_report_issue
from apps.subjects.selectors import access_subject_by_uscc


class CreditReportRequestOutput(serializers.Serializer):
    request = serializers.IntegerField(source="pk")
    report_no = serializers.CharField()
    letter = LetterDetailOutput(allow_null=True)


class CreditReportRequestApi(APIView):
    """Request a 信用报告 for a subject you may see (its representatives; staff with subject access). The answer is the
    letter, rendered in the background: follow its `pdf_url` (or GET /api/v1/letters/{id}) once its status is
    `rendered`."""

    class InputSerializer(serializers.Serializer):
        purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CreditReportRequestInput"

    @extend_schema(request=InputSerializer, responses={201: CreditReportRequestOutput})
    def post(self, request, uscc: str) -> Response:
        subject = access_subject_by_uscc(user=request.user, uscc=uscc)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = credit_report_request(subject=subject, acting_user=request.user, **data.validated_data)
        return Response(CreditReportRequestOutput(report).data, status=status.HTTP_201_CREATED)


# Monthly statistics and reports ------------------------------------------------------------------------------------


def _month(raw: str | None, field: str = "month") -> date:
    try:
        return parse_month(raw)
    except MonthError as exc:
        raise ApplicationError("invalid", f"{field}: {exc}", fields={field: [str(exc)]}) from None


class MonthlyReportDepartmentOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MonthlyReportOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    month = serializers.DateField(format="%Y-%m")
    department = MonthlyReportDepartmentOutput(allow_null=True)
    issue_no = serializers.IntegerField()
    # format=None: the moment leaves as the JSON encoder writes it (UTC, "Z"), as it always has.
    created_at = serializers.DateTimeField(format=None)
    figures = serializers.JSONField(help_text="the month's figures as issued (GET /api/v1/stats/monthly then)")
    letter = LetterDetailOutput(allow_null=True)


class MonthlyStatsTargetOutput(serializers.Serializer):
    op = serializers.ChoiceField(choices=[">=", "<"])
    value = serializers.FloatField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class


class MonthlyStatsLateOutput(serializers.Serializer):
    record = serializers.IntegerField()
    decision_no = serializers.CharField()
    decision_date = serializers.DateField()
    published_on = serializers.DateField()


class MonthlyStatsRowOutput(serializers.Serializer):
    """One figure of the table. Some rows carry more: double_publicity its late examples, limit and unmeasured
    count, two_documents the decisions delivered without the notice; a row has only the keys it carries."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)
    target = MonthlyStatsTargetOutput()
    met = serializers.BooleanField(allow_null=True)
    target_source = serializers.CharField()
    definition = serializers.CharField()
    late = MonthlyStatsLateOutput(many=True, required=False)
    limit_working_days = serializers.IntegerField(allow_null=True, required=False)
    limit_source = serializers.CharField(required=False)
    unmeasured = serializers.IntegerField(required=False)
    missing = DecisionMissingOutput(many=True, required=False)

    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        data = super().to_representation(instance)
        return {key: value for key, value in data.items() if key in instance}


class MonthlyStatsDepartmentOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MonthlyStatsOutput(serializers.Serializer):
    """The coverage table of a month (apps.reports.monthly.monthly_stats)."""

    month = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    # format=None: the moment leaves as the JSON encoder writes it (local time with its offset), as it always has.
    as_of = serializers.DateTimeField(format=None)
    complete = serializers.BooleanField()
    department = MonthlyStatsDepartmentOutput(allow_null=True)
    region_code = serializers.CharField()
    population = serializers.IntegerField()
    rows = MonthlyStatsRowOutput(many=True)
    notes = serializers.ListField(child=serializers.CharField())


MONTHLY_COLUMNS = [
    Column("scope", gettext_lazy("范围")),
    Column("label", gettext_lazy("指标")),
    Column("numerator", gettext_lazy("分子")),
    Column("denominator", gettext_lazy("分母")),
    Column("ratio", gettext_lazy("完成率"), "percent", empty="—"),
    Column("target.label", gettext_lazy("目标")),
    Column("met", gettext_lazy("是否达标"), "yes_no", empty="—"),
    Column("definition", gettext_lazy("统计口径")),
]

_MONTHLY_PARAMETERS = [
    OpenApiParameter("month", str, required=True, description="YYYY-MM"),
    OpenApiParameter("department", str, required=False, description="department code"),
]


def _monthly_filename(month: date, department: Any) -> str:
    return "-".join([_("月度统计"), f"{month:%Y-%m}", *([department.code] if department else [])])


def _monthly_xlsx_response(month: date, department: Any) -> HttpResponse:
    response = HttpResponse(monthly_xlsx(month=month, department=department), content_type=XLSX)
    name = _monthly_filename(month, department) + ".xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


class MonthlyStatsApi(ExportableList, APIView):
    """The monthly coverage table (DESIGN.md §2 targets) with numerators, denominators, ratios, targets and the
    definition of each figure, computed now from the case data. `department` (a department code) narrows it to one
    department's records and cases; officers and reviewers always get their own department's.

    As files: `?format=xlsx` is the workbook of GET /api/v1/stats/monthly.xlsx; `?format=csv` the same tables as
    lines, the first column naming the scope (office-wide: the city, each department, each region; for a department,
    its own), each line a row of this table for that scope."""

    @extend_schema(
        parameters=[*_MONTHLY_PARAMETERS, FORMAT_PARAMETER],
        responses={(200, "application/json"): MonthlyStatsOutput, (200, "text/csv"): bytes, (200, XLSX): bytes},
    )
    def get(self, request) -> Any:
        month = _month(request.query_params.get("month"))
        department = monthly_stats_department(user=request.user, department_code=request.query_params.get("department"))
        fmt = export_format(request)
        if fmt == "xlsx":
            return _monthly_xlsx_response(month, department)
        if fmt == "csv":
            rows = [
                {"scope": title, **row}
                for title, stats in monthly_scopes(month=month, department=department)
                for row in MonthlyStatsOutput(stats).data["rows"]
            ]
            return export_response(
                rows=rows, columns=MONTHLY_COLUMNS, filename=_monthly_filename(month, department), fmt=fmt
            )
        return Response(MonthlyStatsOutput(monthly_stats(month=month, department=department)).data)


class MonthlyStatsXlsxApi(APIView):
    """The monthly coverage table as an XLSX workbook, beside the report's PDF: office-wide, one sheet for the city,
    one per department and one per region; for a department (`department`, or an officer's own), its sheet. The
    figures are those of GET /api/v1/stats/monthly for the same scope."""

    @extend_schema(parameters=_MONTHLY_PARAMETERS, responses={(200, XLSX): bytes})
    def get(self, request) -> HttpResponse:
        month = _month(request.query_params.get("month"))
        department = monthly_stats_department(user=request.user, department_code=request.query_params.get("department"))
        return _monthly_xlsx_response(month, department)


class MonthlyReportListApi(APIView):
    """Issued monthly reports (GET, newest first; `month` filters) and issuing one (POST, monitors and
    administrators): the month's figures are snapshotted and the report letter is rendered in the background.
    Issuing a month that already has a report returns it (200) unless `reissue` is true (201, a new issue)."""

    class InputSerializer(serializers.Serializer):
        month = serializers.CharField(max_length=7, help_text="YYYY-MM")
        department = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
        reissue = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "MonthlyReportInput"

    @extend_schema(
        operation_id="v1_stats_monthly_reports_list",
        parameters=[OpenApiParameter("month", str, required=False, description="YYYY-MM")],
        responses=paginated("MonthlyReportPage", MonthlyReportOutput),
    )
    def get(self, request) -> Response:
        reports = monthly_reports_visible_to(user=request.user)
        if request.query_params.get("month"):
            reports = reports.filter(month=_month(request.query_params["month"]))
        page = Pagination()
        items = page.paginate_queryset(reports, request, view=self)
        return page.get_paginated_response(MonthlyReportOutput(items or [], many=True).data)

    @extend_schema(request=InputSerializer, responses={200: MonthlyReportOutput, 201: MonthlyReportOutput})
    def post(self, request) -> Response:
        if not request.user.has_perm("reports.issue_monthly_report"):
            raise PermissionDenied
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = _month(data.validated_data["month"])
        department = monthly_stats_department(user=request.user, department_code=data.validated_data["department"])
        report, created = monthly_report_issue(
            month=month, department=department, acting_user=request.user, reissue=data.validated_data["reissue"]
        )
        return Response(
            MonthlyReportOutput(report).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class MonthlyReportDetailApi(APIView):
    """One issued monthly report: the figures as issued and its letter (follow `letter.pdf_url`)."""

    @extend_schema(responses=MonthlyReportOutput)
    def get(self, request, report_id: int) -> Response:
        return Response(MonthlyReportOutput(access_monthly_report_by_id(user=request.user, report_id=report_id)).data)


class FigureOutput(serializers.Serializer):
    count = serializers.IntegerField()
    list_url = serializers.CharField()


class StepFigureOutput(FigureOutput):
    step = serializers.CharField()
    title = serializers.CharField()
    department = serializers.JSONField()


class WorkloadFigureOutput(FigureOutput):
    owner = serializers.CharField(allow_null=True)
    name = serializers.CharField(required=False)
    department = serializers.CharField(required=False, allow_null=True)


class OnTimeMonthOutput(serializers.Serializer):
    month = serializers.CharField()
    closed = FigureOutput()
    on_time = FigureOutput()
    ratio = serializers.FloatField(allow_null=True)


class TwoDocumentsFigureOutput(serializers.Serializer):
    month = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)
    missing = FigureOutput()


class SlaDashboardOutput(serializers.Serializer):
    today = serializers.DateField()
    department = serializers.JSONField(allow_null=True)
    open_by_step = StepFigureOutput(many=True)
    open_total = FigureOutput()
    due_today = FigureOutput()
    due_tomorrow = FigureOutput()
    due_soon = FigureOutput()
    breached = FigureOutput()
    paused = FigureOutput()
    on_time_by_month = OnTimeMonthOutput(many=True)
    workload = WorkloadFigureOutput(many=True)
    two_documents = TwoDocumentsFigureOutput()


class SlaDashboardApi(APIView):
    """The SLA dashboard's figures (科室负责人: own department; the credit office: every department or `department`).
    Every figure has `count` and `list_url`, the API list with exactly that many rows."""

    @extend_schema(
        parameters=[OpenApiParameter("department", str, required=False)], responses={200: SlaDashboardOutput}
    )
    def get(self, request):

        from apps.casework.selectors import sla_board_department
        from apps.reports.selectors import sla_dashboard

        department = sla_board_department(user=request.user, department_code=request.query_params.get("department"))
        figures = sla_dashboard(user=request.user, department=department, today=clock.today())
        return Response(SlaDashboardOutput(figures).data)
