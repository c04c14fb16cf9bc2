"""Objections over HTTP: file (online or at the counter), list, read one case, answer a request for material.

Staff work the case through the task API of apps.casework (claim, complete with the node's handler); these views
are what the applicant and anyone following a case use.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.casework.services import idempotent_submit, upload_check
from apps.core.api import ID_MAX, Pagination
from apps.core.errors import ApplicationError
from apps.subjects.fields import UsccField
from apps.subjects.models import NegativeRecord, Subject

from .models import Channel, Ground, Objection
from .selectors import ANSWER, access_objection_by_id, objection_detail, objection_list, objection_summary
from .services import objection_file, objection_material_submit


class ObjectionListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ObjectionListFilter"

        status = serializers.ChoiceField(
            choices=[("open", gettext_lazy("处理中")), *Objection.Status.choices], required=False, default=""
        )
        record = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX, default=None)

    class InputSerializer(serializers.Serializer):
        record = serializers.IntegerField(min_value=1, max_value=ID_MAX)
        subject = UsccField(required=False, help_text=gettext_lazy("提出异议的主体；默认为该信息的主体"))
        ground = serializers.ChoiceField(choices=Ground.choices)
        statement = serializers.CharField(max_length=5000)
        claimed = serializers.JSONField(
            required=False,
            default=dict,
            binary=True,
            help_text=gettext_lazy("申请人主张的正确内容：字段名 → 内容（JSON 对象）"),
        )
        channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
        contact_name = serializers.CharField(max_length=100, required=False, default="")
        contact_phone = serializers.RegexField(r"^[0-9+\- ]{5,20}$", required=False, default="")
        files = serializers.ListField(
            child=serializers.FileField(),
            required=False,
            default=list,
            max_length=20,
            help_text=gettext_lazy("证明材料（PDF/JPEG/PNG）"),
        )
        commitment_accepted = serializers.BooleanField(help_text=gettext_lazy("已阅读并签署异议申诉信用承诺书"))
        commitment_signer_name = serializers.CharField(max_length=100, help_text=gettext_lazy("承诺书签署人"))
        commitment_signer_capacity = serializers.CharField(max_length=50, required=False, default="法定代表人")

        class Meta:
            ref_name = "ObjectionFileInput"

        def validate_commitment_accepted(self, value):
            if value is not True:
                raise serializers.ValidationError(_("须签署异议申诉信用承诺书。"))
            return value

        def validate_claimed(self, value):
            if not isinstance(value, dict):
                raise serializers.ValidationError(_("应为 JSON 对象（字段名 → 内容）。"))
            return value

    @extend_schema(operation_id="objections_list", parameters=[FilterSerializer], responses=dict)
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = objection_list(
            user=request.user, status=filters.validated_data["status"], record_id=filters.validated_data["record"]
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([objection_summary(o) for o in page])

    @extend_schema(
        operation_id="objections_file",
        request=InputSerializer,
        responses={201: dict, 200: dict, 409: dict},
        parameters=[OpenApiParameter("Idempotency-Key", str, location="header", required=False)],
    )
    def post(self, request):
        """File an objection. 201: a new case; 200 with "joined": true: joined to the record's open case as a party;
        409: this subject already has an open objection on the record (body names it). A retry with the same
        Idempotency-Key returns the first answer."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = [upload_check(f, field="files") for f in data.validated_data["files"]]

        def submit() -> tuple[int, dict]:
            return self._file(request, data.validated_data, evidence)

        code, body, _replayed = idempotent_submit(
            user=request.user,
            key=request.headers.get("Idempotency-Key"),
            scope="objections.file",
            data=request.data,
            submit=submit,
        )
        return Response(body, status=code)

    def _file(self, request, validated, evidence) -> tuple[int, dict]:
        values = dict(validated)
        values.pop("files")
        values.pop("commitment_accepted")
        record = NegativeRecord.objects.select_related("subject").filter(pk=values.pop("record")).first()
        if record is None:
            raise ApplicationError("invalid", _("record: 未找到该信息。"), fields={"record": [_("未找到该信息。")]})
        uscc = values.pop("subject", None) or record.subject.uscc
        subject = Subject.objects.filter(uscc=uscc).first()
        if subject is None:
            message = _("未找到该主体，或无权代表该主体提出异议。")
            raise ApplicationError("invalid", f"subject: {message}", fields={"subject": [message]})
        with transaction.atomic():
            filing = objection_file(
                record=record, subject=subject, acting_user=request.user, evidence=evidence, **values
            )
        body = objection_detail(filing.objection, user=request.user)
        body["joined"] = filing.joined
        return (status.HTTP_200_OK if filing.joined else status.HTTP_201_CREATED), body


class ObjectionDetailApi(APIView):
    @extend_schema(operation_id="objections_detail", responses=dict)
    def get(self, request, objection_id: int):
        objection = access_objection_by_id(user=request.user, objection_id=objection_id)
        return Response(objection_detail(objection, user=request.user))


class ObjectionMaterialApi(APIView):
    """The applicant answers the one request for more material; the case's clock runs again."""

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=5000)
        files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=20)

        class Meta:
            ref_name = "ObjectionMaterialInput"

    @extend_schema(
        request=InputSerializer, responses=dict, parameters=[OpenApiParameter("objection_id", int, location="path")]
    )
    def post(self, request, objection_id: int):
        objection = access_objection_by_id(user=request.user, objection_id=objection_id, perm=ANSWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = [upload_check(f, field="files") for f in data.validated_data["files"]]
        objection = objection_material_submit(
            objection=objection, answer=data.validated_data["answer"], files=files, acting_user=request.user
        )
        return Response(objection_detail(objection, user=request.user))
