"""Reads of the subjects app and the access functions: the only way an interface obtains a subject or a record."""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from apps.accounts.models import Department, User
from apps.core import clock
from apps.subjects.models import NegativeRecord, RecordKind, Severity, Subject


def subjects_visible_to(*, user: User) -> QuerySet[Subject]:
    if not user.is_authenticated:
        return Subject.objects.none()
    if user.has_perm("subjects.view_subject"):
        return Subject.objects.all()
    return get_objects_for_user(user, "subjects.view_subject", klass=Subject, accept_global_perms=False)


def records_visible_to(*, user: User) -> QuerySet[NegativeRecord]:
    """Global viewers see all; an officer their department's records; an applicant the records of their subjects."""
    if not user.is_authenticated:
        return NegativeRecord.objects.none()
    if user.has_perm("subjects.view_negativerecord"):
        return NegativeRecord.objects.all()
    by_department = get_objects_for_user(
        user, "subjects.view_negativerecord", klass=NegativeRecord, accept_global_perms=False, with_superuser=False
    ).values("pk")
    own_subjects = get_objects_for_user(
        user, "subjects.view_subject", klass=Subject, accept_global_perms=False, with_superuser=False
    ).values("pk")
    return NegativeRecord.objects.filter(Q(pk__in=by_department) | Q(subject__in=own_subjects))


def access_subject_by_uscc(*, user: User, uscc: str) -> Subject:
    """Missing and forbidden are indistinguishable (both DoesNotExist, a 404)."""
    subject = Subject.objects.filter(uscc=uscc.strip().upper()).first()
    if subject is None or not (
        user.has_perm("subjects.view_subject") or user.has_perm("subjects.view_subject", subject)
    ):
        raise Subject.DoesNotExist
    return subject


def access_record_by_id(*, user: User, record_id: int, perm: str = "subjects.view_negativerecord") -> NegativeRecord:
    record = NegativeRecord.objects.select_related("subject", "department").filter(pk=record_id).first()
    if record is None:
        raise NegativeRecord.DoesNotExist
    allowed = (
        user.has_perm(perm)
        or user.has_perm(perm, record)
        or (perm == "subjects.view_negativerecord" and user.has_perm("subjects.view_subject", record.subject))
    )
    if not allowed:
        raise NegativeRecord.DoesNotExist
    return record


def subject_list(*, user: User) -> QuerySet[Subject]:
    """The subjects `user` may see with their published and list-entry counts, by code (narrowed by
    apps.subjects.filters.SubjectFilter)."""
    return (
        subjects_visible_to(user=user)
        .annotate(
            public_records=Count(
                "records", filter=Q(records__publication_status=NegativeRecord.PublicationStatus.PUBLISHED)
            ),
            list_entries=Count(
                "records",
                filter=Q(
                    records__kind=RecordKind.SERIOUS_DISHONESTY_LIST,
                    records__publication_status=NegativeRecord.PublicationStatus.PUBLISHED,
                ),
            ),
        )
        .order_by("uscc")
    )


def subject_records(*, user: User, subject: Subject) -> QuerySet[NegativeRecord]:
    return (
        records_visible_to(user=user)
        .filter(subject=subject)
        .select_related("department")
        .prefetch_related("sanctions__department")
        .order_by("-decision_date", "-id")
    )


def subject_on_serious_list(*, subject: Subject) -> bool:
    return subject.records.filter(
        kind=RecordKind.SERIOUS_DISHONESTY_LIST, publication_status=NegativeRecord.PublicationStatus.PUBLISHED
    ).exists()


def subject_find(*, uscc: str) -> Subject | None:
    """The subject with this code, or None. For the joint-sanctions check, which any department may run on any code:
    what it may show of the subject is only what record_shared_view gives."""
    return Subject.objects.filter(uscc=uscc.strip().upper()).first()


def subject_public_records(*, subject: Subject) -> QuerySet[NegativeRecord]:
    """The subject's records now published on the credit portals, whichever department decided them."""
    return (
        NegativeRecord.objects.filter(subject=subject, publication_status=NegativeRecord.PublicationStatus.PUBLISHED)
        .select_related("department")
        .order_by("-decision_date", "-id")
    )


def published_record_by_id(*, record_id: int) -> NegativeRecord | None:
    """The record with this id if it is published on the credit portals (anyone may read a published listing)."""
    return (
        NegativeRecord.objects.select_related("subject", "department")
        .filter(pk=record_id, publication_status=NegativeRecord.PublicationStatus.PUBLISHED)
        .first()
    )


def record_shared_view(record: NegativeRecord) -> dict[str, Any]:
    """What of a published record may be shared with another department (the joint-sanctions check): the listing as
    published, never the objection finding, the facts as written, documents, evidence or anyone's contacts."""
    return {
        "id": record.pk,
        "kind": record.kind,
        "kind_display": str(record.get_kind_display()),
        "severity": record.severity,
        "severity_display": str(record.get_severity_display()),
        "department": {"code": record.department.code, "name": record.department.name},
        "decision_no": record.decision_no,
        "decision_date": record.decision_date.isoformat(),
        "penalty_types": list(record.penalty_types),
        "legal_basis": record.legal_basis,
        "publish_from": record.publish_from.isoformat() if record.publish_from else None,
        "publish_until": record.publish_until.isoformat() if record.publish_until else None,
        "on_serious_list": record.on_serious_list,
        "under_objection": record.objection_status == NegativeRecord.ObjectionStatus.UNDER_OBJECTION,
    }


def user_represents_subject(*, user: User, subject: Subject) -> bool:
    """Whether `user` acts for `subject` (a representative: files, signs, enrolls and checks in in its name)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("subjects.act_for_subject", subject)


def subjects_represented_by(*, user: User) -> QuerySet[Subject]:
    if not getattr(user, "is_authenticated", False):
        return Subject.objects.none()
    return get_objects_for_user(
        user, "subjects.act_for_subject", klass=Subject, accept_global_perms=False, with_superuser=False
    ).order_by("uscc")


def serious_list_records_at(*, moment: datetime, department: Department | None = None) -> QuerySet[NegativeRecord]:
    """Serious-dishonesty list records in force at `moment`: started on or before that day (publish_from, else the
    decision date) and still published, or whose publication ended only at or after `moment`."""
    # The last day counted: the day before a midnight moment (a month's end), else the moment's own day.
    on = clock.business_date(moment - timedelta(microseconds=1))
    records = (
        NegativeRecord.objects.filter(kind=RecordKind.SERIOUS_DISHONESTY_LIST)
        .exclude(publication_status=NegativeRecord.PublicationStatus.NOT_PUBLISHED)
        .annotate(listed_from=Coalesce("publish_from", "decision_date"))
        .filter(listed_from__lte=on)
        .filter(Q(publication_status=NegativeRecord.PublicationStatus.PUBLISHED) | Q(ended_at__gte=moment))
    )
    return records.filter(department=department) if department is not None else records


def operating_listed_subjects_at(
    *, moment: datetime, department: Department | None = None, region_code: str = ""
) -> QuerySet[Subject]:
    """Operating subjects on the serious-dishonesty list at `moment` (the population of the coverage targets).
    The operating status is the current one: the registry keeps no history of it. `department` keeps the subjects
    listed by that department; `region_code` the subjects whose region code starts with it."""
    subjects = Subject.objects.filter(
        operating_status=Subject.OperatingStatus.OPERATING,
        pk__in=serious_list_records_at(moment=moment, department=department).values("subject_id"),
    )
    return subjects.filter(region_code__startswith=region_code) if region_code else subjects


def record_field_label(name: str) -> str:
    """The Chinese name of a record field (决定日期, not decision_date); an unknown name stays as it is."""
    try:
        field = NegativeRecord._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def record_value_words(name: str, value: Any) -> str:
    """A record field's value as stored in JSON (a correction, a claimed content) in plain words: dates in Chinese
    form, the severity by its name, lists joined with 、, nothing as —."""
    if value in (None, "", [], {}):
        return "—"
    if name == "severity" and value in Severity.values:
        return str(Severity(value).label)
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    if name == "decision_date" and isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, date):
        return _("%(y)d年%(m)d月%(d)d日") % {"y": value.year, "m": value.month, "d": value.day}
    if isinstance(value, dict):
        return "；".join(f"{key}：{item}" for key, item in value.items())
    return str(value)


def record_changes_described(changes: dict[str, Any]) -> list[str]:
    """Corrections or claimed contents of a record ({field: value}), one line each: 罚没金额（元）：5000.00."""
    if not isinstance(changes, dict):
        return [str(changes)]
    return [f"{record_field_label(name)}：{record_value_words(name, value)}" for name, value in changes.items()]
