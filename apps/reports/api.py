"""Reports API: a credit report for a subject, on request; the monthly coverage figures and monthly reports."""

from datetime import date
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import clock
from apps.core.api import Pagination
from apps.core.errors import ApplicationError
from apps.letters.api import letter_data
from apps.reports.exports import XLSX, monthly_xlsx
from apps.reports.models import MonthlyReport
from apps.reports.monthly import MonthError, parse_month
from apps.reports.selectors import (
    access_monthly_report_by_id,
    monthly_reports_visible_to,
    monthly_stats,
    monthly_stats_department,
)
from apps.reports.services import credit_report_request, monthly_report_issue
from apps.subjects.selectors import access_subject_by_uscc


class CreditReportRequestApi(APIView):
    """Request a 信用报告 for a subject you may see (its representatives; staff with subject access). The answer is the
    letter, rendered in the background: follow its `pdf_url` (or GET /api/v1/letters/{id}) once its status is
    `rendered`."""

    class InputSerializer(serializers.Serializer):
        purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CreditReportRequestInput"

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, uscc: str) -> Response:
        subject = access_subject_by_uscc(user=request.user, uscc=uscc)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = credit_report_request(subject=subject, acting_user=request.user, **data.validated_data)
        return Response(
            {
                "request": report.pk,
                "report_no": report.report_no,
                "letter": letter_data(report.letter) if report.letter else None,
            },
            status=status.HTTP_201_CREATED,
        )


# Monthly statistics and reports ------------------------------------------------------------------------------------


def _month(raw: str | None, field: str = "month") -> date:
    try:
        return parse_month(raw)
    except MonthError as exc:
        raise ApplicationError("invalid", f"{field}: {exc}", fields={field: [str(exc)]}) from None


def monthly_report_data(report: MonthlyReport) -> dict:
    return {
        "id": report.pk,
        "month": report.month.strftime("%Y-%m"),
        "department": {"code": report.department.code, "name": report.department.name} if report.department else None,
        "issue_no": report.issue_no,
        "created_at": report.created_at,
        "figures": report.figures,
        "letter": letter_data(report.letter) if report.letter else None,
    }


class MonthlyStatsApi(APIView):
    """The monthly coverage table (DESIGN.md §2 targets) with numerators, denominators, ratios, targets and the
    definition of each figure, computed now from the case data. `department` (a department code) narrows it to one
    department's records and cases; officers and reviewers always get their own department's."""

    @extend_schema(
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("department", str, required=False, description="department code"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request) -> Response:
        month = _month(request.query_params.get("month"))
        department = monthly_stats_department(user=request.user, department_code=request.query_params.get("department"))
        return Response(monthly_stats(month=month, department=department))


class MonthlyStatsXlsxApi(APIView):
    """The monthly coverage table as an XLSX workbook, beside the report's PDF: office-wide, one sheet for the city,
    one per department and one per region; for a department (`department`, or an officer's own), its sheet. The
    figures are those of GET /api/v1/stats/monthly for the same scope."""

    @extend_schema(
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("department", str, required=False, description="department code"),
        ],
        responses={(200, XLSX): bytes},
    )
    def get(self, request) -> HttpResponse:
        month = _month(request.query_params.get("month"))
        department = monthly_stats_department(user=request.user, department_code=request.query_params.get("department"))
        response = HttpResponse(monthly_xlsx(month=month, department=department), content_type=XLSX)
        name = "-".join([_("月度统计"), f"{month:%Y-%m}", *([department.code] if department else [])]) + ".xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


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
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request) -> Response:
        reports = monthly_reports_visible_to(user=request.user)
        if request.query_params.get("month"):
            reports = reports.filter(month=_month(request.query_params["month"]))
        page = Pagination()
        items = page.paginate_queryset(reports, request, view=self)
        return page.get_paginated_response([monthly_report_data(r) for r in items or []])

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
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
        return Response(monthly_report_data(report), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class MonthlyReportDetailApi(APIView):
    """One issued monthly report: the figures as issued and its letter (follow `letter.pdf_url`)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, report_id: int) -> Response:
        return Response(monthly_report_data(access_monthly_report_by_id(user=request.user, report_id=report_id)))


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
