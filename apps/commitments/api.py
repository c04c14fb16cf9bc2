"""Commitments over HTTP: record or sign one against a matter, list and read them (each audience its own output),
check fulfilment (the scheduled checks and their outcome), the texts in force, the public register."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department
from apps.commitments.models import MATTER_TYPE_CHOICES, SIX_TYPES, Commitment, CommitmentType, FulfilmentCheck
from apps.commitments.selectors import (
    REGISTER_TYPES,
    access_commitment_by_id,
    access_fulfilment_check_by_id,
    commitment_audience,
    commitment_public_view,
    commitments_public_register,
    commitments_visible_to,
    fulfilment_checks_due,
    fulfilment_checks_visible_to,
    text_versions_in_force,
)
from apps.commitments.services import commitment_check_fulfilment, commitment_record, fulfilment_check_record
from apps.core import clock
from apps.core.api import Pagination
from apps.core.errors import ApplicationError
from apps.core.schema import ErrorOutput, paginated


class TextVersionOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    type = serializers.CharField()
    type_display = serializers.CharField(source="get_type_display")
    domain = serializers.CharField()
    scenario = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class


class CommitmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    type_display = serializers.CharField(source="get_type_display")
    domain = serializers.CharField()
    domain_display = serializers.CharField(source="get_domain_display")
    scenario = serializers.CharField()
    scenario_display = serializers.CharField(source="get_scenario_display")
    text_version = serializers.CharField(source="text_version.code")
    text_title = serializers.CharField(source="text_version.title")
    text_sha256 = serializers.CharField()
    subject = serializers.CharField(source="subject.uscc")
    signer_name = serializers.CharField()
    signer_capacity = serializers.CharField()
    signed_at = serializers.DateTimeField()
    owner_type = serializers.CharField()
    owner_id = serializers.IntegerField(allow_null=True)
    fulfilment_status = serializers.CharField()
    fulfilment_display = serializers.CharField(source="get_fulfilment_status_display")
    checked_at = serializers.DateTimeField(allow_null=True)
    checking_department = serializers.CharField(source="checking_department.name", allow_null=True, default=None)
    check_finding = serializers.CharField()
    violation_record = serializers.IntegerField(source="violation_record_id", allow_null=True)


class FulfilmentCheckOutput(serializers.Serializer):
    id = serializers.IntegerField()
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=FulfilmentCheck.Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    recorded_at = serializers.DateTimeField(allow_null=True)


class PartyCommitmentOutput(serializers.Serializer):
    """What the subject's representative sees of its own commitment: no internal key, no officer."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=CommitmentType.choices)
    type_display = serializers.CharField(source="get_type_display")
    matter_type = serializers.ChoiceField(choices=MATTER_TYPE_CHOICES)
    matter_type_display = serializers.CharField(source="get_matter_type_display")
    matter_reference = serializers.CharField()
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    text_version = serializers.CharField(source="text_version.code")
    text_title = serializers.CharField(source="text_version.title")
    subject = serializers.CharField(source="subject.uscc")
    subject_name = serializers.CharField(source="subject.name")
    signer_name = serializers.CharField()
    signer_capacity = serializers.CharField()
    signed_at = serializers.DateTimeField()
    channel_display = serializers.CharField(source="get_channel_display")
    fulfilment_status = serializers.ChoiceField(choices=Commitment.Fulfilment.choices)
    fulfilment_display = serializers.CharField(source="get_fulfilment_status_display")


class StaffCommitmentOutput(CommitmentOutputSerializer):
    """What staff see: the whole commitment, its matter and receiving department, and its fulfilment checks."""

    subject_name = serializers.CharField(source="subject.name")
    matter_type = serializers.ChoiceField(choices=MATTER_TYPE_CHOICES)
    matter_type_display = serializers.CharField(source="get_matter_type_display")
    matter_reference = serializers.CharField()
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=Commitment.Channel.choices)
    channel_display = serializers.CharField(source="get_channel_display")
    checks = FulfilmentCheckOutput(many=True, source="fulfilment_checks.all")


def _output(request) -> type[serializers.Serializer]:
    return StaffCommitmentOutput if commitment_audience(user=request.user) == "staff" else PartyCommitmentOutput


COMMITMENT_OUTPUT = PolymorphicProxySerializer("Commitment", [StaffCommitmentOutput, PartyCommitmentOutput], None)


class CommitmentListApi(APIView):
    """GET: the commitments the user may see (staff: all, or those made to the officer's department; a
    representative: its own subjects'). POST: an officer records a commitment a subject signed (received by the
    officer's department), or a representative signs one online for a subject it represents."""

    class FilterSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=CommitmentType.choices, required=False)
        fulfilment_status = serializers.ChoiceField(choices=Commitment.Fulfilment.choices, required=False)
        uscc = serializers.CharField(max_length=18, required=False)

    class InputSerializer(serializers.Serializer):
        uscc = serializers.CharField(max_length=18)
        type = serializers.ChoiceField(choices=[(t, t) for t in SIX_TYPES])
        matter_type = serializers.ChoiceField(choices=MATTER_TYPE_CHOICES)
        matter_reference = serializers.CharField(max_length=100)
        signer_name = serializers.CharField(max_length=100)
        signer_capacity = serializers.CharField(max_length=50, required=False, default="法定代表人")
        text_version = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
        signed_on = serializers.DateField(
            required=False, help_text="工作人员录入纸质承诺时的签署日期；在线签署为当前时间"
        )
        department = serializers.SlugRelatedField(
            slug_field="code",
            queryset=Department.objects.filter(is_active=True),
            required=False,
            help_text="在线签署时承诺向其作出的部门（部门代码）",
        )
        accepted = serializers.BooleanField(help_text="已阅读并同意承诺书全文")

        def validate_accepted(self, value: bool) -> bool:
            if not value:
                raise serializers.ValidationError(_("须阅读并同意承诺书全文。"))
            return value

    @extend_schema(
        operation_id="v1_commitments_list",
        parameters=[FilterSerializer],
        responses=paginated("CommitmentPage", StaffCommitmentOutput),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = commitments_visible_to(user=request.user)
        for field in ("type", "fulfilment_status"):
            if value := filters.validated_data.get(field):
                qs = qs.filter(**{field: value})
        if value := filters.validated_data.get("uscc"):
            qs = qs.filter(subject__uscc=value.strip().upper())
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("-signed_at", "-id"), request, view=self)
        return paginator.get_paginated_response(_output(request)(page, many=True).data)

    @extend_schema(
        operation_id="v1_commitments_create",
        request=InputSerializer,
        responses={201: COMMITMENT_OUTPUT, 400: ErrorOutput, 403: ErrorOutput},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("accepted")
        commitment = commitment_record(acting_user=request.user, **values)
        commitment = access_commitment_by_id(user=request.user, commitment_id=commitment.pk)
        return Response(_output(request)(commitment).data, status=201)


class CommitmentDetailApi(APIView):
    @extend_schema(responses=COMMITMENT_OUTPUT)
    def get(self, request, commitment_id: int):
        commitment = access_commitment_by_id(user=request.user, commitment_id=commitment_id)
        return Response(_output(request)(commitment).data)


class DueCheckOutput(FulfilmentCheckOutput):
    commitment = serializers.IntegerField(source="commitment_id")
    type = serializers.CharField(source="commitment.type")
    type_display = serializers.CharField(source="commitment.get_type_display")
    uscc = serializers.CharField(source="commitment.subject.uscc")
    subject_name = serializers.CharField(source="commitment.subject.name")
    matter_type_display = serializers.CharField(source="commitment.get_matter_type_display")
    matter_reference = serializers.CharField(source="commitment.matter_reference")
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    rule_source = serializers.CharField()
    note = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    violation_record = serializers.IntegerField(source="commitment.violation_record_id", allow_null=True)

    def get_overdue(self, check: FulfilmentCheck) -> bool:
        return check.status == FulfilmentCheck.Status.DUE and check.due_date < clock.today()


class FulfilmentCheckListApi(APIView):
    """Staff: the fulfilment checks of my department (global viewers: all); by default those still due."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=FulfilmentCheck.Status.choices, required=False, default="due")

    @extend_schema(
        operation_id="v1_commitment_checks_list",
        parameters=[FilterSerializer],
        responses=paginated("FulfilmentCheckPage", DueCheckOutput),
    )
    def get(self, request):
        if commitment_audience(user=request.user) != "staff":
            raise ApplicationError("forbidden", _("无权查看履约核查。"), status_code=403)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        status = filters.validated_data["status"]
        if status == FulfilmentCheck.Status.DUE:
            qs = fulfilment_checks_due(user=request.user)
        else:
            qs = fulfilment_checks_visible_to(user=request.user).filter(status=status).order_by("-recorded_at", "-id")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DueCheckOutput(page, many=True).data)


class FulfilmentCheckRecordApi(APIView):
    """Record a scheduled check's outcome: kept, or broken (a note required; the commitment becomes a negative
    record of my department). Recording twice is a 409."""

    class InputSerializer(serializers.Serializer):
        fulfilled = serializers.BooleanField()
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses={200: DueCheckOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request, check_id: int):
        check = access_fulfilment_check_by_id(user=request.user, check_id=check_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = fulfilment_check_record(check=check, acting_user=request.user, **data.validated_data)
        check = access_fulfilment_check_by_id(user=request.user, check_id=check.pk)
        return Response(DueCheckOutput(check).data)


class CommitmentCheckApi(APIView):
    """Record whether the commitment was kept. A broken commitment becomes a new negative record of the checking
    department."""

    class InputSerializer(serializers.Serializer):
        fulfilled = serializers.BooleanField()
        finding = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=CommitmentOutputSerializer)
    def post(self, request, commitment_id: int):
        commitment = access_commitment_by_id(user=request.user, commitment_id=commitment_id)
        if not request.user.has_perm("commitments.check_commitment"):
            raise ApplicationError("forbidden", _("无权核查承诺履约情况。"), status_code=403)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment = commitment_check_fulfilment(commitment=commitment, acting_user=request.user, **data.validated_data)
        return Response(CommitmentOutputSerializer(commitment).data)


class CommitmentTextListApi(APIView):
    """The commitment texts in force on a date (default today), e.g. the 信用修复承诺书 an applicant signs."""

    class FilterSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=CommitmentType.choices, required=False)
        on = serializers.DateField(required=False)

    @extend_schema(parameters=[FilterSerializer], responses=TextVersionOutputSerializer(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        on = filters.validated_data.get("on") or clock.today()
        versions = text_versions_in_force(on=on, type=filters.validated_data.get("type"))
        return Response(TextVersionOutputSerializer(versions, many=True).data)


class RegisterEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    subject_name = serializers.CharField()
    uscc = serializers.CharField()
    type = serializers.ChoiceField(choices=CommitmentType.choices)
    type_display = serializers.CharField()
    text_version = serializers.CharField()
    text_title = serializers.CharField()
    signed_on = serializers.DateField()
    fulfilment_status = serializers.CharField()
    fulfilment_display = serializers.CharField()


class CommitmentRegisterApi(APIView):
    """The public register of credit commitments (信用承诺公示): anyone may read it, without signing in."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class FilterSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=[(t, t) for t in REGISTER_TYPES], required=False)
        q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="v1_commitments_register",
        parameters=[FilterSerializer],
        responses=paginated("CommitmentRegisterPage", RegisterEntryOutput),
        auth=[],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = commitments_public_register(type=filters.validated_data.get("type", ""), query=filters.validated_data["q"])
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        rows = [commitment_public_view(c) for c in page]
        return paginator.get_paginated_response(RegisterEntryOutput(rows, many=True).data)
