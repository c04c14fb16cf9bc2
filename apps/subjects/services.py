"""Writes of the subjects app: subjects, representatives, negative records and sanctions.

This module owns the negative record's life: no other app assigns a field of a NegativeRecord. Case apps call the
record_* services below (repairs: repair status, end of publication, stop of sharing, restore on revocation;
objections: the mark and the verified outcome). Each locks the row, saves with update_fields and writes the
record's audit event (before/after) in the caller's transaction.
"""

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from apps.accounts.models import Department, User
from apps.accounts.roles import DEPARTMENT_RECORD_PERMS, REPRESENTATIVE_SUBJECT_PERMS
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.core.inputs import InputError, parse_decimal
from apps.core.services import case_event_record
from apps.rules.models import RuleCode
from apps.rules.selectors import rule_in_force
from apps.sla.workdays import business_date
from apps.subjects.models import NegativeRecord, ObjectionOutcome, Sanction, Severity, Subject, SubjectRepresentative
from apps.subjects.signals import record_basis_ended
from apps.subjects.uscc import validate_uscc

DUPLICATE = "duplicate"

# Fields of a record an objection may correct.
CORRECTABLE_FIELDS = (
    "decision_no",
    "decision_date",
    "penalty_types",
    "facts",
    "legal_basis",
    "fine_amount",
    "severity",
)
# Correcting these moves the publication window, which is recomputed from the rules in force on the decision date.
WINDOW_FIELDS = ("decision_date", "severity")


def add_months(day: date, months: int) -> date:
    """Calendar months (publication periods are months, not working days); the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def subject_create(
    *,
    uscc: str,
    name: str,
    type: str = Subject.Type.ENTERPRISE,
    region_code: str = "",
    operating_status: str = Subject.OperatingStatus.OPERATING,
    legal_representative: str = "",
    address: str = "",
    registered_on: date | None = None,
    acting_user: User | None = None,
) -> Subject:
    code = validate_uscc(uscc).code
    subject = Subject(
        uscc=code,
        name=name,
        type=type,
        region_code=region_code or code[2:8],
        operating_status=operating_status,
        legal_representative=legal_representative,
        address=address,
        registered_on=registered_on,
    )
    subject.full_clean()
    subject.save()
    case_event_record(case=subject, kind="subject_created", acting_user=acting_user, data={"uscc": code, "name": name})
    return subject


def subject_register_authorise(*, acting_user: User) -> None:
    """Who may register a subject over the API (checked before the input is read: a 403 says nothing about it)."""
    if not acting_user.has_perm("subjects.add_subject"):
        raise ApplicationError("forbidden", _("无权登记信用主体。"), status_code=403)


@transaction.atomic
def subject_register(*, acting_user: User, uscc: str, **values: Any) -> Subject:
    """Register a subject for a person: their permission, then one subject per code (409), then subject_create."""
    subject_register_authorise(acting_user=acting_user)
    if Subject.objects.filter(uscc=uscc).exists():
        raise ApplicationError(
            DUPLICATE, _("该统一社会信用代码已登记。"), fields={"uscc": [_("已存在。")]}, status_code=409
        )
    return subject_create(uscc=uscc, acting_user=acting_user, **values)


@transaction.atomic
def subject_representative_add(
    *, subject: Subject, user: User, capacity: str = "经办人", acting_user: User | None = None
) -> None:
    """Let an applicant account act for a subject: it then sees the subject, its records and its cases."""
    SubjectRepresentative.objects.get_or_create(subject=subject, user=user, defaults={"capacity": capacity})
    for perm in REPRESENTATIVE_SUBJECT_PERMS:
        assign_perm(perm, user, subject)
    case_event_record(
        case=subject,
        kind="representative_added",
        acting_user=acting_user,
        data={"user": user.username, "capacity": capacity},
    )


def publication_window(
    *, kind: str, severity: str, decision_date: date, sector: str, region_code: str
) -> dict[str, Any]:
    """The window from the rules in force on the decision date: earliest repair date and automatic end."""
    scope: dict[str, Any] = {
        "on": decision_date,
        "record_kind": kind,
        "severity": severity,
        "sector": sector,
        "region_code": region_code,
    }
    min_rule = rule_in_force(code=RuleCode.PUBLICATION_MIN_MONTHS, **scope)
    max_rule = rule_in_force(code=RuleCode.PUBLICATION_MAX_MONTHS, **scope)
    published = max_rule.value > 0
    return {
        "publish_from": decision_date if published else None,
        "repair_earliest": add_months(decision_date, min_rule.value) if published else None,
        "publish_until": add_months(decision_date, max_rule.value) if published else None,
        "publication_status": NegativeRecord.PublicationStatus.PUBLISHED
        if published
        else NegativeRecord.PublicationStatus.NOT_PUBLISHED,
        "period_rule_source": max_rule.source
        if min_rule.source == max_rule.source
        else f"{min_rule.source}；{max_rule.source}",
    }


@transaction.atomic
def record_create(
    *,
    subject: Subject,
    kind: str,
    severity: str,
    department: Department,
    decision_no: str,
    decision_date: date,
    penalty_types: Iterable[str] = (),
    facts: str = "",
    legal_basis: str = "",
    fine_amount: Decimal | None = None,
    sanctions: Iterable[tuple[Department, str]] = (),
    acting_user: User | None = None,
) -> NegativeRecord:
    """Register a negative record; its publication window comes from the rule rows in force on the decision date."""
    window = publication_window(
        kind=kind,
        severity=severity,
        decision_date=decision_date,
        sector=department.sector,
        region_code=department.region_code,
    )
    record = NegativeRecord(
        subject=subject,
        kind=kind,
        severity=severity,
        department=department,
        decision_no=decision_no,
        decision_date=decision_date,
        penalty_types=list(penalty_types),
        facts=facts,
        legal_basis=legal_basis,
        fine_amount=fine_amount,
        **window,
    )
    record.full_clean()
    record.save()
    for perm in DEPARTMENT_RECORD_PERMS:
        assign_perm(perm, department.group, record)
    for imposing, measure in sanctions:
        sanction_impose(record=record, department=imposing, measure=measure, acting_user=acting_user)
    case_event_record(
        case=record,
        kind="record_created",
        acting_user=acting_user,
        data={"subject": subject.uscc, "decision_no": decision_no, "kind": kind, "severity": severity, **window},
    )
    return record


def record_register_authorise(*, acting_user: User) -> None:
    """Who may register a negative record over the API (checked before the input is read)."""
    if not acting_user.has_perm("subjects.add_negativerecord"):
        raise ApplicationError("forbidden", _("无权登记失信信息。"), status_code=403)


@transaction.atomic
def record_register(
    *,
    acting_user: User,
    uscc: str,
    kind: str,
    decision_no: str,
    department: Department | None = None,
    sanctions: Iterable[Mapping[str, Any]] = (),
    **values: Any,
) -> NegativeRecord:
    """Register a record for a person: an officer registers their own department's decisions (an administrator any
    department's), on a registered subject, once per department, decision number and kind (409); each sanction names
    the imposing department's code and the measure."""
    record_register_authorise(acting_user=acting_user)
    department = department or acting_user.department
    if department is None or (
        acting_user.department_id and department.pk != acting_user.department_id and not acting_user.is_superuser
    ):
        raise ApplicationError(
            "invalid", _("只能登记本部门作出的决定。"), fields={"department": [_("不是本部门。")]}, status_code=400
        )
    subject = Subject.objects.filter(uscc=uscc).first()
    if subject is None:
        raise ApplicationError("invalid", _("主体未登记。"), fields={"uscc": [_("请先登记该主体。")]}, status_code=400)
    imposed = []
    for i, item in enumerate(sanctions):
        imposing = Department.objects.filter(code=item.get("department", "")).first()
        if imposing is None or not str(item.get("measure", "")).strip():
            raise ApplicationError(
                "invalid",
                _("第%(n)d项惩戒措施须有部门编码和措施内容。") % {"n": i + 1},
                fields={f"sanctions[{i}]": [_("须有 department（部门编码）与 measure。")]},
            )
        imposed.append((imposing, str(item["measure"])[:300]))
    if NegativeRecord.objects.filter(department=department, decision_no=decision_no, kind=kind).exists():
        raise ApplicationError(DUPLICATE, _("该决定已登记。"), fields={"decision_no": [_("已存在。")]}, status_code=409)
    return record_create(
        subject=subject,
        kind=kind,
        department=department,
        decision_no=decision_no,
        sanctions=imposed,
        acting_user=acting_user,
        **values,
    )


@transaction.atomic
def sanction_impose(
    *, record: NegativeRecord, department: Department, measure: str, acting_user: User | None = None
) -> Sanction:
    sanction = Sanction(record=record, department=department, measure=measure, imposed_on=clock.today())
    sanction.full_clean()
    sanction.save()
    case_event_record(
        case=record,
        kind="sanction_imposed",
        acting_user=acting_user,
        data={"sanction": sanction.pk, "department": department.code, "measure": measure},
    )
    return sanction


@transaction.atomic
def records_expire_publication(*, today: date | None = None) -> int:
    """Stop publishing records whose maximum period has passed (the scheduled job). Returns how many stopped."""
    today = today or clock.today()
    due = list(
        NegativeRecord.objects.select_for_update()
        .filter(publication_status=NegativeRecord.PublicationStatus.PUBLISHED, publish_until__lt=today)
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    NegativeRecord.objects.filter(pk__in=due).update(
        publication_status=NegativeRecord.PublicationStatus.ENDED_EXPIRED, ended_at=now, updated_at=now
    )
    for pk in due:  # one audit event per record: each record's history shows why it stopped
        case_event_record(
            case_type="subjects.negativerecord", case_id=pk, kind="publication_expired", data={"on": today}
        )
    record_basis_ended.send(sender=NegativeRecord, record_ids=due, reason="expired", acting_user=None)
    return len(due)


# -- the record's life after registration -------------------------------------------------------------------------
# Case apps call these; `context` is what the record's history says about the cause (the case's id and reference).


def _record_lock(record: NegativeRecord) -> NegativeRecord:
    """Re-read the record under a row lock (its own row only: joins stay unlocked) so two cases never interleave.
    The caller's instance is refreshed in place, so what it holds afterwards is what was written."""
    fresh = NegativeRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)
    for field in NegativeRecord._meta.concrete_fields:
        setattr(record, field.attname, getattr(fresh, field.attname))
    return record


def _record_change(
    record: NegativeRecord,
    *,
    kind: str,
    changes: Mapping[str, Any],
    acting_user: User | None,
    context: Mapping[str, Any],
    at: datetime | None = None,
) -> NegativeRecord:
    """Assign `changes`, save them and write the record's event with before and after, in one transaction."""
    before = {name: getattr(record, name) for name in changes}
    for name, value in changes.items():
        setattr(record, name, value)
    record.save(update_fields=[*changes, "updated_at"])
    case_event_record(
        kind=kind, case=record, acting_user=acting_user, at=at, data={**context, "before": before, "after": changes}
    )
    return record


@transaction.atomic
def record_set_repair_status(
    *, record: NegativeRecord, status: str, event: str, acting_user: User | None, context: Mapping[str, Any]
) -> NegativeRecord:
    """The repair status a repair case gives the record (修复中 on filing, back to 未修复 when refused or withdrawn,
    已修复 when closed). `event` names the case's step in the record's history."""
    if status not in NegativeRecord.RepairStatus.values:
        raise ValueError(f"unknown repair status {status!r}")
    record = _record_lock(record)
    return _record_change(
        record, kind=event, changes={"repair_status": status}, acting_user=acting_user, context=context
    )


@transaction.atomic
def record_end_publication(
    *, record: NegativeRecord, reason: str, acting_user: User | None, at: datetime, context: Mapping[str, Any]
) -> NegativeRecord:
    """Stop publishing the record. `reason` is the ended status: 已修复 (a repair) or 期满 (the maximum period)."""
    events: dict[str, str] = {
        NegativeRecord.PublicationStatus.ENDED_REPAIRED: "publication_stopped_repaired",
        NegativeRecord.PublicationStatus.ENDED_EXPIRED: "publication_expired",
    }
    if reason not in events:
        raise ValueError(f"publication cannot end for reason {reason!r}")
    record = _record_lock(record)
    return _record_change(
        record,
        kind=events[reason],
        changes={"publication_status": reason, "ended_at": at},
        acting_user=acting_user,
        context=context,
    )


@transaction.atomic
def record_stop_sharing(
    *, record: NegativeRecord, acting_user: User | None, context: Mapping[str, Any]
) -> NegativeRecord:
    """Stop sharing the record with other departments' systems (a repair's second effect)."""
    record = _record_lock(record)
    return _record_change(
        record,
        kind="sharing_stopped_repaired",
        changes={"sharing_status": NegativeRecord.SharingStatus.STOPPED},
        acting_user=acting_user,
        context=context,
    )


@transaction.atomic
def record_restore(
    *, record: NegativeRecord, acting_user: User | None, at: datetime, context: Mapping[str, Any]
) -> NegativeRecord:
    """A revoked repair: the record is published and shared again, unless its maximum period has passed meanwhile
    (then it ends as expired at `at`); its repair status says the repair was revoked."""
    record = _record_lock(record)
    expired = record.publish_until is not None and record.publish_until < business_date(at)
    return _record_change(
        record,
        kind="repair_revoked",
        changes={
            "publication_status": NegativeRecord.PublicationStatus.ENDED_EXPIRED
            if expired
            else NegativeRecord.PublicationStatus.PUBLISHED,
            "ended_at": at if expired else None,
            "sharing_status": NegativeRecord.SharingStatus.SHARING,
            "repair_status": NegativeRecord.RepairStatus.REVOKED,
        },
        acting_user=acting_user,
        context=context,
    )


@transaction.atomic
def record_mark_objection(
    *, record: NegativeRecord, acting_user: User | None, at: datetime, context: Mapping[str, Any]
) -> NegativeRecord:
    """异议标注: the record shows 异议处理中 from the moment the filing commits (the rule allows up to 1 working day;
    its limit and source go into the record's history)."""
    record = _record_lock(record)
    mark_rule = rule_in_force(
        code=RuleCode.OBJECTION_MARK,
        on=business_date(at),
        sector=record.department.sector,
        region_code=record.department.region_code,
    )
    before = record.objection_status
    record.objection_status = NegativeRecord.ObjectionStatus.UNDER_OBJECTION
    record.save(update_fields=["objection_status", "updated_at"])
    case_event_record(
        kind="objection_marked",
        case=record,
        acting_user=acting_user,
        at=at,
        data={
            **context,
            "before": before,
            "after": record.objection_status,
            "limit_working_days": mark_rule.value,
            "rule_source": mark_rule.source,
        },
    )
    return record


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", f"{field}: {message}", fields={field: [message]})


def record_corrections_clean(*, record: NegativeRecord, corrections: Any) -> dict[str, Any]:
    """Which fields an objection may correct, and how a submitted value is read: validate the corrected values field
    by field and return them as Python values. Unchanged values and other fields are refused (400, per field)."""
    if not isinstance(corrections, dict) or not corrections:
        raise _invalid("corrections", _("更正须写明要更正的字段和更正后的内容。"))
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in corrections.items():
        if name not in CORRECTABLE_FIELDS:
            errors[f"corrections.{name}"] = [_("该字段不能通过异议更正。可更正：%s") % "、".join(CORRECTABLE_FIELDS)]
            continue
        field = NegativeRecord._meta.get_field(name)
        assert isinstance(field, models.Field)  # CORRECTABLE_FIELDS are the record's own columns
        python: Any
        try:
            if name == "penalty_types":
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    raise ValidationError(_("应为处罚种类的列表。"))
                python = [v.strip() for v in value]
            elif name == "fine_amount":
                try:
                    python = None if value in (None, "") else parse_decimal(value, field=f"corrections.{name}")
                except InputError as exc:
                    raise ValidationError(exc.reason) from None
            elif name == "severity":
                if value not in Severity.values:
                    raise ValidationError(_("可选值：%s") % "、".join(Severity.values))
                python = value
            else:
                python = field.to_python(value)
                field.run_validators(python)
                if isinstance(python, str):
                    python = python.strip()
                    if not python and not field.blank:
                        raise ValidationError(_("不能为空。"))
                    if field.max_length and len(python) > field.max_length:
                        raise ValidationError(_("不能超过%(n)s字。") % {"n": field.max_length})
        except (ValidationError, InvalidOperation, TypeError, ValueError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [_("格式不正确。")]
            errors[f"corrections.{name}"] = messages
            continue
        if python == getattr(record, name):
            errors[f"corrections.{name}"] = [_("与原内容相同，无需更正。")]
            continue
        cleaned[name] = python
    if errors:
        first = next(iter(errors))
        raise ApplicationError("invalid", f"{first}: {errors[first][0]}", fields=errors)
    return cleaned


@transaction.atomic
def record_apply_objection_outcome(
    *,
    record: NegativeRecord,
    outcome: str,
    corrections: Mapping[str, Any],
    finding: str,
    acting_user: User | None,
    at: datetime,
    context: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Carry a verified objection's outcome out on the record and clear (or, 无法确认, keep) its mark:
    更正 changes the corrected fields (as stored by record_corrections_clean, JSON-ready) and recomputes the
    publication window when the decision date or severity moved; 删除 stops publication and sharing; 维持 removes
    the mark; 无法确认 records the finding with the record. Returns (before, after) of every changed field."""
    if outcome not in ObjectionOutcome.values:
        raise ValueError(f"unknown objection outcome {outcome!r}")
    record = _record_lock(record)
    fields = ["objection_status", "objection_finding", "updated_at"]
    before: dict[str, Any] = {
        "objection_status": record.objection_status,
        "objection_finding": record.objection_finding,
    }
    after: dict[str, Any] = {}
    if outcome == ObjectionOutcome.CORRECTED:
        for name, value in corrections.items():
            if name not in CORRECTABLE_FIELDS:
                raise ValueError(f"{name!r} cannot be corrected by an objection")
            field = NegativeRecord._meta.get_field(name)
            assert isinstance(field, models.Field)  # as in record_corrections_clean
            before[name] = getattr(record, name)
            new = Decimal(value) if name == "fine_amount" and value is not None else field.to_python(value)
            setattr(record, name, new)
            after[name] = new
            fields.append(name)
        if any(name in corrections for name in WINDOW_FIELDS):
            window = publication_window(
                kind=record.kind,
                severity=record.severity,
                decision_date=record.decision_date,
                sector=record.department.sector,
                region_code=record.department.region_code,
            )
            if record.publication_status not in (
                NegativeRecord.PublicationStatus.PUBLISHED,
                NegativeRecord.PublicationStatus.NOT_PUBLISHED,
            ):
                window.pop("publication_status")  # an ended or deleted record stays ended
            for name, value in window.items():
                if getattr(record, name) != value:
                    before[name], after[name] = getattr(record, name), value
                    setattr(record, name, value)
                    fields.append(name)
        record.full_clean()
    elif outcome == ObjectionOutcome.DELETED:
        for name, value in (
            ("publication_status", NegativeRecord.PublicationStatus.DELETED),
            ("sharing_status", NegativeRecord.SharingStatus.STOPPED),
            ("ended_at", record.ended_at or at),
        ):
            before[name], after[name] = getattr(record, name), value
            setattr(record, name, value)
            fields.append(name)
    if outcome == ObjectionOutcome.UNCONFIRMED:
        record.objection_status = NegativeRecord.ObjectionStatus.UNCONFIRMED
        record.objection_finding = finding
    else:
        record.objection_status = NegativeRecord.ObjectionStatus.NONE
        record.objection_finding = ""
    after["objection_status"], after["objection_finding"] = record.objection_status, record.objection_finding
    record.save(update_fields=list(dict.fromkeys(fields)))
    case_event_record(
        kind=f"record_objection_{outcome}",
        case=record,
        acting_user=acting_user,
        at=at,
        data={**context, "outcome": outcome, "before": before, "after": after},
    )
    return before, after
