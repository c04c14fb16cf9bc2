"""Writes of the commitments app: signing a commitment and checking whether it was kept."""

import hashlib
from datetime import date, datetime, timedelta

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.commitments.models import Commitment, CommitmentTextVersion
from apps.core.errors import ApplicationError, ConflictError
from apps.core.i18n import office_language
from apps.core.services import case_event_record, case_label
from apps.sla.workdays import business_date
from apps.subjects.models import RecordKind, Subject
from apps.subjects.services import record_create

TEXT_NOT_IN_FORCE = "commitment_text_not_in_force"
ALREADY_CHECKED = "commitment_already_checked"


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", message, fields={field: [message]})


def text_version_in_force(*, type: str, on: date) -> CommitmentTextVersion:
    """The newest text of a commitment type in force on a date."""
    version = (
        CommitmentTextVersion.objects.filter(type=type, effective_from__lte=on)
        .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on))
        .order_by("-effective_from", "-id")
        .first()
    )
    if version is None:
        raise ApplicationError(
            TEXT_NOT_IN_FORCE,
            _("%(date)s 没有生效的承诺书文本（%(type)s），请管理员补充。") % {"date": on.isoformat(), "type": type},
            status_code=422,
        )
    return version


def text_sha256(version: CommitmentTextVersion) -> str:
    return hashlib.sha256(f"{version.code}\n{version.title}\n{version.body}".encode()).hexdigest()


@transaction.atomic
def commitment_sign(
    *,
    subject: Subject,
    text_version: CommitmentTextVersion,
    signer_name: str,
    signed_at: datetime,
    acting_user: User,
    signer_user: User | None = None,
    signer_capacity: str = "法定代表人",
    owner: models.Model | None = None,
) -> Commitment:
    """Record a signed commitment on the text version in force on the signing date, optionally for a case."""
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise _invalid("signer_name", _("请填写承诺书签署人。"))
    if signed_at.tzinfo is None:
        raise _invalid("signed_at", _("签署时间须带时区。"))
    if signed_at > timezone.now() + timedelta(minutes=5):
        raise _invalid("signed_at", _("签署时间不能晚于当前时间。"))
    on = business_date(signed_at)
    if text_version.effective_from > on or (text_version.effective_to and text_version.effective_to < on):
        raise ApplicationError(
            TEXT_NOT_IN_FORCE,
            _("承诺书文本 %(code)s 在签署日 %(date)s 不在有效期内。") % {"code": text_version.code, "date": on},
            fields={"commitment_text": [_("不在有效期内。")]},
        )
    commitment = Commitment(
        type=text_version.type,
        domain=text_version.domain,
        scenario=text_version.scenario,
        text_version=text_version,
        text_sha256=text_sha256(text_version),
        subject=subject,
        signer_name=signer_name[:100],
        signer_capacity=(signer_capacity or "法定代表人")[:50],
        signer_user=signer_user,
        signed_at=signed_at,
        owner_type=case_label(owner) if owner is not None else "",
        owner_id=owner.pk if owner is not None else None,
    )
    commitment.full_clean()
    commitment.save()
    data = {
        "commitment_id": commitment.pk,
        "type": commitment.type,
        "text_version": text_version.code,
        "text_sha256": commitment.text_sha256,
        "signer_name": commitment.signer_name,
        "signed_at": signed_at,
    }
    case_event_record(kind="commitment_signed", case=commitment, acting_user=acting_user, data=data)
    if owner is not None:
        case_event_record(kind="commitment_signed", case=owner, acting_user=acting_user, data=data)
    return commitment


@transaction.atomic
def commitment_check_fulfilment(
    *, commitment: Commitment, fulfilled: bool, finding: str, acting_user: User
) -> Commitment:
    """Record whether the commitment was kept (履约践诺核查), by the checking user's department.

    A kept commitment can later be found broken (new evidence); a broken one is final. A broken commitment becomes a
    new negative record of kind "other", with the severity and legal basis its text version names, decided by the
    checking department today.
    """
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("text_version", "subject")
        .get(pk=commitment.pk)
    )
    finding = (finding or "").strip()
    department = getattr(acting_user, "department", None)
    if department is None:
        raise _invalid("department", _("只有部门工作人员可以核查承诺履约情况。"))
    if commitment.fulfilment_status == Commitment.Fulfilment.VIOLATED:
        raise ConflictError(
            ALREADY_CHECKED, _("该承诺已认定为违反承诺。"), extra={"status": commitment.fulfilment_status}
        )
    if commitment.fulfilment_status == Commitment.Fulfilment.FULFILLED and fulfilled:
        raise ConflictError(ALREADY_CHECKED, _("该承诺已认定为履约。"), extra={"status": commitment.fulfilment_status})
    if not fulfilled and not finding:
        raise _invalid("finding", _("认定违反承诺须写明核查结论。"))
    now = timezone.now()
    before = commitment.fulfilment_status
    commitment.fulfilment_status = Commitment.Fulfilment.FULFILLED if fulfilled else Commitment.Fulfilment.VIOLATED
    commitment.checked_at, commitment.checked_by, commitment.checking_department = now, acting_user, department
    commitment.check_finding = finding
    fields = ["fulfilment_status", "checked_at", "checked_by", "checking_department", "check_finding", "updated_at"]
    if not fulfilled:
        version = commitment.text_version
        today = business_date(now)
        with office_language():
            decision_no = _("违诺认定〔%(year)s〕第%(n)s号") % {"year": today.year, "n": commitment.pk}
            penalty = _("违反信用承诺")
            facts = _("违反%(title)s：%(finding)s") % {"title": version.title, "finding": finding}
        commitment.violation_record = record_create(
            subject=commitment.subject,
            kind=RecordKind.OTHER,
            severity=version.violation_severity,
            department=department,
            decision_no=decision_no,
            decision_date=today,
            penalty_types=[penalty],
            facts=facts,
            legal_basis=version.violation_legal_basis or version.source,
            acting_user=acting_user,
        )
        fields.append("violation_record")
    commitment.save(update_fields=fields)
    data = {
        "commitment_id": commitment.pk,
        "before": before,
        "result": commitment.fulfilment_status,
        "finding": finding,
        "department": department.code,
        "violation_record": commitment.violation_record_id,
    }
    case_event_record(kind="commitment_checked", case=commitment, acting_user=acting_user, data=data)
    if commitment.owner_type and commitment.owner_id:
        case_event_record(
            kind="commitment_checked",
            case_type=commitment.owner_type,
            case_id=commitment.owner_id,
            acting_user=acting_user,
            data=data,
        )
    return commitment
