"""What completing each human step of the repair flow means: the input it takes (validated for the task API and
rendered as the workbench form) and the service it calls. Routing flags go on the process."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import User
from apps.casework.registry import register_task_handler
from apps.repairs import services
from apps.repairs.models import RepairCase


class IntakeInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("accept", _("受理")), ("supplement", _("一次性告知补正")), ("refuse", _("不予受理"))],
        label=_("受理审查结果"),
    )
    missing_items = serializers.ListField(
        child=serializers.CharField(max_length=500),
        required=False,
        default=list,
        label=_("需补正的全部事项"),
        help_text=_("一次性告知：每行一项，须列全。"),
    )
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, label=_("不予受理理由")
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("备注"))


class VerifyInput(serializers.Serializer):
    obligations_fulfilled = serializers.BooleanField(label=_("已履行法定义务（罚款缴清、整改完成）"))
    commitment_valid = serializers.BooleanField(label=_("信用修复承诺书有效"))
    training_ok = serializers.BooleanField(
        required=False, allow_null=True, default=None, label=_("培训证明（如本地规则要求）")
    )
    credit_report_ok = serializers.BooleanField(
        required=False, allow_null=True, default=None, label=_("信用报告（如本地规则要求）")
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", label=_("核查意见"))


class ProposeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=RepairCase.Outcome.choices, label=_("拟办意见"))
    reasons = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", label=_("理由"))


class ReviewInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[("approve", _("同意拟办意见")), ("return", _("退回重新拟办"))], label=_("审核意见")
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="", label=_("审核说明"))


class EffectInput(serializers.Serializer):
    confirm = serializers.BooleanField(label=_("确认已完成"))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("说明"))

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("请确认已完成。"))
        return value


def _flag(activation: Any, **flags: Any) -> None:
    for name, value in flags.items():
        setattr(activation.process, name, value)
    activation.process.save()


def handle_intake(*, activation: Any, case: RepairCase, data: dict, acting_user: User) -> None:
    decision = data["decision"]
    if decision == "accept":
        services.repair_intake_accept(case=case, acting_user=acting_user, note=data["note"])
    elif decision == "supplement":
        services.repair_supplement_request(case=case, items=data["missing_items"], acting_user=acting_user)
    else:
        services.repair_intake_refuse(case=case, reasons=data["reasons"], acting_user=acting_user)
    _flag(activation, intake_outcome=decision)


def handle_verify(*, activation: Any, case: RepairCase, data: dict, acting_user: User) -> None:
    services.repair_verify(case=case, acting_user=acting_user, **data)


def handle_propose(*, activation: Any, case: RepairCase, data: dict, acting_user: User) -> None:
    services.repair_propose(case=case, acting_user=acting_user, **data)
    _flag(activation, proposed_outcome=data["outcome"])


def handle_review(*, activation: Any, case: RepairCase, data: dict, acting_user: User) -> None:
    route = services.repair_review(case=case, acting_user=acting_user, **data)
    has_sanctions = route == "approved" and services.case_has_pending_lifts(case)
    _flag(activation, review_outcome=route, has_sanctions=has_sanctions)


def handle_stop_publication(*, activation: Any, case: RepairCase, data: dict, acting_user: User) -> None:
    services.repair_stop_publication(case=case, acting_user=acting_user, note=data["note"])


def handle_stop_sharing(*, activation: Any, case: RepairCase, data: dict, acting_user: User) -> None:
    services.repair_stop_sharing(case=case, acting_user=acting_user, note=data["note"])


def register(flow_class: type) -> None:
    steps = [
        ("intake", IntakeInput, handle_intake, _("受理、一次性告知补正或不予受理。")),
        ("verify", VerifyInput, handle_verify, _("核查法定义务履行、承诺有效性及本地规则要求的材料。")),
        ("propose", ProposeInput, handle_propose, _("提出予以修复或不予修复的拟办意见。")),
        ("review", ReviewInput, handle_review, _("审核拟办意见；拟办人不能审核本人意见。")),
        ("stop_publication", EffectInput, handle_stop_publication, _("确认已在信用网站停止公示。")),
        ("stop_sharing", EffectInput, handle_stop_sharing, _("确认已停止共享。")),
    ]
    for node_name, serializer, handle, help_text in steps:
        register_task_handler(
            flow_class=flow_class, node_name=node_name, input_serializer=serializer, handle=handle, help_text=help_text
        )
