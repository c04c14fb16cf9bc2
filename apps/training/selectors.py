"""Reads of the training app: sessions (public facts), enrollments per audience, coverage of the operating blacklist."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.core.api import ID_MAX
from apps.core.audience import Audience
from apps.rules.models import RuleCode
from apps.rules.selectors import rule_in_force_or_none
from apps.subjects.models import Subject
from apps.subjects.selectors import operating_listed_subjects_at, subjects_represented_by
from apps.training.models import Enrollment, TrainingSession

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


def session_list(*, when: str = "upcoming", region_code: str = "", now: datetime | None = None):
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

    def __getattr__(self, name):
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
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
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
    last_day = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
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


def coverage_by_month(*, last: date, months: int = 6, region_code: str = "", department: Department | None = None):
    """The coverage of `months` months ending with `last`, oldest first (the trainer's chart)."""
    firsts = []
    first = last
    for _i in range(months):
        firsts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return [training_coverage(month=m, region_code=region_code, department=department) for m in reversed(firsts)]


def invitation_candidates(*, region_code: str = "", department: Department | None = None) -> QuerySet[Subject]:
    """Who to invite: operating blacklisted subjects now, never trained and not enrolled in an upcoming session."""
    now = timezone.now()
    upcoming = Enrollment.objects.filter(
        subject=OuterRef("pk"), status__in=[Status.ENROLLED, Status.WAITLISTED], session__ends_at__gt=now
    )
    return (
        operating_listed_subjects_at(moment=now, department=department, region_code=region_code)
        .exclude(pk__in=trained_subjects(before=now).values("pk"))
        .annotate(enrolled_upcoming=Exists(upcoming))
        .order_by("region_code", "uscc")
    )
