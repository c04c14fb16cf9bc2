"""Objections over HTTP: file (online or at the counter), list, read one case, answer a request for material.

Staff work the case through the task API of apps.casework (claim, complete with the node's handler); these views
are what the applicant and anyone following a case use. Every read is built for its audience: a party's Output
serializer has no internal field (apps.core.audience).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.casework.models import Channel
from apps.casework.outputs import DocumentOutput, LetterOutput, StaffDocumentOutput
from apps.casework.services import upload_check
from apps.core.api import ID_MAX, Pagination
from apps.core.audience import CodeNameOutput, OutwardEventOutput, StaffEventOutput, SubjectRefOutput
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
from apps.core.filters import filter_or_400, filter_parameters
from apps.core.idempotency import idempotent_submit
from apps.core.schema import ErrorOutput, paginated
from apps.sla.outputs import ClockOutput, DayReasonOutput, PauseOutput
from apps.subjects.fields import UsccField
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.selectors import access_subject_by_uscc

from .filters import ObjectionFilter
from .models import Ground, ObjectionParty
from .selectors import (
    ANSWER,
    ObjectionView,
    access_record_for_objection,
    objection_list,
    objection_rows_for,
    objection_view_for,
    objection_view_of,
)
from .services import objection_file, objection_material_submit

# -- shapes shared by the reads ------------------------------------------------------------------------------------


class ObjectionUserOutput(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.display_name or user.username


class ObjectionStepOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class


class ObjectionTaskRefOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    step = serializers.CharField(source="flow_task.name")
    title = serializers.SerializerMethodField()
    status = serializers.CharField()
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)
    url = serializers.SerializerMethodField()

    def get_title(self, task) -> str:
        return str(task.flow_task.task_title)

    def get_url(self, task) -> str:
        return f"/api/v1/tasks/{task.pk}"


class ObjectionStaffStepOutput(ObjectionStepOutput):
    task = ObjectionTaskRefOutput(allow_null=True)


class ObjectionRecordRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind_display = serializers.CharField(source="get_kind_display")
    decision_no = serializers.CharField()


class ObjectionRecordOutput(ObjectionRecordRefOutput):
    """The disputed record: published information, the same for every reader."""

    url = serializers.SerializerMethodField()
    kind = serializers.CharField()
    decision_date = serializers.DateField()
    subject = SubjectRefOutput()
    department = CodeNameOutput()
    objection_status = serializers.CharField()
    under_objection = serializers.SerializerMethodField()

    def get_url(self, record) -> str:
        return f"/api/v1/records/{record.pk}"

    def get_under_objection(self, record) -> bool:
        return record.objection_status == NegativeRecord.ObjectionStatus.UNDER_OBJECTION


class ObjectionCommitmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    type_display = serializers.CharField(source="get_type_display")
    text_version = serializers.CharField(source="text_version.code")
    signer_name = serializers.CharField()
    signer_capacity = serializers.CharField()
    signed_at = serializers.DateTimeField()
    fulfilment_status = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, commitment) -> str:
        return f"/api/v1/commitments/{commitment.pk}"


class ObjectionFilingOutput(serializers.Serializer):
    """One party's filing: what it objected, how to reach it, the commitment it signed."""

    subject = SubjectRefOutput()
    role = serializers.ChoiceField(choices=ObjectionParty.Role.choices)
    role_display = serializers.CharField(source="get_role_display")
    channel = serializers.CharField()
    channel_display = serializers.CharField(source="get_channel_display")
    ground = serializers.CharField()
    ground_display = serializers.CharField(source="get_ground_display")
    statement = serializers.CharField()
    claimed = serializers.JSONField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    filed_at = serializers.DateTimeField(source="joined_at")
    commitment = ObjectionCommitmentOutput(allow_null=True)


class ObjectionStaffFilingOutput(ObjectionFilingOutput):
    applicant = ObjectionUserOutput(allow_null=True)
    filed_by = ObjectionUserOutput()


class ObjectionMaterialOutput(serializers.Serializer):
    """The one request for more material, and the reader's own answer (another party's answer is not shown)."""

    request = serializers.CharField()
    requested_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by_me = serializers.BooleanField()
    answer = serializers.CharField()


class ObjectionStaffMaterialOutput(ObjectionMaterialOutput):
    answered_by = SubjectRefOutput(allow_null=True)
    can_request = serializers.BooleanField()


class ObjectionOutcomeOutput(serializers.Serializer):
    """The verified outcome and its reasons (a party reads it once a second person approved it)."""

    code = serializers.CharField(source="outcome")
    display = serializers.CharField(source="get_outcome_display")
    reasons = serializers.CharField()
    corrections = serializers.JSONField()
    finding = serializers.CharField()


class ObjectionStaffOutcomeOutput(ObjectionOutcomeOutput):
    proposed_by = ObjectionUserOutput(allow_null=True)
    proposed_at = serializers.DateTimeField(allow_null=True)
    proposals = serializers.IntegerField()
    reviewed_by = ObjectionUserOutput(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_comment = serializers.CharField()


class ObjectionRowOutput(serializers.Serializer):
    """A case in a list (the API list, the portal's 我的异议): nothing internal for any reader. The subject, ground
    and filing time are the reader's own filing's for a party, the first filer's for staff."""

    id = serializers.IntegerField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    url = serializers.SerializerMethodField()
    portal_url = serializers.SerializerMethodField()
    status = serializers.CharField(source="case.status")
    status_display = serializers.CharField(source="case.get_status_display")
    current_step = ObjectionStepOutput()
    record = ObjectionRecordRefOutput(source="case.record")
    subject = SubjectRefOutput()
    department = CodeNameOutput(source="case.department")
    ground = serializers.CharField()
    ground_display = serializers.CharField()
    filed_at = serializers.DateTimeField()
    due_date = serializers.DateField(source="case.due_date", allow_null=True)
    provisional = serializers.BooleanField(source="case.due_provisional")
    outcome = serializers.SerializerMethodField()
    clock = ClockOutput(allow_null=True)
    pauses = PauseOutput(many=True)
    letters = LetterOutput(many=True)

    def get_url(self, view: ObjectionView) -> str:
        return f"/api/v1/objections/{view.case.pk}"

    def get_portal_url(self, view: ObjectionView) -> str:
        return f"/portal/objections/{view.case.pk}/"

    def get_outcome(self, view: ObjectionView) -> str:
        """The outcome's code once approved (empty before)."""
        return view.case.outcome if view.decided else ""


def objection_output(view: ObjectionView) -> dict:
    """The detail of a case for the reader's audience (the API and the portal page render the same)."""
    output = ObjectionDetailApi.StaffOutput if view.internal else ObjectionDetailApi.PartyOutput
    return output(view).data


class ObjectionDetailApi(APIView):
    """One case, built for the reader: a party (filer, representative, joined party) reads PartyOutput, the
    handling department and the credit office StaffOutput."""

    class PartyOutput(serializers.Serializer):
        id = serializers.IntegerField(source="case.pk")
        reference = serializers.CharField(source="case.reference")
        url = serializers.SerializerMethodField()
        portal_url = serializers.SerializerMethodField()
        status = serializers.CharField(source="case.status")
        status_display = serializers.CharField(source="case.get_status_display")
        current_step = ObjectionStepOutput()
        record = ObjectionRecordOutput(source="case.record")
        subject = SubjectRefOutput(help_text=gettext_lazy("本人提出异议的主体"))
        department = CodeNameOutput(source="case.department")
        ground = serializers.CharField()
        ground_display = serializers.CharField()
        filed_at = serializers.DateTimeField()
        joined = serializers.BooleanField(help_text=gettext_lazy("本人的异议是否合并到已有案件处理"))
        due_date = serializers.DateField(source="case.due_date", allow_null=True)
        provisional = serializers.BooleanField(source="case.due_provisional")
        limit_working_days = serializers.IntegerField(source="case.limit_working_days")
        limit_rule_source = serializers.CharField(source="case.limit_rule_source")
        clock = ClockOutput(allow_null=True)
        pauses = PauseOutput(many=True)
        skipped = DayReasonOutput(many=True)
        makeup_workdays = DayReasonOutput(many=True)
        explanation = serializers.CharField()
        filings = ObjectionFilingOutput(many=True, help_text=gettext_lazy("本人的异议（不含其他当事人的）"))
        material = ObjectionMaterialOutput(allow_null=True)
        outcome = ObjectionOutcomeOutput(allow_null=True)
        closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
        closed_on_time = serializers.BooleanField(source="case.closed_on_time", allow_null=True)
        history = OutwardEventOutput(many=True, source="outward_events")
        documents = DocumentOutput(many=True)
        letters = LetterOutput(many=True)

        def get_url(self, view: ObjectionView) -> str:
            return f"/api/v1/objections/{view.case.pk}"

        def get_portal_url(self, view: ObjectionView) -> str:
            return f"/portal/objections/{view.case.pk}/"

    class StaffOutput(PartyOutput):
        current_step = ObjectionStaffStepOutput(source="staff_step")
        channel = serializers.CharField(source="case.channel")
        channel_display = serializers.CharField(source="case.get_channel_display")
        statement = serializers.CharField(source="case.statement", help_text=gettext_lazy("首个申请人的异议陈述"))
        claimed = serializers.JSONField(source="case.claimed")
        filed_by = ObjectionUserOutput(source="case.filed_by")
        applicant = ObjectionUserOutput(source="case.applicant", allow_null=True)
        filings = ObjectionStaffFilingOutput(many=True, help_text=gettext_lazy("全部当事人的异议"))
        material = ObjectionStaffMaterialOutput(allow_null=True)
        outcome = ObjectionStaffOutcomeOutput(allow_null=True)
        history = StaffEventOutput(many=True)  # type: ignore[assignment]  # staff read the full event list where a party reads the outward one
        documents = StaffDocumentOutput(many=True)

    detail_schema = PolymorphicProxySerializer(
        component_name="ObjectionDetail", serializers=[PartyOutput, StaffOutput], resource_type_field_name=None
    )

    @extend_schema(operation_id="objections_detail", responses=detail_schema)
    def get(self, request, objection_id: int):
        return Response(objection_output(objection_view_for(user=request.user, objection_id=objection_id)))


DETAIL = ObjectionDetailApi.detail_schema


OBJECTION_COLUMNS = [
    Column("reference", gettext_lazy("案件编号")),
    Column("subject.name", gettext_lazy("主体名称")),
    Column("subject.uscc", gettext_lazy("统一社会信用代码")),
    Column("record.kind_display", gettext_lazy("信息类别")),
    Column("record.decision_no", gettext_lazy("决定文书号")),
    Column("department.name", gettext_lazy("承办部门")),
    Column("ground_display", gettext_lazy("异议理由")),
    Column("status_display", gettext_lazy("办理状态")),
    Column("current_step.label", gettext_lazy("当前环节")),
    Column("filed_at", gettext_lazy("提出时间"), "minute"),
    Column("due_date", gettext_lazy("办结期限"), "day"),
    Column("provisional", gettext_lazy("期限是否暂定"), "yes_no"),
]


class ObjectionListApi(ExportableList, APIView):
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

    @extend_schema(
        operation_id="objections_list",
        parameters=[*filter_parameters(ObjectionFilter), FORMAT_PARAMETER],
        responses=export_responses(paginated("ObjectionPage", ObjectionRowOutput)),
    )
    def get(self, request):
        qs = filter_or_400(ObjectionFilter, request=request, queryset=objection_list(user=request.user))
        if fmt := export_format(request):
            rows = (
                row
                for batch in batched(qs)
                for row in ObjectionRowOutput(objection_rows_for(user=request.user, objections=batch), many=True).data
            )
            return export_response(rows=rows, columns=OBJECTION_COLUMNS, filename=_("异议申诉"), fmt=fmt)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        rows = objection_rows_for(user=request.user, objections=page)
        return paginator.get_paginated_response(ObjectionRowOutput(rows, many=True).data)

    @extend_schema(
        operation_id="objections_file",
        request=InputSerializer,
        responses={201: DETAIL, 200: DETAIL, 400: ErrorOutput, 409: ErrorOutput},
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
        try:
            record = access_record_for_objection(user=request.user, record_id=values.pop("record"))
        except NegativeRecord.DoesNotExist:
            raise ApplicationError(
                "invalid", _("record: 未找到该信息。"), fields={"record": [_("未找到该信息。")]}
            ) from None
        try:
            subject = access_subject_by_uscc(user=request.user, uscc=values.pop("subject", None) or record.subject.uscc)
        except Subject.DoesNotExist:
            message = _("未找到该主体，或无权代表该主体提出异议。")
            raise ApplicationError("invalid", f"subject: {message}", fields={"subject": [message]}) from None
        with transaction.atomic():
            filing = objection_file(
                record=record, subject=subject, acting_user=request.user, evidence=evidence, **values
            )
        # The answer is read back for the filer as for any later reader: a joined party sees its own filing only.
        view = objection_view_for(user=request.user, objection_id=filing.objection.pk)
        view.joined = filing.joined
        return (status.HTTP_200_OK if filing.joined else status.HTTP_201_CREATED), objection_output(view)


class ObjectionMaterialApi(APIView):
    """The applicant answers the one request for more material; the case's clock runs again."""

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=5000)
        files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=20)

        class Meta:
            ref_name = "ObjectionMaterialInput"

    @extend_schema(
        request=InputSerializer,
        responses={200: DETAIL, 400: ErrorOutput, 409: ErrorOutput},
        parameters=[OpenApiParameter("objection_id", int, location="path")],
    )
    def post(self, request, objection_id: int):
        view = objection_view_for(user=request.user, objection_id=objection_id, perm=ANSWER)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = [upload_check(f, field="files") for f in data.validated_data["files"]]
        objection = objection_material_submit(
            objection=view.case, answer=data.validated_data["answer"], files=files, acting_user=request.user
        )
        return Response(objection_output(objection_view_of(objection, user=request.user)))
