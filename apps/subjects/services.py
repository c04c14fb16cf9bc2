"""Writes of the subjects app: subjects, representatives, negative records and sanctions."""

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from apps.accounts.models import Department, User
from apps.accounts.roles import DEPARTMENT_RECORD_PERMS, REPRESENTATIVE_SUBJECT_PERMS
from apps.core import clock
from apps.core.services import case_event_record
from apps.rules.models import RuleCode
from apps.rules.selectors import rule_in_force
from apps.subjects.models import NegativeRecord, Sanction, Subject, SubjectRepresentative
from apps.subjects.uscc import validate_uscc


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
    scope = {
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
    return len(due)
