"""Filing a repair from a request: the one path the API (POST /api/v1/repairs) and the portal form share. It
validates the filing input, resolves the records the user may see, checks the uploads and calls
apps.repairs.services.repair_file, which decides."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.accounts.models import User
from apps.casework.cases import can_file
from apps.casework.models import Channel
from apps.casework.services import upload_check
from apps.commitments.models import CommitmentTextVersion
from apps.core.api import ID_MAX
from apps.core.errors import ApplicationError
from apps.repairs.models import RepairCase, RepairKind
from apps.repairs.services import repair_file
from apps.subjects.selectors import records_visible_to


def request_files(data: Any, name: str) -> list["UploadedFile[bytes]"]:
    """The uploaded files under `name` of a multipart body (a JSON body has none)."""
    if hasattr(data, "getlist"):
        return [f for f in data.getlist(name) if hasattr(f, "read")]
    return []


class RepairFilingInput(serializers.Serializer[Any]):  # input only: no instance
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


def file_repair_from_request(*, user: User, data: Any) -> RepairCase:
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
    uploads: dict[str, Any] = {
        name: [upload_check(f, field=name) for f in request_files(data, name)]
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
