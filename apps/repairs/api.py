"""Repair cases over HTTP: file (online or at the counter), read, answer a 补正, confirm a sanction lift, revoke."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.casework.selectors import case_documents, case_notices
from apps.casework.services import idempotent_submit, upload_check
from apps.commitments.models import CommitmentTextVersion
from apps.core.api import ID_MAX, Pagination
from apps.core.errors import ApplicationError
from apps.repairs.eligibility import repair_eligibility
from apps.repairs.models import Channel, RepairCase, RepairKind, SanctionLift
from apps.repairs.selectors import (
    access_repaircase_by_id,
    access_sanctionlift_by_id,
    case_current_tasks,
    case_deadlines,
    case_history,
    case_letters,
    case_lifts,
    case_records,
    case_summary,
    lifts_visible_to,
    repairs_visible_to,
)
from apps.repairs.services import (
    can_file,
    repair_file,
    repair_revoke,
    repair_supplement_answer,
    sanction_lift_confirm,
)
from apps.sla.workdays import business_date
from apps.subjects.models import NegativeRecord
from apps.subjects.selectors import records_visible_to


def _files(data: Any, name: str) -> list:
    if hasattr(data, "getlist"):
        return [f for f in data.getlist(name) if hasattr(f, "read")]
    return []


EVENT_LABELS = {
    "repair_filed": gettext_lazy("提交申请"),
    "commitment_signed": gettext_lazy("签署信用修复承诺书"),
    "document_attached": gettext_lazy("上传材料"),
    "deadline_opened": gettext_lazy("开始计时"),
    "deadline_paused": gettext_lazy("暂停计时"),
    "deadline_resumed": gettext_lazy("恢复计时"),
    "deadline_extended": gettext_lazy("延长时限"),
    "deadline_closed": gettext_lazy("结束计时"),
    "task_claimed": gettext_lazy("领取任务"),
    "task_released": gettext_lazy("退回任务"),
    "task_completed": gettext_lazy("办理完成"),
    "repair_accepted": gettext_lazy("受理"),
    "repair_supplement_requested": gettext_lazy("一次性告知补正"),
    "repair_supplement_answered": gettext_lazy("提交补正材料"),
    "repair_withdrawn": gettext_lazy("视为撤回"),
    "repair_refused": gettext_lazy("不予修复"),
    "repair_verified": gettext_lazy("核查"),
    "repair_proposed": gettext_lazy("拟办意见"),
    "repair_review_returned": gettext_lazy("审核退回"),
    "repair_review_approved": gettext_lazy("审核同意"),
    "repair_decided": gettext_lazy("作出修复决定"),
    "sanction_lift_requested": gettext_lazy("通知解除惩戒"),
    "sanction_lift_confirmed": gettext_lazy("确认解除惩戒"),
    "repair_publication_stopped": gettext_lazy("停止公示"),
    "repair_sharing_stopped": gettext_lazy("停止共享"),
    "repair_closed": gettext_lazy("办结：修复完成"),
    "repair_revoked": gettext_lazy("撤销修复"),
    "commitment_checked": gettext_lazy("核查承诺履约"),
    "sla_due_soon": gettext_lazy("临期提醒"),
    "sla_breach": gettext_lazy("超期督办"),
}


def repair_detail(case: RepairCase, *, user: Any) -> dict[str, Any]:
    """Status, current step, due dates (provisional?), pauses, history, documents and letters of a case."""
    deadlines = list(case_deadlines(case=case))
    tasks = case_current_tasks(case=case)
    purposes = {
        "answer": _("办结（答复申请人）"),
        "intake": _("受理审查"),
        "supplement": _("申请人补正"),
        "decision": _("认定部门作出决定"),
        "execution": _("执行修复"),
    }
    commitment = case.commitment
    lifts = list(case_lifts(case=case))
    return {
        **case_summary(case),
        "status_display": case.get_status_display(),
        "current_step": {
            "code": case.status,
            "label": case.get_status_display(),
            "due_date": case.step_due_date,
            "tasks": [
                {
                    "id": task.pk,
                    "step": task.flow_task.name,
                    "title": str(task.flow_task.task_title),
                    "status": task.status,
                    "owner": task.owner.get_username() if task.owner_id else None,
                }
                for task in tasks
            ],
            "pending_lifts": [lift.department.name for lift in lifts if lift.status == SanctionLift.Status.PENDING],
        },
        "kind": case.kind,
        "kind_display": case.get_kind_display(),
        "channel": case.channel,
        "channel_display": case.get_channel_display(),
        "subject": {"uscc": case.subject.uscc, "name": case.subject.name},
        "department": {"code": case.department.code, "name": case.department.name},
        "filed_by": case.filed_by.get_username(),
        "filed_at": case.filed_at,
        "filing_date": case.filing_date,
        "contact_name": case.contact_name,
        "contact_phone": case.contact_phone,
        "statement": case.statement,
        "due_date": case.due_date,
        "provisional": case.due_provisional,
        "step_due_date": case.step_due_date,
        "rule_source": case.rule_source,
        "rules": case.rules,
        "requires_training": case.requires_training,
        "requires_credit_report": case.requires_credit_report,
        "records": [
            {
                "id": record.pk,
                "kind": record.kind,
                "kind_display": record.get_kind_display(),
                "severity": record.severity,
                "decision_no": record.decision_no,
                "decision_date": record.decision_date,
                "department": record.department.name,
                "repair_earliest": record.repair_earliest,
                "publication_status": record.publication_status,
                "sharing_status": record.sharing_status,
                "repair_status": record.repair_status,
                "sanctions": [
                    {"id": s.pk, "department": s.department.name, "measure": s.measure, "status": s.status}
                    for s in record.sanctions.all()
                ],
            }
            for record in case_records(case=case)
        ],
        "deadlines": [
            {
                "id": d.pk,
                "purpose": d.purpose,
                "purpose_display": purposes.get(d.purpose, d.purpose),
                "status": d.status,
                "started_at": d.started_at,
                "working_days": d.working_days,
                "paused_working_days": d.paused_working_days,
                "extended_working_days": d.extended_working_days,
                "due_date": d.due_date,
                "provisional": d.provisional,
                "closed_on_time": d.closed_on_time,
            }
            for d in deadlines
        ],
        "pauses": [
            {
                "deadline": d.purpose,
                "started_at": p.started_at,
                "ended_at": p.ended_at,
                "working_days": p.working_days,
                "reason": p.reason,
            }
            for d in deadlines
            if d.purpose == "answer"
            for p in d.pauses.all()
        ],
        "supplement": {
            "items": case.supplement_items,
            "requested_at": case.supplement_requested_at,
            "answer_by": case.supplement_answer_by,
            "answered_at": case.supplement_answered_at,
            "note": case.supplement_note,
        },
        "verification": {
            "obligations_fulfilled": case.obligations_fulfilled,
            "commitment_valid": case.commitment_valid,
            "training_ok": case.training_ok,
            "credit_report_ok": case.credit_report_ok,
            "note": case.verification_note,
            "by": case.verified_by.get_username() if case.verified_by_id else None,
            "at": case.verified_at,
        },
        "proposal": {
            "outcome": case.proposed_outcome,
            "reasons": case.proposal_reasons,
            "by": case.proposed_by.get_username() if case.proposed_by_id else None,
            "at": case.proposed_at,
        },
        "review": {
            "note": case.review_note,
            "by": case.reviewed_by.get_username() if case.reviewed_by_id else None,
            "at": case.reviewed_at,
        },
        "outcome": case.outcome,
        "refusal_reasons": case.refusal_reasons,
        "decided_at": case.decided_at,
        "closed_at": case.closed_at,
        "revoked": {"at": case.revoked_at, "reason": case.revocation_reason} if case.revoked_at else None,
        "commitment": {
            "id": commitment.pk,
            "text_version": commitment.text_version.code,
            "signer_name": commitment.signer_name,
            "signer_capacity": commitment.signer_capacity,
            "signed_at": commitment.signed_at,
            "fulfilment_status": commitment.fulfilment_status,
            "url": f"/api/v1/commitments/{commitment.pk}",
        }
        if commitment
        else None,
        "lifts": [
            {
                "id": lift.pk,
                "department": {"code": lift.department.code, "name": lift.department.name},
                "status": lift.status,
                "status_display": lift.get_status_display(),
                "due_date": lift.due_date,
                "confirmed_at": lift.confirmed_at,
                "confirmed_by": lift.confirmed_by.get_username() if lift.confirmed_by_id else None,
                "sanctions": [{"id": s.pk, "measure": s.measure, "status": s.status} for s in lift.sanctions.all()],
            }
            for lift in lifts
        ],
        "documents": [
            {
                "id": doc.pk,
                "purpose": doc.purpose,
                "title": doc.title,
                "name": doc.original_name,
                "content_type": doc.content_type,
                "size": doc.size,
                "sha256": doc.sha256,
                "uploaded_at": doc.uploaded_at,
                "uploaded_by": doc.uploaded_by.get_username() if doc.uploaded_by_id else None,
                "url": f"/api/v1/documents/{doc.pk}",
            }
            for doc in case_documents(case=case)
        ],
        "letters": [
            {
                "id": letter.pk,
                "code": letter.code,
                "title": letter.title,
                "status": letter.status,
                "verification_code": letter.verification_code,
                "created_at": letter.created_at,
                "url": f"/api/v1/letters/{letter.pk}.pdf",
            }
            for letter in case_letters(case=case)
        ],
        "notices": [
            {"kind": n.kind, "due_date": n.due_date, "message": n.message, "created_at": n.created_at}
            for n in case_notices(case=case)
        ],
        "history": [
            {
                "seq": e.seq,
                "at": e.at,
                "kind": e.kind,
                "label": str(EVENT_LABELS.get(e.kind, e.kind)),
                "actor": e.actor_label,
                "data": e.data,
            }
            for e in case_history(case=case)
        ],
    }


class RepairFilingInput(serializers.Serializer):
    records = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), min_length=1, max_length=20
    )
    kind = serializers.ChoiceField(choices=RepairKind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    commitment_text = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    commitment_signer_name = serializers.CharField(max_length=100)
    commitment_signer_capacity = serializers.CharField(max_length=50, required=False, default="法定代表人")
    commitment_accepted = serializers.BooleanField()

    def validate_commitment_accepted(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("须签署信用修复承诺书。"))
        return value


def file_repair_from_request(*, user: Any, data: Any) -> RepairCase:
    """Shared by the API and the portal form: resolve what the user may see, check the files, call the service."""
    form = RepairFilingInput(data=data)
    form.is_valid(raise_exception=True)
    values = form.validated_data
    visible = {
        r.pk: r for r in records_visible_to(user=user).filter(pk__in=values["records"]).select_related("subject")
    }
    missing = [pk for pk in values["records"] if pk not in visible]
    if missing:
        raise ApplicationError(
            "invalid", _("失信信息不存在或无权访问：%(ids)s。") % {"ids": missing}, fields={"records": [_("不存在。")]}
        )
    records = [visible[pk] for pk in dict.fromkeys(values["records"])]
    subjects = {record.subject_id for record in records}
    if len(subjects) != 1:
        raise ApplicationError(
            "invalid", _("一份申请只能针对同一主体的信息。"), fields={"records": [_("主体不一致。")]}
        )
    subject = records[0].subject
    channel = values.get("channel") or (
        Channel.ONLINE if user.has_perm("subjects.act_for_subject", subject) else Channel.COUNTER
    )
    if not can_file(user=user, subject=subject, channel=channel):
        raise ApplicationError("forbidden", _("您不能代表该主体提交信用修复申请。"), status_code=403)
    text = None
    if values["commitment_text"]:
        text = CommitmentTextVersion.objects.filter(code=values["commitment_text"]).first()
        if text is None:
            raise ApplicationError("invalid", _("未知的承诺书文本。"), fields={"commitment_text": [_("不存在。")]})
    uploads = {
        name: [upload_check(f, field=name) for f in _files(data, name)]
        for name in ("evidence", "training_certificate", "credit_report")
    }
    return repair_file(
        subject=subject,
        records=records,
        kind=values["kind"],
        channel=channel,
        acting_user=user,
        statement=values["statement"],
        contact_name=values["contact_name"],
        contact_phone=values["contact_phone"],
        commitment_text=text,
        signer_name=values["commitment_signer_name"],
        signer_capacity=values["commitment_signer_capacity"],
        **uploads,
    )


class RepairListApi(APIView):
    """GET: repair cases the caller may see. POST: file an application (JSON, or multipart with files `evidence`,
    `training_certificate`, `credit_report`). Send an Idempotency-Key header to make retries safe."""

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=RepairCase.Status.choices, required=False)
        uscc = serializers.CharField(max_length=18, required=False)

    @extend_schema(operation_id="v1_repairs_list", parameters=[FilterSerializer], responses=dict)
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = repairs_visible_to(user=request.user)
        if value := filters.validated_data.get("status"):
            qs = qs.filter(status=value)
        if value := filters.validated_data.get("uscc"):
            qs = qs.filter(subject__uscc=value.upper())
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("-filed_at", "-id"), request, view=self)
        return paginator.get_paginated_response([case_summary(case) for case in page])

    @extend_schema(request=RepairFilingInput, responses={201: dict, 400: dict, 409: dict, 422: dict})
    def post(self, request):
        def submit() -> tuple[int, dict]:
            case = file_repair_from_request(user=request.user, data=request.data)
            return status.HTTP_201_CREATED, _jsonable(repair_detail(case, user=request.user))

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


class RepairEligibilityApi(APIView):
    """Would a filing today be accepted? The same check as POST /repairs, without creating anything."""

    class FilterSerializer(serializers.Serializer):
        records = serializers.CharField(help_text="comma-separated record ids")
        kind = serializers.ChoiceField(choices=RepairKind.choices, default=RepairKind.END_PUBLICATION)

    @extend_schema(parameters=[FilterSerializer], responses=dict)
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
        on = business_date(timezone.now())
        result = repair_eligibility(
            subject=records[0].subject, records=records, kind=filters.validated_data["kind"], on=on
        )
        body = {"eligible": result.ok, "on": on, "rule_source": result.rule_source, "rules": result.rules}
        if not result.ok:
            error = result.error()
            body.update({"error": error.code, "detail": error.detail, **error.extra})
        return Response(body)


class RepairDetailApi(APIView):
    @extend_schema(responses=dict)
    def get(self, request, case_id: int):
        case = access_repaircase_by_id(user=request.user, case_id=case_id)
        return Response(repair_detail(case, user=request.user))


class RepairSupplementApi(APIView):
    """The applicant's answer to the 补正 (multipart: files `files`, text `note`)."""

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=dict)
    def post(self, request, case_id: int):
        case = access_repaircase_by_id(user=request.user, case_id=case_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        uploads = [upload_check(f, field="files") for f in _files(request.data, "files")]
        case = repair_supplement_answer(
            case=case, uploads=uploads, note=data.validated_data["note"], acting_user=request.user
        )
        return Response(repair_detail(case, user=request.user))


class RepairRevokeApi(APIView):
    """A reviewer of the case's department revokes a repair obtained with a false commitment."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=5000)

    @extend_schema(request=InputSerializer, responses=dict)
    def post(self, request, case_id: int):
        case = access_repaircase_by_id(user=request.user, case_id=case_id, perm="repairs.work_repaircase")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = repair_revoke(case=case, reason=data.validated_data["reason"], acting_user=request.user)
        return Response(repair_detail(case, user=request.user))


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

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=SanctionLift.Status.choices, required=False)

    @extend_schema(parameters=[FilterSerializer], responses=LiftOutputSerializer(many=True))
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = lifts_visible_to(user=request.user)
        if value := filters.validated_data.get("status"):
            qs = qs.filter(status=value)
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
