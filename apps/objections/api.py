"""Objections over HTTP: file (online or at the counter), list, read one case, answer a request for material.

Staff work the case through the task API of apps.casework (claim, complete with the node's handler); these views
are what the applicant and anyone following a case use.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import Pagination
from apps.core.errors import ApplicationError
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.uscc import validate_uscc

from .models import Channel, Ground, Objection
from .selectors import ANSWER, access_objection_by_id, objection_detail, objection_list, objection_summary
from .services import objection_file, objection_material_submit


class UsccField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        result = validate_uscc(value)
        if not result.valid:
            raise serializers.ValidationError([e.message for e in result.errors])
        return result.code


class ObjectionListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=[("open", _("处理中")), *Objection.Status.choices], required=False, default=""
        )
        record = serializers.IntegerField(required=False, min_value=1, default=None)

    class InputSerializer(serializers.Serializer):
        record = serializers.IntegerField(min_value=1)
        subject = UsccField(required=False, help_text=_("提出异议的主体；默认为该信息的主体"))
        ground = serializers.ChoiceField(choices=Ground.choices)
        statement = serializers.CharField(max_length=5000)
        claimed = serializers.DictField(required=False, default=dict, help_text=_("申请人主张的正确内容"))
        channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
        contact_name = serializers.CharField(max_length=100, required=False, default="")
        contact_phone = serializers.RegexField(r"^[0-9+\- ]{5,20}$", required=False, default="")

    @extend_schema(parameters=[FilterSerializer], responses=dict)
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = objection_list(
            user=request.user, status=filters.validated_data["status"], record_id=filters.validated_data["record"]
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([objection_summary(o) for o in page])

    @extend_schema(request=InputSerializer, responses={201: dict, 200: dict, 409: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        record = NegativeRecord.objects.select_related("subject").filter(pk=values.pop("record")).first()
        if record is None:
            raise ApplicationError("invalid", _("record: 未找到该信息。"), fields={"record": [_("未找到该信息。")]})
        uscc = values.pop("subject", None) or record.subject.uscc
        subject = Subject.objects.filter(uscc=uscc).first()
        if subject is None:
            message = _("未找到该主体，或无权代表该主体提出异议。")
            raise ApplicationError("invalid", f"subject: {message}", fields={"subject": [message]})
        with transaction.atomic():
            filing = objection_file(record=record, subject=subject, acting_user=request.user, **values)
        body = objection_detail(filing.objection, user=request.user)
        body["joined"] = filing.joined
        return Response(body, status=status.HTTP_200_OK if filing.joined else status.HTTP_201_CREATED)


class ObjectionDetailApi(APIView):
    @extend_schema(responses=dict)
    def get(self, request, objection_id: int):
        objection = access_objection_by_id(user=request.user, objection_id=objection_id)
        return Response(objection_detail(objection, user=request.user))


class ObjectionMaterialApi(APIView):
    """The applicant answers the one request for more material; the case's clock runs again."""

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=5000)

    @extend_schema(
        request=InputSerializer, responses=dict, parameters=[OpenApiParameter("objection_id", int, location="path")]
    )
    def post(self, request, objection_id: int):
        objection = access_objection_by_id(user=request.user, objection_id=objection_id, perm=ANSWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = objection_material_submit(objection=objection, acting_user=request.user, **data.validated_data)
        return Response(objection_detail(objection, user=request.user))
