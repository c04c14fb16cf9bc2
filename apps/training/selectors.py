"""Reads of the training app: sessions (public facts), enrollments per audience, coverage of the operating blacklist."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.core import clock
from apps.core.api import ID_MAX
from apps.core.audience import Audience
from apps.core.services import case_label
from apps.rules.models import RuleCode
from apps.rules.selectors import rule_in_force_or_none
from apps.subjects.models import NegativeRecord, RecordKind, Subject, SubjectRepresentative
from apps.subjects.selectors import (
    operating_listed_subjects_at,
    serious_list_records_at,
    subjects_represented_by,
)
from apps.training.models import CertificateEvidence, Enrollment, Invitation, TrainingSession

Status = Enrollment.Status


def is_trainer(user: User) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm("training.manage_training")


def _with_places(qs: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return (
        qs.select_related("trainer")
        .annotate(
            taken=Count("enrollments", filter=Q(enrollments__status__in=[Status.ENROLLED, Status.ATTENDED])),
            waitlisted=Count("enrollments", filter=Q(enrollments__status=Status.WAITLISTED)),
        )
        .annotate(free=F("capacity") - F("taken"))
    )


def session_list(
    *, when: str = "upcoming", region_code: str = "", now: datetime | None = None
) -> QuerySet[TrainingSession]:
    """Sessions are public facts (the portal lists the upcoming ones). `when`: upcoming, past or all."""
    now = now or timezone.now()
    qs = TrainingSession.objects.all()
    if when == "upcoming":
        qs = qs.filter(ends_at__gt=now)
    elif when == "past":
        qs = qs.filter(ends_at__lte=now)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    qs = _with_places(qs)
    return qs.order_by("-starts_at", "-id") if when == "past" else qs.order_by("starts_at", "id")


def access_session_by_id(*, user: User, session_id: int) -> TrainingSession:
    """Any signed-in user reads a session's public facts; what they see of its enrollments is chosen per audience."""
    if not user.is_authenticated or session_id > ID_MAX:
        raise TrainingSession.DoesNotExist
    session = _with_places(TrainingSession.objects.filter(pk=session_id)).first()
    if session is None:
        raise TrainingSession.DoesNotExist
    return session


def access_enrollment_by_id(*, user: User, enrollment_id: int) -> Enrollment:
    """Trainers, and the representatives of the enrolled subject. Missing and forbidden look the same."""
    if not user.is_authenticated or enrollment_id > ID_MAX:
        raise Enrollment.DoesNotExist
    enrollment = Enrollment.objects.select_related("session", "subject").filter(pk=enrollment_id).first()
    if enrollment is None:
        raise Enrollment.DoesNotExist
    if is_trainer(user) or subjects_represented_by(user=user).filter(pk=enrollment.subject_id).exists():
        return enrollment
    raise Enrollment.DoesNotExist


@dataclass
class SessionView:
    """A session as one reader sees it: trainers see every enrollment and the check-in code; an enterprise only the
    enrollments of the subjects it represents."""

    session: TrainingSession
    audience: Audience
    enrollments: list[Enrollment]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)


def session_view_for(*, user: User, session_id: int) -> SessionView:
    session = access_session_by_id(user=user, session_id=session_id)
    enrollments = session.enrollments.select_related("subject", "enrolled_by", "certificate").order_by(
        "created_at", "id"
    )
    if is_trainer(user):
        return SessionView(session=session, audience=Audience.STAFF, enrollments=list(enrollments))
    own = enrollments.filter(subject__in=subjects_represented_by(user=user).values("pk"))
    return SessionView(session=session, audience=Audience.PARTY, enrollments=list(own))


def enrollments_of_user(*, user: User) -> QuerySet[Enrollment]:
    """The enrollments of the subjects `user` represents (the portal's "my enrollments")."""
    return (
        Enrollment.objects.filter(subject__in=subjects_represented_by(user=user).values("pk"))
        .select_related("session", "subject", "certificate")
        .order_by("-session__starts_at", "-id")
    )


# Coverage ----------------------------------------------------------------------------------------------------------


def month_end(first: date) -> datetime:
    """The first moment after the month starting on `first` (Asia/Shanghai)."""
    following = clock.first_of_next_month(first)
    return timezone.make_aware(datetime.combine(following, time.min))


def trained_subjects(*, before: datetime) -> QuerySet[Subject]:
    """Subjects with an attended session before `before`."""
    return Subject.objects.filter(
        Exists(Enrollment.objects.filter(subject=OuterRef("pk"), status=Status.ATTENDED, attended_at__lt=before))
    )


@dataclass(frozen=True)
class Coverage:
    month: date
    as_of: datetime
    region_code: str
    department: Department | None
    numerator: int
    denominator: int
    not_reached: QuerySet[Subject]
    target: float | None  # the rule row target.repair_training in force on the month's last day, as a fraction

    @property
    def ratio(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    @property
    def met(self) -> bool | None:
        return None if self.ratio is None or self.target is None else self.ratio >= self.target


def coverage_target(*, month: date, region_code: str = "") -> float | None:
    """The training coverage target in force on the last day of `month` (the same rule row as the monthly report)."""
    last_day = clock.first_of_next_month(month) - timedelta(days=1)
    rule = rule_in_force_or_none(code=RuleCode.TARGET_REPAIR_TRAINING, on=last_day, region_code=region_code)
    return None if rule is None else rule.value / 100


def training_coverage(
    *, month: date, region_code: str = "", department: Department | None = None, now: datetime | None = None
) -> Coverage:
    """Trained / operating blacklisted subjects at the end of `month` (or now, for the month in progress). The
    denominator is the subjects app's operating blacklist at that moment; the numerator the part of it that attended
    a session before that moment."""
    now = now or timezone.now()
    as_of = min(month_end(month), now)
    population = operating_listed_subjects_at(moment=as_of, department=department, region_code=region_code)
    trained = Exists(Enrollment.objects.filter(subject=OuterRef("pk"), status=Status.ATTENDED, attended_at__lt=as_of))
    return Coverage(
        month=month,
        as_of=as_of,
        region_code=region_code,
        department=department,
        numerator=population.filter(trained).count(),
        denominator=population.count(),
        not_reached=population.exclude(trained).order_by("region_code", "uscc"),
        target=coverage_target(month=month, region_code=region_code),
    )


def coverage_by_department(*, month: date, region_code: str = "") -> list[Coverage]:
    """The month's coverage in total (first) and for each department that lists a subject of the population."""
    total = training_coverage(month=month, region_code=region_code)
    department_ids = (
        serious_list_records_at(moment=total.as_of)
        .filter(subject__in=operating_listed_subjects_at(moment=total.as_of, region_code=region_code))
        .values("department_id")
    )
    departments = Department.objects.filter(pk__in=department_ids).order_by("code")
    return [total] + [
        training_coverage(month=month, region_code=region_code, department=department) for department in departments
    ]


def coverage_by_month(
    *, last: date, months: int = 6, region_code: str = "", department: Department | None = None
) -> list[Coverage]:
    """The coverage of `months` months ending with `last`, oldest first (the trainer's chart)."""
    firsts = []
    first = last
    for _i in range(months):
        firsts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return [training_coverage(month=m, region_code=region_code, department=department) for m in reversed(firsts)]


def invitation_candidates(
    *, region_code: str = "", department: Department | None = None, record_kind: str = ""
) -> QuerySet[Subject]:
    """Who to invite: operating blacklisted subjects now, never trained. `department` keeps those listed by it;
    `record_kind` those that also have a published record of that kind (a penalty, an abnormal-operation entry...).
    Each carries whether it is enrolled in an upcoming session and how many invitations it has had."""
    now = timezone.now()
    upcoming = Enrollment.objects.filter(
        subject=OuterRef("pk"), status__in=[Status.ENROLLED, Status.WAITLISTED], session__ends_at__gt=now
    )
    qs = operating_listed_subjects_at(moment=now, department=department, region_code=region_code).exclude(
        pk__in=trained_subjects(before=now).values("pk")
    )
    if record_kind:
        qs = qs.filter(
            Exists(
                NegativeRecord.objects.filter(
                    subject=OuterRef("pk"),
                    kind=record_kind,
                    publication_status=NegativeRecord.PublicationStatus.PUBLISHED,
                )
            )
        )
    return qs.annotate(
        enrolled_upcoming=Exists(upcoming),
        invitations_sent=Count("training_invitations", distinct=True),
    ).order_by("region_code", "uscc")


RECORD_KINDS = RecordKind.choices


def representatives_of(*, subject: Subject) -> list[User]:
    """The accounts acting for a subject (who receive its invitations)."""
    return [
        rep.user
        for rep in SubjectRepresentative.objects.filter(subject=subject, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]


def session_invitations(*, session: TrainingSession) -> QuerySet[Invitation]:
    return session.invitations.select_related("subject", "sent_by").order_by("-sent_at", "-id")


# Certificates as evidence ----------------------------------------------------------------------------------------


def certificates_usable_as_evidence(*, subject: Subject, before: datetime) -> QuerySet[Enrollment]:
    """The attended enrollments of `subject` before `before` that carry a training certificate."""
    return (
        Enrollment.objects.filter(
            subject=subject, status=Status.ATTENDED, attended_at__lt=before, certificate__isnull=False
        )
        .select_related("certificate", "session")
        .order_by("attended_at", "id")
    )


def certificate_evidence_of(*, case: Model) -> list[CertificateEvidence]:
    """The training certificates attached to a case as evidence, with their session and letter."""
    return list(
        CertificateEvidence.objects.filter(case_type=case_label(case), case_id=case.pk)
        .select_related("certificate", "enrollment__session")
        .order_by("attached_at", "id")
    )
