"""Decisions API: register (JSON or file), read, record delivery, get the 两书同达 bundle, and the coverage report."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import clock
from apps.core.api import Pagination
from apps.core.errors import ApplicationError
from apps.core.inputs import optional_month
from apps.core.parsers import JSONParser
from apps.decisions.models import DecisionImport, DeliveryMethod, PenaltyDecision
from apps.decisions.selectors import (
    access_decision_by_id,
    access_decision_import_by_id,
    decisions_visible_to,
    delivered_without_notice,
    missing_row,
    month_bounds,
    two_documents_coverage,
)
from apps.decisions.services import (
    can_register_for,
    decision_bundle_build,
    decision_delivery_record,
    decision_document_upload,
    decision_register_one,
    decisions_import,
    decisions_import_file,
)
from apps.letters.documents import verify_url

MonthParameter = OpenApiParameter("month", str, description="YYYY-MM", required=False)


def decision_data(decision: PenaltyDecision) -> dict:
    notice = decision.notice
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "kind_label": decision.get_kind_display(),
        "decision_no": decision.decision_no,
        "decision_date": decision.decision_date,
        "department": {"code": decision.department.code, "name": decision.department.name},
        "subject": {"uscc": decision.subject.uscc, "name": decision.subject.name, "type": decision.subject.type},
        "severity": decision.severity,
        "penalty_types": decision.penalty_types,
        "fine_amount": decision.fine_amount,
        "record": decision.record_id,
        "notice_required": decision.notice_required,
        "notice": None
        if notice is None
        else {
            "letter": notice.pk,
            "status": notice.status,
            "verification_code": notice.verification_code,
            "verify_url": verify_url(notice.verification_code),
            "pdf_url": f"/api/v1/letters/{notice.pk}.pdf",
            "error": notice.error,
        },
        "bundle_url": f"/api/v1/decisions/{decision.pk}/bundle.pdf",
        "has_uploaded_document": bool(decision.document_path),
        "delivery": {
            "method": decision.delivery_method,
            "delivered_on": decision.delivered_on,
            "receipt": decision.delivery_receipt,
            "notice_delivered": decision.notice_delivered,
        },
        "import_job": decision.import_job_id,
    }


def import_data(job: DecisionImport) -> dict:
    return {
        "id": job.pk,
        "source": job.source,
        "filename": job.filename,
        "total_rows": job.total_rows,
        "created": job.created_count,
        "duplicates": job.duplicate_count,
        "errors": job.error_count,
        "error_rows": job.errors,
        "duplicate_rows": job.duplicates,
        "letter_batch": job.letter_batch_id,
        "letter_batch_url": f"/api/v1/letters/batches/{job.letter_batch_id}" if job.letter_batch_id else None,
        "created_at": job.created_at,
    }


def require_registrar(user) -> None:
    if not (user.has_perm("decisions.add_penaltydecision") or user.has_perm("decisions.import_any_department")):
        raise PermissionDenied


class DecisionListCreateApi(APIView):
    """GET: decisions the user may see. POST: register one decision (an object) or many (a list, reported row by
    row like a file import; nothing is registered twice)."""

    parser_classes = [JSONParser]

    @extend_schema(operation_id="decisions_list", parameters=[MonthParameter], responses=OpenApiTypes.OBJECT)
    def get(self, request) -> Response:
        decisions = decisions_visible_to(user=request.user).order_by("-decision_date", "-id")
        month = optional_month(request.query_params.get("month"))
        if month:
            first, last = month_bounds(month)
            decisions = decisions.filter(decision_date__gte=first, decision_date__lte=last)
        paginator = Pagination()
        page = paginator.paginate_queryset(decisions, request, view=self)
        return paginator.get_paginated_response([decision_data(d) for d in page or []])

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request) -> Response:
        require_registrar(request.user)
        if isinstance(request.data, list):
            limit = getattr(settings, "DECISIONS_IMPORT_MAX_ROWS", 5000)
            if len(request.data) > limit:
                raise ApplicationError("import_too_many_rows", _("一次最多导入%(n)d条。") % {"n": limit})
            rows = [(number, row if isinstance(row, dict) else {}) for number, row in enumerate(request.data, start=1)]
            job = decisions_import(rows=rows, source=DecisionImport.Source.API, acting_user=request.user)
            return Response(import_data(job), status=status.HTTP_201_CREATED)
        if not isinstance(request.data, dict):
            raise ApplicationError("invalid", _("请求体应为一个对象或对象列表。"))
        decision = decision_register_one(data=request.data, acting_user=request.user)
        return Response(decision_data(decision), status=status.HTTP_201_CREATED)


class DecisionImportApi(APIView):
    """Upload a CSV (UTF-8 or GBK) or XLSX file of decisions; the answer counts created, duplicate and bad rows and
    lists every bad row with its line number, field and reason."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

        class Meta:
            ref_name = "DecisionImportInput"

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses=OpenApiTypes.OBJECT)
    def post(self, request) -> Response:
        require_registrar(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        limit = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
        if upload.size > limit:
            raise ApplicationError(
                "file_too_large", _("文件过大。"), fields={"file": [_("文件不能超过%(n)d字节。") % {"n": limit}]}
            )
        job = decisions_import_file(name=upload.name, data=upload.read(), acting_user=request.user)
        return Response(import_data(job), status=status.HTTP_201_CREATED)


class DecisionImportDetailApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, import_id: int) -> Response:
        return Response(import_data(access_decision_import_by_id(user=request.user, import_id=import_id)))


class DecisionDetailApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, decision_id: int) -> Response:
        return Response(decision_data(access_decision_by_id(user=request.user, decision_id=decision_id)))


class DecisionDeliveryApi(APIView):
    """Record the delivery: method, date, receipt, and whether the repair notice went with it (default: it did if
    it has been generated)."""

    class InputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=DeliveryMethod.choices)
        delivered_on = serializers.DateField()
        receipt = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        notice_delivered = serializers.BooleanField(required=False, allow_null=True, default=None)

        class Meta:
            ref_name = "DecisionDeliveryInput"

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, decision_id: int) -> Response:
        decision = access_decision_by_id(user=request.user, decision_id=decision_id)
        if not can_register_for(user=request.user, department=decision.department):
            raise PermissionDenied
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = decision_delivery_record(decision=decision, acting_user=request.user, **data.validated_data)
        return Response(decision_data(decision))


class DecisionDocumentApi(APIView):
    """Upload the signed decision as a PDF; the bundle then uses it instead of the generated decision."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

        class Meta:
            ref_name = "DecisionDocumentInput"

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses=OpenApiTypes.OBJECT)
    def post(self, request, decision_id: int) -> Response:
        decision = access_decision_by_id(user=request.user, decision_id=decision_id)
        if not can_register_for(user=request.user, department=decision.department):
            raise PermissionDenied
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024):
            raise ApplicationError("file_too_large", _("文件过大。"), fields={"file": [_("文件过大。")]})
        decision = decision_document_upload(decision=decision, data=upload.read(), acting_user=request.user)
        return Response(decision_data(decision))


class DecisionBundleApi(APIView):
    """ONE PDF: the decision followed by the 信用修复告知书, to deliver together."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, decision_id: int):
        decision = access_decision_by_id(user=request.user, decision_id=decision_id)
        path = decision_bundle_build(decision=decision, acting_user=request.user)
        response = FileResponse(
            path.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"decision-{decision.pk}-bundle.pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class DecisionsWithoutNoticeApi(APIView):
    """Every decision owed a repair notice that was delivered without it (optionally in one month, of one department
    by its code)."""

    @extend_schema(
        parameters=[MonthParameter, OpenApiParameter("department", str, required=False)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request) -> Response:
        decisions = delivered_without_notice(decisions=decisions_visible_to(user=request.user))
        department = (request.query_params.get("department") or "").strip()
        if department:
            decisions = decisions.filter(department__code=department)
        month = optional_month(request.query_params.get("month"))
        if month:
            first, last = month_bounds(month)
            decisions = decisions.filter(delivered_on__gte=first, delivered_on__lte=last)
        paginator = Pagination()
        page = paginator.paginate_queryset(decisions, request, view=self)
        return paginator.get_paginated_response([missing_row(d) for d in page or []])


class TwoDocumentsCoverageApi(APIView):
    """两书同达 coverage of a month (default: the current one), for monitors (all departments) or a department."""

    @extend_schema(parameters=[MonthParameter], responses=OpenApiTypes.OBJECT)
    def get(self, request) -> Response:

        month = optional_month(request.query_params.get("month")) or clock.today().replace(day=1)
        if request.user.has_perm("decisions.view_penaltydecision"):
            return Response(two_documents_coverage(month=month))
        if request.user.department_id:
            return Response(two_documents_coverage(month=month, department_id=request.user.department_id))
        raise PermissionDenied
