"""Decisions API: register (JSON or file), read, record delivery, get the 两书同达 bundle, and the coverage report."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import clock
from apps.core.api import Pagination
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
from apps.core.inputs import optional_month
from apps.core.parsers import JSONParser
from apps.core.schema import paginated
from apps.decisions.models import DecisionImport, DeliveryMethod
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


class DecisionDepartmentOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DecisionSubjectRefOutput(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()


class DecisionSubjectOutput(DecisionSubjectRefOutput):
    type = serializers.CharField()


class DecisionNoticeOutput(serializers.Serializer):
    letter = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    verification_code = serializers.CharField()
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    error = serializers.CharField()

    def get_verify_url(self, notice) -> str:
        return verify_url(notice.verification_code)

    def get_pdf_url(self, notice) -> str:
        return f"/api/v1/letters/{notice.pk}.pdf"


class DecisionDeliveryOutput(serializers.Serializer):
    method = serializers.CharField(source="delivery_method")
    delivered_on = serializers.DateField(allow_null=True)
    receipt = serializers.CharField(source="delivery_receipt")
    notice_delivered = serializers.BooleanField(allow_null=True)


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    decision_no = serializers.CharField()
    decision_date = serializers.DateField()
    department = DecisionDepartmentOutput()
    subject = DecisionSubjectOutput()
    severity = serializers.CharField()
    penalty_types = serializers.ListField(child=serializers.CharField())
    # A JSON number, as the body always had it (not DRF's default decimal string).
    fine_amount = serializers.FloatField(allow_null=True)
    record = serializers.IntegerField(source="record_id", allow_null=True)
    notice_required = serializers.BooleanField()
    notice = DecisionNoticeOutput(allow_null=True)
    bundle_url = serializers.SerializerMethodField()
    has_uploaded_document = serializers.SerializerMethodField()
    delivery = DecisionDeliveryOutput(source="*")
    import_job = serializers.IntegerField(source="import_job_id", allow_null=True)

    def get_bundle_url(self, decision) -> str:
        return f"/api/v1/decisions/{decision.pk}/bundle.pdf"

    def get_has_uploaded_document(self, decision) -> bool:
        return bool(decision.document_path)


class DecisionImportOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    filename = serializers.CharField()
    total_rows = serializers.IntegerField()
    created = serializers.IntegerField(source="created_count")
    duplicates = serializers.IntegerField(source="duplicate_count")
    errors = serializers.IntegerField(source="error_count")  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    error_rows = serializers.ListField(child=serializers.DictField(), source="errors")
    duplicate_rows = serializers.ListField(child=serializers.DictField(), source="duplicates")
    letter_batch = serializers.IntegerField(source="letter_batch_id", allow_null=True)
    letter_batch_url = serializers.SerializerMethodField()
    # format=None: the moment leaves as the JSON encoder writes it (UTC, "Z"), as it always has.
    created_at = serializers.DateTimeField(format=None)

    def get_letter_batch_url(self, job) -> str | None:
        return f"/api/v1/letters/batches/{job.letter_batch_id}" if job.letter_batch_id else None


class DecisionMissingOutput(serializers.Serializer):
    """A decision delivered without the repair notice it was owed (apps.decisions.selectors.missing_row)."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    decision_no = serializers.CharField()
    decision_date = serializers.DateField()
    department = DecisionDepartmentOutput()
    subject = DecisionSubjectRefOutput()
    delivered_on = serializers.DateField(allow_null=True)
    delivery_method = serializers.CharField()
    notice_status = serializers.CharField(allow_null=True)


class DecisionCoverageOutput(serializers.Serializer):
    """两书同达 of a month (apps.decisions.selectors.two_documents_coverage)."""

    month = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)
    missing = DecisionMissingOutput(many=True)


def require_registrar(user) -> None:
    if not (user.has_perm("decisions.add_penaltydecision") or user.has_perm("decisions.import_any_department")):
        raise PermissionDenied


class DecisionListCreateApi(APIView):
    """GET: decisions the user may see. POST: register one decision (an object) or many (a list, reported row by
    row like a file import; nothing is registered twice)."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="decisions_list", parameters=[MonthParameter], responses=paginated("DecisionPage", DecisionOutput)
    )
    def get(self, request) -> Response:
        decisions = decisions_visible_to(user=request.user).order_by("-decision_date", "-id")
        month = optional_month(request.query_params.get("month"))
        if month:
            first, last = month_bounds(month)
            decisions = decisions.filter(decision_date__gte=first, decision_date__lte=last)
        paginator = Pagination()
        page = paginator.paginate_queryset(decisions, request, view=self)
        return paginator.get_paginated_response(DecisionOutput(page or [], many=True).data)

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={201: PolymorphicProxySerializer("DecisionRegistered", [DecisionOutput, DecisionImportOutput], None)},
    )
    def post(self, request) -> Response:
        require_registrar(request.user)
        if isinstance(request.data, list):
            limit = getattr(settings, "DECISIONS_IMPORT_MAX_ROWS", 5000)
            if len(request.data) > limit:
                raise ApplicationError("import_too_many_rows", _("一次最多导入%(n)d条。") % {"n": limit})
            rows = [(number, row if isinstance(row, dict) else {}) for number, row in enumerate(request.data, start=1)]
            job = decisions_import(rows=rows, source=DecisionImport.Source.API, acting_user=request.user)
            return Response(DecisionImportOutput(job).data, status=status.HTTP_201_CREATED)
        if not isinstance(request.data, dict):
            raise ApplicationError("invalid", _("请求体应为一个对象或对象列表。"))
        decision = decision_register_one(data=request.data, acting_user=request.user)
        return Response(DecisionOutput(decision).data, status=status.HTTP_201_CREATED)


class DecisionImportApi(APIView):
    """Upload a CSV (UTF-8 or GBK) or XLSX file of decisions; the answer counts created, duplicate and bad rows and
    lists every bad row with its line number, field and reason."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

        class Meta:
            ref_name = "DecisionImportInput"

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={201: DecisionImportOutput})
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
        return Response(DecisionImportOutput(job).data, status=status.HTTP_201_CREATED)


class DecisionImportDetailApi(APIView):
    @extend_schema(responses=DecisionImportOutput)
    def get(self, request, import_id: int) -> Response:
        return Response(DecisionImportOutput(access_decision_import_by_id(user=request.user, import_id=import_id)).data)


class DecisionDetailApi(APIView):
    @extend_schema(responses=DecisionOutput)
    def get(self, request, decision_id: int) -> Response:
        return Response(DecisionOutput(access_decision_by_id(user=request.user, decision_id=decision_id)).data)


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

    @extend_schema(request=InputSerializer, responses=DecisionOutput)
    def post(self, request, decision_id: int) -> Response:
        decision = access_decision_by_id(user=request.user, decision_id=decision_id)
        if not can_register_for(user=request.user, department=decision.department):
            raise PermissionDenied
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = decision_delivery_record(decision=decision, acting_user=request.user, **data.validated_data)
        return Response(DecisionOutput(decision).data)


class DecisionDocumentApi(APIView):
    """Upload the signed decision as a PDF; the bundle then uses it instead of the generated decision."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

        class Meta:
            ref_name = "DecisionDocumentInput"

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses=DecisionOutput)
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
        return Response(DecisionOutput(decision).data)


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


MISSING_COLUMNS = [
    Column("decision_no", gettext_lazy("决定文书号")),
    Column("kind_display", gettext_lazy("决定类别")),
    Column("decision_date", gettext_lazy("决定日期"), "day"),
    Column("department.name", gettext_lazy("作出决定部门")),
    Column("subject.name", gettext_lazy("主体名称")),
    Column("subject.uscc", gettext_lazy("统一社会信用代码")),
    Column("delivered_on", gettext_lazy("送达日期"), "day"),
    Column("delivery_method_display", gettext_lazy("送达方式")),
]


def _missing_export_rows(decisions: list) -> list[dict]:
    """The JSON rows with the kind and delivery method as people read them (the JSON carries their codes)."""
    rows = DecisionMissingOutput([missing_row(d) for d in decisions], many=True).data
    return [
        {**row, "kind_display": d.get_kind_display(), "delivery_method_display": d.get_delivery_method_display()}
        for row, d in zip(rows, decisions, strict=True)
    ]


class DecisionsWithoutNoticeApi(ExportableList, APIView):
    """Every decision owed a repair notice that was delivered without it (optionally in one month, of one department
    by its code)."""

    @extend_schema(
        parameters=[MonthParameter, OpenApiParameter("department", str, required=False), FORMAT_PARAMETER],
        responses=export_responses(paginated("DecisionMissingPage", DecisionMissingOutput)),
    )
    def get(self, request) -> Response | StreamingHttpResponse:
        decisions = delivered_without_notice(decisions=decisions_visible_to(user=request.user))
        department = (request.query_params.get("department") or "").strip()
        if department:
            decisions = decisions.filter(department__code=department)
        month = optional_month(request.query_params.get("month"))
        if month:
            first, last = month_bounds(month)
            decisions = decisions.filter(delivered_on__gte=first, delivered_on__lte=last)
        if fmt := export_format(request):
            rows = (row for batch in batched(decisions) for row in _missing_export_rows(batch))
            return export_response(
                rows=rows, columns=MISSING_COLUMNS, filename=_("未同步送达修复告知书的决定"), fmt=fmt
            )
        paginator = Pagination()
        page = paginator.paginate_queryset(decisions, request, view=self)
        return paginator.get_paginated_response(
            DecisionMissingOutput([missing_row(d) for d in page or []], many=True).data
        )


class TwoDocumentsCoverageApi(APIView):
    """两书同达 coverage of a month (default: the current one), for monitors (all departments) or a department."""

    @extend_schema(parameters=[MonthParameter], responses=DecisionCoverageOutput)
    def get(self, request) -> Response:

        month = optional_month(request.query_params.get("month")) or clock.today().replace(day=1)
        if request.user.has_perm("decisions.view_penaltydecision"):
            return Response(DecisionCoverageOutput(two_documents_coverage(month=month)).data)
        if request.user.department_id:
            return Response(
                DecisionCoverageOutput(
                    two_documents_coverage(month=month, department_id=request.user.department_id)
                ).data
            )
        raise PermissionDenied
