"""Repair cases over HTTP: file (online or at the counter), read, answer a 补正, confirm a sanction lift, revoke.

Every read of a case is built for its audience: the applicant's Output serializer has no internal field
(apps.core.audience); the case's detail comes from apps.repairs.selectors.repair_view_for.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.casework.outputs import DocumentOutput, LetterOutput, StaffDocumentOutput
from apps.casework.services import upload_check
from apps.core import clock
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
from apps.repairs.eligibility import repair_eligibility
from apps.repairs.filing import RepairFilingInput, file_repair_from_request, request_files
from apps.repairs.filters import RepairFilter, SanctionLiftFilter
from apps.repairs.models import RepairKind
from apps.repairs.selectors import (
    RepairView,
    access_repaircase_by_id,
    access_sanctionlift_by_id,
    case_summary,
    lifts_visible_to,
    repair_list,
    repair_view_for,
    repair_view_of,
)
from apps.repairs.services import (
    repair_revoke,
    repair_supplement_answer,
    sanction_lift_confirm,
)
from apps.subjects.models import NegativeRecord
from apps.subjects.selectors import records_visible_to
from apps.training.api import CertificateEvidenceOutput

# -- reads, one Output per audience ---------------------------------------------------------------------------------


class RepairRowOutput(serializers.Serializer):
    """A case in a list (the API list, the portal's list, task lists): nothing internal for any reader."""

    type = serializers.CharField()
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    reference = serializers.CharField()
    subject = serializers.CharField()
    uscc = serializers.CharField()
    department = serializers.CharField()
    kind = serializers.CharField(help_text=gettext_lazy("修复类型"))
    status = serializers.CharField()
    current_step = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    step_due_date = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField()
    filed_at = serializers.DateTimeField()
    url = serializers.CharField()


class RepairStepOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
    due_date = serializers.DateField(allow_null=True)
    pending_lifts = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("待确认解除惩戒的部门"))


class RepairTaskRefOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    step = serializers.CharField(source="flow_task.name")
    title = serializers.SerializerMethodField()
    status = serializers.CharField()
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)

    def get_title(self, task) -> str:
        return str(task.flow_task.task_title)


class RepairStaffStepOutput(RepairStepOutput):
    tasks = RepairTaskRefOutput(many=True)


class RepairSanctionRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    measure = serializers.CharField()
    status = serializers.CharField()


class RepairSanctionOutput(RepairSanctionRefOutput):
    department = serializers.CharField(source="department.name")


class RepairRecordOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    severity = serializers.CharField()
    decision_no = serializers.CharField()
    decision_date = serializers.DateField()
    department = serializers.CharField(source="department.name")
    repair_earliest = serializers.DateField(allow_null=True)
    publication_status = serializers.CharField()
    sharing_status = serializers.CharField()
    repair_status = serializers.CharField()
    sanctions = RepairSanctionOutput(many=True, source="sanctions.all")


class RepairDeadlineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.CharField()
    purpose_display = serializers.CharField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    working_days = serializers.IntegerField()
    paused_working_days = serializers.IntegerField()
    extended_working_days = serializers.IntegerField()
    due_date = serializers.DateField()
    provisional = serializers.BooleanField()
    closed_on_time = serializers.BooleanField(allow_null=True)


class RepairPauseOutput(serializers.Serializer):
    deadline = serializers.CharField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    working_days = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class RepairSupplementOutput(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField())
    requested_at = serializers.DateTimeField(allow_null=True)
    answer_by = serializers.DateField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(help_text=gettext_lazy("申请人的补正说明"))


class RepairRevokedOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class RepairCommitmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text_version = serializers.CharField(source="text_version.code")
    signer_name = serializers.CharField()
    signer_capacity = serializers.CharField()
    signed_at = serializers.DateTimeField()
    fulfilment_status = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, commitment) -> str:
        return f"/api/v1/commitments/{commitment.pk}"


class RepairLiftOutput(serializers.Serializer):
    id = serializers.IntegerField()
    department = CodeNameOutput()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    due_date = serializers.DateField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    sanctions = RepairSanctionRefOutput(many=True, source="sanctions.all")


class RepairStaffLiftOutput(RepairLiftOutput):
    confirmed_by = serializers.CharField(source="confirmed_by.username", allow_null=True, default=None)


class RepairVerificationOutput(serializers.Serializer):
    obligations_fulfilled = serializers.BooleanField(allow_null=True)
    commitment_valid = serializers.BooleanField(allow_null=True)
    training_ok = serializers.BooleanField(allow_null=True)
    credit_report_ok = serializers.BooleanField(allow_null=True)
    note = serializers.CharField()
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)


class RepairProposalOutput(serializers.Serializer):
    outcome = serializers.CharField()
    reasons = serializers.CharField()
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)


class RepairReviewOutput(serializers.Serializer):
    note = serializers.CharField()
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)


class RepairNoticeOutput(serializers.Serializer):
    kind = serializers.CharField()
    due_date = serializers.DateField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class RepairDetailApi(APIView):
    """One case, built for the reader: the applicant (and the clerk who filed for it) reads PartyOutput, the
    handling department and the credit office StaffOutput."""

    class PartyOutput(serializers.Serializer):
        type = serializers.CharField(source="summary.type")
        id = serializers.IntegerField(source="case.pk")
        label = serializers.CharField(source="summary.label")  # type: ignore[assignment]  # a declared field named like a Serializer attribute; DRF's metaclass takes it out of the class
        reference = serializers.CharField(source="case.reference")
        url = serializers.CharField(source="summary.url")
        status = serializers.CharField(source="case.status")
        status_display = serializers.CharField(source="case.get_status_display")
        current_step = RepairStepOutput()
        kind = serializers.CharField(source="case.kind")
        kind_display = serializers.CharField(source="case.get_kind_display")
        channel = serializers.CharField(source="case.channel")
        channel_display = serializers.CharField(source="case.get_channel_display")
        subject = SubjectRefOutput(source="case.subject")
        uscc = serializers.CharField(source="case.subject.uscc")
        department = CodeNameOutput(source="case.department")
        filed_at = serializers.DateTimeField(source="case.filed_at")
        filing_date = serializers.DateField(source="case.filing_date")
        contact_name = serializers.CharField(source="case.contact_name")
        contact_phone = serializers.CharField(source="case.contact_phone")
        statement = serializers.CharField(source="case.statement")
        due_date = serializers.DateField(source="case.due_date", allow_null=True)
        provisional = serializers.BooleanField(source="case.due_provisional")
        step_due_date = serializers.DateField(source="case.step_due_date", allow_null=True)
        rule_source = serializers.CharField(source="case.rule_source")
        rules = serializers.JSONField(source="case.rules", help_text=gettext_lazy("申请日施行的规则：时限与依据"))
        requires_training = serializers.BooleanField(source="case.requires_training")
        requires_credit_report = serializers.BooleanField(source="case.requires_credit_report")
        records = RepairRecordOutput(many=True)
        deadlines = RepairDeadlineOutput(many=True, source="deadline_rows")
        pauses = RepairPauseOutput(many=True)
        supplement = RepairSupplementOutput()
        outcome = serializers.CharField(source="case.outcome")
        refusal_reasons = serializers.ListField(child=serializers.CharField(), source="case.refusal_reasons")
        decided_at = serializers.DateTimeField(source="case.decided_at", allow_null=True)
        closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
        revoked = RepairRevokedOutput(allow_null=True)
        commitment = RepairCommitmentOutput(source="case.commitment", allow_null=True)
        lifts = RepairLiftOutput(many=True)
        documents = DocumentOutput(many=True)
        training_certificates = CertificateEvidenceOutput(many=True)
        letters = LetterOutput(many=True)
        history = OutwardEventOutput(many=True, source="outward_events")

    class StaffOutput(PartyOutput):
        current_step = RepairStaffStepOutput()
        filed_by = serializers.CharField(source="case.filed_by.username")
        verification = RepairVerificationOutput()
        proposal = RepairProposalOutput()
        review = RepairReviewOutput()
        lifts = RepairStaffLiftOutput(many=True)
        documents = StaffDocumentOutput(many=True)
        notices = RepairNoticeOutput(many=True)
        history = StaffEventOutput(many=True)  # type: ignore[assignment]  # staff read the full event list where a party reads the outward one

    detail_schema = PolymorphicProxySerializer(
        component_name="RepairDetail", serializers=[PartyOutput, StaffOutput], resource_type_field_name=None
    )

    @extend_schema(responses=detail_schema)
    def get(self, request, case_id: int):
        return Response(repair_output(repair_view_for(user=request.user, case_id=case_id)))


DETAIL = RepairDetailApi.detail_schema


def repair_output(view: RepairView) -> dict[str, Any]:
    """The detail of a case for the reader's audience (the API and the portal page render the same)."""
    output = RepairDetailApi.StaffOutput if view.internal else RepairDetailApi.PartyOutput
    return output(view).data


REPAIR_COLUMNS = [
    Column("reference", gettext_lazy("案件编号")),
    Column("subject", gettext_lazy("主体名称")),
    Column("uscc", gettext_lazy("统一社会信用代码")),
    Column("department", gettext_lazy("承办部门")),
    Column("kind", gettext_lazy("修复类型")),
    Column("current_step", gettext_lazy("办理状态")),
    Column("step_due_date", gettext_lazy("当前环节期限"), "day"),
    Column("due_date", gettext_lazy("办结期限"), "day"),
    Column("provisional", gettext_lazy("期限是否暂定"), "yes_no"),
    Column("filed_at", gettext_lazy("申请时间"), "minute"),
]


class RepairListApi(ExportableList, APIView):
    """GET: repair cases the caller may see. POST: file an application (JSON, or multipart with files `evidence`,
    `training_certificate`, `credit_report`). Send an Idempotency-Key header to make retries safe."""

    @extend_schema(
        operation_id="v1_repairs_list",
        parameters=[*filter_parameters(RepairFilter), FORMAT_PARAMETER],
        responses=export_responses(paginated("RepairPage", RepairRowOutput)),
    )
    def get(self, request):
        qs = filter_or_400(RepairFilter, request=request, queryset=repair_list(user=request.user))
        qs = qs.order_by("-filed_at", "-id")
        if fmt := export_format(request):
            rows = (
                row
                for batch in batched(qs)
                for row in RepairRowOutput([case_summary(c) for c in batch], many=True).data
            )
            return export_response(rows=rows, columns=REPAIR_COLUMNS, filename=_("信用修复申请"), fmt=fmt)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RepairRowOutput([case_summary(case) for case in page], many=True).data)

    @extend_schema(
        request=RepairFilingInput, responses={201: DETAIL, 400: ErrorOutput, 409: ErrorOutput, 422: ErrorOutput}
    )
    def post(self, request):
        def submit() -> tuple[int, dict]:
            case = file_repair_from_request(user=request.user, data=request.data)
            return status.HTTP_201_CREATED, _jsonable(repair_output(repair_view_of(case, user=request.user)))

        code, body, replayed = idempotent_submit(
            user=request.user,
            key=request.headers.get("Idempotency-Key"),
            scope="repairs.file",
            data=request.data,
            submit=submit,
        )
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _jsonable(body: dict[str, Any]) -> dict[str, Any]:
    from apps.core.models import normalise_data

    return normalise_data(body)


class RepairEligibilityReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    record = serializers.IntegerField(allow_null=True)
    earliest_filing_date = serializers.DateField(allow_null=True)


class RepairEligibilityApi(APIView):
    """Would a filing today be accepted? The same check as POST /repairs, without creating anything."""

    class FilterSerializer(serializers.Serializer):
        records = serializers.CharField(help_text="comma-separated record ids")
        kind = serializers.ChoiceField(choices=RepairKind.choices, default=RepairKind.END_PUBLICATION)

    class OutputSerializer(serializers.Serializer):
        eligible = serializers.BooleanField()
        on = serializers.DateField()
        rule_source = serializers.CharField()
        rules = serializers.JSONField()
        error = serializers.CharField(required=False, help_text=gettext_lazy("不符合时：原因代码"))
        detail = serializers.CharField(required=False, help_text=gettext_lazy("不符合时：原因"))
        earliest_filing_date = serializers.DateField(required=False, allow_null=True)
        reasons = RepairEligibilityReasonOutput(many=True, required=False, help_text=gettext_lazy("不符合时：每条原因"))

        def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
            # The refusal keys are there only when the filing would be refused.
            data = super().to_representation(instance)
            return {key: value for key, value in data.items() if key in instance}

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer)
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        try:
            ids = [int(x) for x in filters.validated_data["records"].split(",") if x.strip()]
            if not all(1 <= n <= ID_MAX for n in ids):
                raise ValueError("out of range")
        except ValueError as exc:
            raise ApplicationError(
                "invalid", _("records 应为逗号分隔的编号。"), fields={"records": [_("格式错误。")]}
            ) from exc
        records = list(records_visible_to(user=request.user).filter(pk__in=ids).select_related("department", "subject"))
        if not records or len(records) != len(set(ids)):
            raise NegativeRecord.DoesNotExist
        on = clock.today()
        result = repair_eligibility(
            subject=records[0].subject, records=records, kind=filters.validated_data["kind"], on=on
        )
        body = {"eligible": result.ok, "on": on, "rule_source": result.rule_source, "rules": result.rules}
        if not result.ok:
            error = result.error()
            body.update({"error": error.code, "detail": error.detail, **error.extra})
        return Response(self.OutputSerializer(body).data)


class RepairSupplementApi(APIView):
    """The applicant's answer to the 补正 (multipart: files `files`, text `note`)."""

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer, responses={200: DETAIL, 400: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput}
    )
    def post(self, request, case_id: int):
        case = access_repaircase_by_id(user=request.user, case_id=case_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        uploads = [upload_check(f, field="files") for f in request_files(request.data, "files")]
        case = repair_supplement_answer(
            case=case, uploads=uploads, note=data.validated_data["note"], acting_user=request.user
        )
        return Response(repair_output(repair_view_of(case, user=request.user)))


class RepairRevokeApi(APIView):
    """A reviewer of the case's department revokes a repair obtained with a false commitment."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=5000)

    @extend_schema(
        request=InputSerializer, responses={200: DETAIL, 400: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput}
    )
    def post(self, request, case_id: int):
        case = access_repaircase_by_id(user=request.user, case_id=case_id, perm="repairs.work_repaircase")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = repair_revoke(case=case, reason=data.validated_data["reason"], acting_user=request.user)
        return Response(repair_output(repair_view_of(case, user=request.user)))


class LiftOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    reference = serializers.CharField(source="case.reference")
    subject = serializers.CharField(source="case.subject.name")
    department = serializers.CharField(source="department.name")
    status = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    sanctions = serializers.SerializerMethodField()

    def get_sanctions(self, obj) -> list[dict]:
        return [{"id": s.pk, "measure": s.measure, "status": s.status} for s in obj.sanctions.all()]


class SanctionLiftListApi(APIView):
    """Sanction lifts my department must confirm (monitors: all)."""

    @extend_schema(
        operation_id="v1_repairs_lifts_list",
        parameters=filter_parameters(SanctionLiftFilter),
        responses=paginated("SanctionLiftPage", LiftOutputSerializer),
    )
    def get(self, request):
        qs = filter_or_400(SanctionLiftFilter, request=request, queryset=lifts_visible_to(user=request.user))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("due_date", "id"), request, view=self)
        return paginator.get_paginated_response(LiftOutputSerializer(page, many=True).data)


class SanctionLiftConfirmApi(APIView):
    """My department confirms it lifted its sanctions; the last confirmation lets the case close."""

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=LiftOutputSerializer)
    def post(self, request, lift_id: int):
        lift = access_sanctionlift_by_id(user=request.user, lift_id=lift_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lift = sanction_lift_confirm(lift=lift, acting_user=request.user, note=data.validated_data["note"])
        lift.refresh_from_db()
        return Response(LiftOutputSerializer(lift).data)
