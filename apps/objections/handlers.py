"""What completing each human step of ObjectionFlow means: the payload it takes and the service it calls.

Registered with apps.casework in ObjectionsConfig.ready(); POST /api/v1/tasks/{id}/complete and the workbench form
both use them.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Outcome
from .services import objection_material_request, objection_propose, objection_review


class VerifyInput(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[("propose", _("提出核查结果")), ("request_material", _("要求补充材料（仅一次，计时暂停）"))],
        default="propose",
        label=_("办理方式"),
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, label=_("核查结果"), help_text=_("更正、删除、维持、无法确认")
    )
    reasons = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("理由"))
    corrections = serializers.DictField(
        required=False,
        default=dict,
        label=_("更正内容"),
        help_text=_('更正时：字段名 → 更正后的内容，如 {"fine_amount": "5000.00"}'),
    )
    finding = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        label=_("核查情况"),
        help_text=_("无法确认时：核查情况"),
    )
    request = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        label=_("要求补充的材料"),
        help_text=_("要求补充材料时：一次性列明全部材料"),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["action"] == "propose":
            if not attrs.get("outcome"):
                raise serializers.ValidationError({"outcome": [_("请选择核查结果。")]})
            if not attrs["reasons"].strip():
                raise serializers.ValidationError({"reasons": [_("请写明理由。")]})
        elif not attrs["request"].strip():
            raise serializers.ValidationError({"request": [_("请写明需要补充的材料。")]})
        return attrs


def _flag(activation: Any, **flags: Any) -> None:
    """Set the routing flags the flow's gateways read (the process's, never the case's status)."""
    for name, value in flags.items():
        setattr(activation.process, name, value)
    activation.process.save()


def verify_handle(*, activation, case, data: dict[str, Any], acting_user) -> None:
    if data["action"] == "request_material":
        objection_material_request(objection=case, request=data["request"], acting_user=acting_user)
    else:
        objection_propose(
            objection=case,
            outcome=data["outcome"],
            reasons=data["reasons"],
            corrections=data["corrections"] or None,
            finding=data["finding"],
            acting_user=acting_user,
        )
    _flag(activation, verify_action=data["action"])


class ReviewInput(serializers.Serializer):
    approve = serializers.BooleanField(label=_("审核通过"), help_text=_("勾选为通过；不勾选为退回重新核查"))
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", label=_("审核意见"))


def review_handle(*, activation, case, data: dict[str, Any], acting_user) -> None:
    objection_review(objection=case, approve=data["approve"], comment=data["comment"], acting_user=acting_user)
    _flag(activation, review_approved=data["approve"])
