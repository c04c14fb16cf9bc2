"""Writes of the commitments app: signing or recording a commitment against a matter, scheduling its fulfilment
check (履约践诺核查) by its type's rule row, and recording whether it was kept."""

import hashlib
from datetime import date, datetime, time, timedelta

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.commitments.models import (
    MATTERS_BY_TYPE,
    SIX_TYPES,
    Commitment,
    CommitmentTextVersion,
    FulfilmentCheck,
)
from apps.commitments.selectors import fulfilment_check_rule
from apps.core.errors import ApplicationError, ConflictError
from apps.core.i18n import office_language
from apps.core.services import case_event_record, case_label
from apps.sla.workdays import add_working_days, business_date
from apps.subjects.models import RecordKind, Subject
from apps.subjects.selectors import subject_find, subjects_represented_by
from apps.subjects.services import record_create

TEXT_NOT_IN_FORCE = "commitment_text_not_in_force"
ALREADY_CHECKED = "commitment_already_checked"
CHECK_RECORDED = "fulfilment_check_recorded"


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
    matter_type: str = "",
    matter_reference: str = "",
    department: Department | None = None,
    channel: str = Commitment.Channel.CASE,
) -> Commitment:
    """Record a signed commitment on the text version in force on the signing date, against a matter (a case's
    commitment: the case itself), and schedule its fulfilment check by its type's rule row."""
    if owner is not None:
        matter_type = matter_type or MATTERS_BY_TYPE[text_version.type][0]
        matter_reference = matter_reference or str(owner)
        owner_department = getattr(owner, "department", None)
        department = department or (owner_department if isinstance(owner_department, Department) else None)
    matter_reference = (matter_reference or "").strip()
    if matter_type not in MATTERS_BY_TYPE.get(text_version.type, []):
        raise _invalid("matter_type", _("该类承诺不能针对此类事项作出。"))
    if not matter_reference:
        raise _invalid("matter_reference", _("请填写承诺针对的事项编号。"))
    if len(matter_reference) > 100:
        raise _invalid("matter_reference", _("事项编号不能超过100个字符。"))
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
        matter_type=matter_type,
        matter_reference=matter_reference,
        department=department,
        channel=channel,
    )
    commitment.full_clean()
    commitment.save()
    check = fulfilment_check_schedule(commitment=commitment)
    data = {
        "commitment_id": commitment.pk,
        "type": commitment.type,
        "text_version": text_version.code,
        "text_sha256": commitment.text_sha256,
        "signer_name": commitment.signer_name,
        "signed_at": signed_at,
        "matter_type": matter_type,
        "matter_reference": matter_reference,
        "department": department.code if department is not None else "",
        "channel": channel,
        "check_due": check.due_date if check is not None else None,
    }
    case_event_record(kind="commitment_signed", case=commitment, acting_user=acting_user, data=data)
    if owner is not None:
        case_event_record(kind="commitment_signed", case=owner, acting_user=acting_user, data=data)
    return commitment


def fulfilment_check_schedule(*, commitment: Commitment) -> FulfilmentCheck | None:
    """The commitment's fulfilment check, due the working days of its type's rule row (commitment.check.<type>) in
    force on the signing day after that day; none when no row is in force (e.g. an appeal commitment)."""
    signed_on = business_date(commitment.signed_at)
    rule = fulfilment_check_rule(type=commitment.type, on=signed_on)
    if rule is None:
        return None
    return FulfilmentCheck.objects.create(
        commitment=commitment,
        department=commitment.department,
        due_date=add_working_days(signed_on, rule.value),
        rule_source=rule.source[:300],
    )


def commitment_text_for(*, type: str, code: str, on: date, date_field: str = "signed_on") -> CommitmentTextVersion:
    """The text a commitment is signed on: the one named (it must be of the type and in force), else the newest in
    force; none in force on the signing day is refused on `date_field` (the date that chose it)."""
    if not code:
        try:
            return text_version_in_force(type=type, on=on)
        except ApplicationError as exc:
            if exc.code != TEXT_NOT_IN_FORCE:
                raise
            raise _invalid(date_field, exc.detail) from None
    version = CommitmentTextVersion.objects.filter(code=code).first()
    if version is None or version.type != type:
        raise _invalid("text_version", _("承诺书文本不存在或不属于该承诺类型。"))
    if version.effective_from > on or (version.effective_to and version.effective_to < on):
        raise _invalid("text_version", _("承诺书文本在签署日不在有效期内。"))
    return version


def commitment_record_audience(*, user: User) -> str:
    """Who records a commitment: "staff" (a department's officer recording what a subject signed on paper) or
    "party" (the subject's representative signing online); "" for anyone else."""
    if user.has_perm("commitments.check_commitment") and getattr(user, "department_id", None):
        return "staff"
    if subjects_represented_by(user=user).exists():
        return "party"
    return ""


@transaction.atomic
def commitment_record(
    *,
    uscc: str,
    type: str,
    matter_type: str,
    matter_reference: str,
    signer_name: str,
    acting_user: User,
    signer_capacity: str = "法定代表人",
    text_version: str = "",
    signed_on: date | None = None,
    department: Department | None = None,
) -> Commitment:
    """A commitment outside a case, against a matter. A department's officer records it for any subject (signed on
    paper on `signed_on`, received by the officer's department); a representative signs it online for a subject it
    represents, now, addressed to `department`. Nobody else records commitments."""
    audience = commitment_record_audience(user=acting_user)
    if not audience:
        raise ApplicationError("forbidden", _("无权录入或签署信用承诺。"), status_code=403)
    if type not in SIX_TYPES:
        raise _invalid("type", _("不能在此签署该类承诺。"))
    code = (uscc or "").strip().upper()
    if audience == "party":
        subject = subjects_represented_by(user=acting_user).filter(uscc=code).first()
        if subject is None:
            raise _invalid("uscc", _("主体不存在或您不是该主体的代表。"))
        if department is None:
            raise _invalid("department", _("请选择承诺向其作出的部门。"))
        signed_at, signer_user, channel = timezone.now(), acting_user, Commitment.Channel.PORTAL
    else:
        found = subject_find(uscc=code)
        if found is None:
            raise _invalid("uscc", _("主体库中没有该统一社会信用代码。"))
        subject = found
        today = business_date(timezone.now())
        day = signed_on or today
        if day > today:
            raise _invalid("signed_on", _("签署日期不能晚于今天。"))
        signed_at = timezone.now() if day == today else timezone.make_aware(datetime.combine(day, time(9)))
        department, signer_user, channel = acting_user.department, None, Commitment.Channel.STAFF
    version = commitment_text_for(
        type=type,
        code=text_version,
        on=business_date(signed_at),
        date_field="signed_on" if audience == "staff" else "type",
    )
    return commitment_sign(
        subject=subject,
        text_version=version,
        signer_name=signer_name,
        signer_capacity=signer_capacity,
        signed_at=signed_at,
        signer_user=signer_user,
        acting_user=acting_user,
        matter_type=matter_type,
        matter_reference=matter_reference,
        department=department,
        channel=channel,
    )


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
    closed = list(
        FulfilmentCheck.objects.select_for_update().filter(commitment=commitment, status=FulfilmentCheck.Status.DUE)
    )
    for check in closed:
        check.status = FulfilmentCheck.Status.FULFILLED if fulfilled else FulfilmentCheck.Status.BROKEN
        check.note, check.recorded_at, check.recorded_by = finding, now, acting_user
        check.save(update_fields=["status", "note", "recorded_at", "recorded_by", "updated_at"])
    data = {
        "commitment_id": commitment.pk,
        "checks": [check.pk for check in closed],
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


@transaction.atomic
def fulfilment_check_record(
    *, check: FulfilmentCheck, fulfilled: bool, note: str, acting_user: User
) -> FulfilmentCheck:
    """Record the outcome of a scheduled fulfilment check, by an officer of the checking department (or the credit
    office for a commitment without one). Recording twice is a conflict; a broken commitment becomes a negative
    record of the officer's department through commitment_check_fulfilment, in the same transaction."""
    if not acting_user.has_perm("commitments.check_commitment") or getattr(acting_user, "department_id", None) is None:
        raise ApplicationError("forbidden", _("无权核查承诺履约情况。"), status_code=403)
    check = FulfilmentCheck.objects.select_for_update(of=("self",)).get(pk=check.pk)
    if check.status != FulfilmentCheck.Status.DUE:
        raise ConflictError(CHECK_RECORDED, _("该核查已记录结果。"), extra={"status": check.status})
    if check.department_id is not None and check.department_id != acting_user.department_id:
        raise ApplicationError("forbidden", _("只有核查部门的工作人员可以记录核查结果。"), status_code=403)
    if not fulfilled and not (note or "").strip():
        raise _invalid("note", _("认定违反承诺须写明核查说明。"))
    commitment_check_fulfilment(commitment=check.commitment, fulfilled=fulfilled, finding=note, acting_user=acting_user)
    check.refresh_from_db()
    return check
