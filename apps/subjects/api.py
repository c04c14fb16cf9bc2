"""Subjects, negative records and the code check: thin views over the services and selectors."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department
from apps.core.api import Pagination
from apps.core.errors import ApplicationError
from apps.core.filters import filter_or_400, filter_parameters
from apps.core.registry import subject_cases
from apps.core.schema import ErrorOutput, paginated
from apps.subjects.fields import UsccField
from apps.subjects.filters import SubjectFilter
from apps.subjects.models import NegativeRecord, RecordKind, Severity, Subject
from apps.subjects.selectors import (
    access_record_by_id,
    access_subject_by_uscc,
    records_visible_to,
    subject_list,
    subject_on_serious_list,
    subject_records,
)
from apps.subjects.services import (
    record_register,
    record_register_authorise,
    subject_register,
    subject_register_authorise,
)
from apps.subjects.uscc import validate_uscc


class UsccPartOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class UsccPartsOutput(serializers.Serializer):
    registration_authority = UsccPartOutput()
    category = UsccPartOutput()
    region_code = serializers.CharField()
    organisation_code = serializers.CharField()
    check_character = serializers.CharField()
    is_legal_person_or_organisation = serializers.BooleanField()


class UsccValidOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    code = serializers.CharField()
    parts = UsccPartsOutput()


class UsccProblemOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    position = serializers.IntegerField(required=False)
    character = serializers.CharField(required=False)
    expected = serializers.CharField(required=False)


class UsccInvalidOutput(ErrorOutput):
    valid = serializers.BooleanField()
    position = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("第一处错误的位置（1-18）"))
    character = serializers.CharField(allow_null=True)
    expected = serializers.CharField(allow_null=True, help_text=gettext_lazy("应为的校验码"))
    errors = UsccProblemOutput(many=True)  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class


class UsccCheckApi(APIView):
    """Check a unified social credit code (GB 32100-2015) and split it into its parts. Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: UsccValidOutput, 400: UsccInvalidOutput})
    def get(self, request, code: str):
        result = validate_uscc(code)
        if not result.valid:
            first = result.errors[0]
            body = {
                "valid": False,
                "error": "invalid_uscc",
                "detail": first.message,
                "fields": {"code": [e.message for e in result.errors]},
                "position": first.position,
                "character": first.character,
                "expected": first.expected,
                "errors": [e.as_dict() for e in result.errors],
            }
            return Response(UsccInvalidOutput(body).data, status=status.HTTP_400_BAD_REQUEST)
        return Response(UsccValidOutput({"valid": True, "code": result.code, "parts": result.parts()}).data)


class SanctionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.name")
    measure = serializers.CharField()
    status = serializers.CharField()
    lifted_at = serializers.DateTimeField(allow_null=True)


class RecordOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.SerializerMethodField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    severity = serializers.CharField()
    severity_display = serializers.CharField(source="get_severity_display")
    department = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    publication = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    sanctions = SanctionOutputSerializer(many=True)

    def get_subject(self, obj) -> dict:
        return {"uscc": obj.subject.uscc, "name": obj.subject.name}

    def get_department(self, obj) -> dict:
        return {"code": obj.department.code, "name": obj.department.name}

    def get_decision(self, obj) -> dict:
        return {
            "number": obj.decision_no,
            "date": obj.decision_date,
            "penalty_types": obj.penalty_types,
            "facts": obj.facts,
            "legal_basis": obj.legal_basis,
            "fine_amount": str(obj.fine_amount) if obj.fine_amount is not None else None,
        }

    def get_publication(self, obj) -> dict:
        return {
            "from": obj.publish_from,
            "repair_earliest": obj.repair_earliest,
            "until": obj.publish_until,
            "rule_source": obj.period_rule_source,
        }

    def get_status(self, obj) -> dict:
        return {
            "publication": obj.publication_status,
            "publication_display": obj.get_publication_status_display(),
            "sharing": obj.sharing_status,
            "objection": obj.objection_status,
            "objection_display": obj.get_objection_status_display(),
            "under_objection": obj.objection_status == NegativeRecord.ObjectionStatus.UNDER_OBJECTION,
            "objection_finding": obj.objection_finding,
            "repair": obj.repair_status,
            "on_serious_list": obj.on_serious_list,
        }


class SubjectOutputSerializer(serializers.Serializer):
    uscc = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    region_code = serializers.CharField()
    operating_status = serializers.CharField()
    public_records = serializers.IntegerField(required=False)
    on_serious_list = serializers.SerializerMethodField()

    def get_on_serious_list(self, obj) -> bool:
        if hasattr(obj, "list_entries"):
            return obj.list_entries > 0
        return subject_on_serious_list(subject=obj)


class SubjectListApi(APIView):
    class InputSerializer(serializers.Serializer):
        uscc = UsccField()
        name = serializers.CharField(max_length=200)
        type = serializers.ChoiceField(choices=Subject.Type.choices, default=Subject.Type.ENTERPRISE)
        region_code = serializers.RegexField(r"^\d{6}$", required=False, default="")
        operating_status = serializers.ChoiceField(
            choices=Subject.OperatingStatus.choices, default=Subject.OperatingStatus.OPERATING
        )
        legal_representative = serializers.CharField(max_length=100, required=False, default="")
        address = serializers.CharField(max_length=300, required=False, default="")
        registered_on = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="v1_subjects_list",
        parameters=filter_parameters(SubjectFilter),
        responses=paginated("SubjectPage", SubjectOutputSerializer),
    )
    def get(self, request):
        qs = filter_or_400(SubjectFilter, request=request, queryset=subject_list(user=request.user))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(SubjectOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: SubjectOutputSerializer})
    def post(self, request):
        subject_register_authorise(acting_user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subject = subject_register(acting_user=request.user, **data.validated_data)
        return Response(SubjectOutputSerializer(subject).data, status=status.HTTP_201_CREATED)


class SubjectListStatusOutput(serializers.Serializer):
    on_serious_list = serializers.BooleanField()
    entries = serializers.ListField(child=serializers.IntegerField(), help_text=gettext_lazy("名单信息的编号"))


class SubjectCaseOutput(serializers.Serializer):
    """A case of the subject that the reader may see (each case app's provider): where it stands, nothing else."""

    type = serializers.CharField()
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    current_step = serializers.JSONField(help_text=gettext_lazy("当前环节"))
    due_date = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()
    url = serializers.CharField()


class SubjectDetailApi(APIView):
    class OutputSerializer(SubjectOutputSerializer):
        """The subject with the records and cases the reader may see (passed in the context)."""

        legal_representative = serializers.CharField()
        address = serializers.CharField()
        registered_on = serializers.DateField(allow_null=True)
        records = serializers.SerializerMethodField()
        list_status = serializers.SerializerMethodField()
        cases = serializers.SerializerMethodField()

        @extend_schema_field(RecordOutputSerializer(many=True))
        def get_records(self, subject) -> list:
            # many=True gives a ReturnList; drf-stubs types .data as ReturnDict. `list` is what the schema reads.
            return RecordOutputSerializer(self.context["records"], many=True).data  # type: ignore[return-value]

        @extend_schema_field(SubjectListStatusOutput)
        def get_list_status(self, subject) -> dict:
            records = self.context["records"]
            status = {"on_serious_list": subject_on_serious_list(subject=subject), "entries": []}
            status["entries"] = [r.pk for r in records if r.on_serious_list]
            return SubjectListStatusOutput(status).data

        @extend_schema_field(SubjectCaseOutput(many=True))
        def get_cases(self, subject) -> list:
            return SubjectCaseOutput(self.context["cases"], many=True).data  # type: ignore[return-value]  # as above

    @extend_schema(responses=OutputSerializer)
    def get(self, request, uscc: str):
        subject = access_subject_by_uscc(user=request.user, uscc=uscc)
        context = {
            "records": list(subject_records(user=request.user, subject=subject)),
            "cases": subject_cases(user=request.user, subject=subject),
        }
        return Response(self.OutputSerializer(subject, context=context).data)


class RecordsApi(APIView):
    """List visible negative records; register one decided by the caller's department (officers) or any (admin)."""

    class InputSerializer(serializers.Serializer):
        uscc = UsccField()
        kind = serializers.ChoiceField(choices=RecordKind.choices)
        severity = serializers.ChoiceField(choices=Severity.choices)
        department = serializers.SlugRelatedField(
            slug_field="code", queryset=Department.objects.filter(is_active=True), required=False
        )
        decision_no = serializers.CharField(max_length=100)
        decision_date = serializers.DateField()
        penalty_types = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list)
        facts = serializers.CharField(max_length=5000, required=False, default="")
        legal_basis = serializers.CharField(max_length=500, required=False, default="")
        fine_amount = serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
        )
        sanctions = serializers.ListField(child=serializers.DictField(), required=False, default=list)

    @extend_schema(request=InputSerializer, responses={201: RecordOutputSerializer})
    def post(self, request):
        record_register_authorise(acting_user=request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = record_register(acting_user=request.user, **data.validated_data)
        return Response(RecordOutputSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("uscc", str), OpenApiParameter("kind", str)],
        operation_id="v1_records_list",
        responses=paginated("RecordPage", RecordOutputSerializer),
    )
    def get(self, request):
        qs = (
            records_visible_to(user=request.user)
            .select_related("subject", "department")
            .prefetch_related("sanctions__department")
        )
        if kind := request.query_params.get("kind"):
            if kind not in RecordKind.values:
                raise ApplicationError(
                    "invalid", _("未知的信息类别。"), fields={"kind": [_("可选值：%s") % ", ".join(RecordKind.values)]}
                )
            qs = qs.filter(kind=kind)
        if uscc := request.query_params.get("uscc"):
            qs = qs.filter(subject__uscc=uscc.upper())
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("-decision_date", "-id"), request, view=self)
        return paginator.get_paginated_response(RecordOutputSerializer(page, many=True).data)


class RecordDetailApi(APIView):
    @extend_schema(responses=RecordOutputSerializer)
    def get(self, request, record_id: int):
        record = access_record_by_id(user=request.user, record_id=record_id)
        return Response(RecordOutputSerializer(record).data)
