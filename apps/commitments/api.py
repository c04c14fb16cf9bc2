"""Commitments over HTTP: read one, check its fulfilment, list the texts in force, the public register."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.commitments.models import CommitmentType
from apps.commitments.selectors import (
    REGISTER_TYPES,
    access_commitment_by_id,
    commitment_public_view,
    commitments_public_register,
    text_versions_in_force,
)
from apps.commitments.services import commitment_check_fulfilment
from apps.core import clock
from apps.core.api import Pagination
from apps.core.errors import ApplicationError
from apps.core.schema import paginated


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


class CommitmentDetailApi(APIView):
    @extend_schema(responses=CommitmentOutputSerializer)
    def get(self, request, commitment_id: int):
        commitment = access_commitment_by_id(user=request.user, commitment_id=commitment_id)
        return Response(CommitmentOutputSerializer(commitment).data)


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
