"""Writes of the training app: sessions, enrollment with a waitlist, cancellation, check-in and attendance.

Every refusal is an ApplicationError with a stable code and a Chinese reason; every change writes its audit row in
the same transaction. The session row is locked while its places are counted, so two enrollments never both take
the last place.
"""

import secrets
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import ApplicationError, ConflictError
from apps.core.services import case_event_record, case_label
from apps.letters.models import TemplateCode
from apps.letters.services import letter_create
from apps.notifications.services import training_invitation_notify
from apps.sla.workdays import business_date
from apps.subjects.models import Subject
from apps.subjects.selectors import user_represents_subject
from apps.training.models import CertificateEvidence, Enrollment, Invitation, TrainingSession
from apps.training.selectors import certificates_usable_as_evidence, representatives_of

# The code is accepted from a little before the start (people arrive early) until the end of the session.
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
SESSION_FIELDS = ["topic", "mode", "place", "link", "capacity", "starts_at", "ends_at", "region_code"]

Status = Enrollment.Status


def new_checkin_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _forbid_unless_trainer(user: User) -> None:
    if not user.has_perm("training.manage_training"):
        raise ApplicationError("forbidden", _("只有培训协调人可以执行此操作。"), status_code=403)


@transaction.atomic
def session_create(
    *,
    topic: str,
    mode: str,
    capacity: int,
    starts_at: datetime,
    ends_at: datetime,
    region_code: str,
    place: str = "",
    link: str = "",
    acting_user: User,
) -> TrainingSession:
    """A trainer schedules a session; the trainer is the acting user and their department issues the certificates."""
    _forbid_unless_trainer(acting_user)
    session = TrainingSession(
        topic=topic,
        mode=mode,
        place=place,
        link=link,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=ends_at,
        region_code=region_code,
        trainer=acting_user,
        department=acting_user.department,
        checkin_code=new_checkin_code(),
    )
    session.full_clean()
    if starts_at <= timezone.now():
        raise ApplicationError(
            "session_in_past",
            _("开始时间已过，不能新建该场次。"),
            fields={"starts_at": [_("开始时间须晚于当前时间。")]},
        )
    session.save()
    case_event_record(
        case=session,
        kind="training_session_created",
        acting_user=acting_user,
        data={field: getattr(session, field) for field in SESSION_FIELDS},
    )
    return session


@transaction.atomic
def session_update(*, session: TrainingSession, acting_user: User, **changes: Any) -> TrainingSession:
    """Edit a session. The capacity cannot drop below the places already taken; freed places go to the waitlist."""
    _forbid_unless_trainer(acting_user)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = {field: getattr(session, field) for field in changes}
    for field, value in changes.items():
        setattr(session, field, value)
    session.full_clean()
    taken = session.enrollments.filter(status__in=[Status.ENROLLED, Status.ATTENDED]).count()
    if session.capacity < taken:
        raise ApplicationError(
            "capacity_below_enrolled",
            _("名额不能少于已报名人数（%(taken)d）。") % {"taken": taken},
            fields={"capacity": [_("名额不能少于已报名人数（%(taken)d）。") % {"taken": taken}]},
            extra={"taken": taken},
        )
    session.save(update_fields=[*changes, "updated_at"])
    case_event_record(
        case=session,
        kind="training_session_changed",
        acting_user=acting_user,
        data={"before": before, "after": {field: getattr(session, field) for field in changes}},
    )
    _promote_waitlist(session=session, acting_user=acting_user)
    return session


def _may_enrol_for(*, user: User, subject: Subject) -> bool:
    return user.has_perm("training.manage_training") or user_represents_subject(user=user, subject=subject)


def _taken(session: TrainingSession) -> int:
    return session.enrollments.filter(status__in=[Status.ENROLLED, Status.ATTENDED]).count()


@transaction.atomic
def enrollment_create(
    *,
    session: TrainingSession,
    subject: Subject,
    acting_user: User,
    attendee_name: str = "",
    accept_waitlist: bool = True,
) -> Enrollment:
    """Enrol a subject: by its representative, or by a trainer for it. A full session puts it on the waitlist
    (or refuses, when the caller does not accept the waitlist)."""
    if not _may_enrol_for(user=acting_user, subject=subject):
        raise ApplicationError(
            "not_representative",
            _("您不是该主体的代理人，不能为其报名。"),
            fields={"subject": [_("您不是该主体的代理人。")]},
            status_code=403,
        )
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.ends_at <= timezone.now():
        raise ApplicationError("session_ended", _("该场次已结束，不能报名。"))
    existing = session.enrollments.filter(subject=subject).exclude(status=Status.CANCELLED).first()
    if existing is not None:
        raise ConflictError(
            "already_enrolled",
            _("该主体已报名本场次（%(status)s），不能重复报名。") % {"status": existing.get_status_display()},
            fields={"subject": [_("该主体已报名本场次。")]},
            extra={"enrollment": existing.pk},
        )
    full = _taken(session) >= session.capacity
    if full and not accept_waitlist:
        raise ConflictError(
            "session_full",
            _("本场次名额已满（%(capacity)d 人）。") % {"capacity": session.capacity},
            extra={"capacity": session.capacity},
        )
    enrollment = Enrollment(
        session=session,
        subject=subject,
        enrolled_by=acting_user,
        attendee_name=attendee_name,
        status=Status.WAITLISTED if full else Status.ENROLLED,
    )
    enrollment.full_clean()
    enrollment.save()
    case_event_record(
        case=enrollment,
        kind="training_enrolled",
        acting_user=acting_user,
        data={"session": session.pk, "subject": subject.uscc, "status": enrollment.status},
    )
    return enrollment


def _promote_waitlist(*, session: TrainingSession, acting_user: User | None) -> list[Enrollment]:
    """Fill free places from the waitlist, first come first served. The caller holds the session lock."""
    free = session.capacity - _taken(session)
    promoted: list[Enrollment] = []
    if free <= 0 or session.ends_at <= timezone.now():
        return promoted
    for enrollment in session.enrollments.filter(status=Status.WAITLISTED).order_by("created_at", "id")[:free]:
        enrollment.status = Status.ENROLLED
        enrollment.save(update_fields=["status", "updated_at"])
        case_event_record(
            case=enrollment,
            kind="training_promoted",
            acting_user=acting_user,
            data={"session": session.pk, "subject": enrollment.subject.uscc},
        )
        promoted.append(enrollment)
    return promoted


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, acting_user: User) -> Enrollment:
    """Cancel an enrollment (its representative or a trainer). A freed place goes to the first on the waitlist."""
    if not _may_enrol_for(user=acting_user, subject=enrollment.subject):
        raise ApplicationError("not_representative", _("您不是该主体的代理人，不能取消其报名。"), status_code=403)
    session = TrainingSession.objects.select_for_update().get(pk=enrollment.session_id)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status == Status.CANCELLED:
        raise ConflictError("already_cancelled", _("该报名已取消。"))
    if enrollment.status == Status.ATTENDED:
        raise ConflictError("already_attended", _("已参加培训的报名不能取消。"))
    before = enrollment.status
    enrollment.status, enrollment.cancelled_at = Status.CANCELLED, timezone.now()
    enrollment.save(update_fields=["status", "cancelled_at", "updated_at"])
    case_event_record(
        case=enrollment,
        kind="training_cancelled",
        acting_user=acting_user,
        data={"session": session.pk, "subject": enrollment.subject.uscc, "before": before},
    )
    _promote_waitlist(session=session, acting_user=acting_user)
    return enrollment


def _hours(session: TrainingSession) -> str:
    hours = Decimal((session.ends_at - session.starts_at).total_seconds()) / Decimal(3600)
    return str(hours.quantize(Decimal("0.5") if hours % 1 else Decimal("1"), rounding=ROUND_HALF_UP))


def _attend(*, enrollment: Enrollment, acting_user: User, how: str) -> Enrollment:
    """Mark present and issue the training certificate (a letter: numbered, verifiable, read by the subject)."""
    session = enrollment.session
    enrollment.status, enrollment.attended_at = Status.ATTENDED, timezone.now()
    enrollment.save(update_fields=["status", "attended_at", "updated_at"])
    case_event_record(
        case=enrollment,
        kind="training_attended",
        acting_user=acting_user,
        data={"session": session.pk, "subject": enrollment.subject.uscc, "how": how},
    )
    subject = enrollment.subject
    certificate = letter_create(
        template_code=TemplateCode.TRAINING_CERTIFICATE,
        owner=enrollment,
        recipient=subject,
        context={
            "subject_name": subject.name,
            "subject_uscc": subject.uscc,
            "certificate_no": f"PX-{business_date(session.starts_at).year}-{enrollment.pk:06d}",
            "attendee_name": enrollment.attendee_name or _("代表"),
            "session_name": _("“%(topic)s”信用修复培训") % {"topic": session.topic},
            "session_date": business_date(session.starts_at),
            "hours": _hours(session),
        },
        acting_user=acting_user,
        department=session.department,
    )
    enrollment.certificate = certificate
    enrollment.save(update_fields=["certificate", "updated_at"])
    return enrollment


@transaction.atomic
def enrollment_check_in(*, session: TrainingSession, subject: Subject, code: str, acting_user: User) -> Enrollment:
    """The subject's representative checks in with the code shown at the session, during the session window."""
    if not user_represents_subject(user=acting_user, subject=subject):
        raise ApplicationError(
            "not_representative",
            _("您不是该主体的代理人，不能为其签到。"),
            fields={"subject": [_("您不是该主体的代理人。")]},
            status_code=403,
        )
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(session=session, subject=subject)
        .exclude(status=Status.CANCELLED)
        .first()
    )
    if enrollment is None or enrollment.status == Status.WAITLISTED:
        raise ApplicationError(
            "not_enrolled",
            _("该主体未报名本场次（或仍在候补），不能签到。"),
            fields={"subject": [_("该主体未报名本场次。")]},
        )
    if enrollment.status == Status.ATTENDED:
        raise ConflictError("already_checked_in", _("该主体已签到。"), extra={"enrollment": enrollment.pk})
    now = timezone.now()
    if now < session.starts_at - CHECKIN_OPENS_BEFORE:
        opens = timezone.localtime(session.starts_at - CHECKIN_OPENS_BEFORE)
        raise ApplicationError(
            "checkin_not_open",
            _("签到尚未开始，%(time)s 起可签到。") % {"time": opens.strftime("%Y-%m-%d %H:%M")},
            fields={"code": [_("签到尚未开始。")]},
        )
    if now > session.ends_at:
        raise ApplicationError(
            "checkin_code_expired",
            _("本场次已于 %(time)s 结束，签到码已失效。")
            % {"time": timezone.localtime(session.ends_at).strftime("%Y-%m-%d %H:%M")},
            fields={"code": [_("签到码已失效。")]},
        )
    # bytes: compare_digest refuses str with non-ASCII characters (a code typed in Chinese is simply wrong)
    if not secrets.compare_digest(code.strip().encode(), session.checkin_code.encode()):
        raise ApplicationError("checkin_code_wrong", _("签到码不正确。"), fields={"code": [_("签到码不正确。")]})
    return _attend(enrollment=enrollment, acting_user=acting_user, how="code")


@transaction.atomic
def enrollment_mark_attended(*, enrollment: Enrollment, acting_user: User) -> Enrollment:
    """The coordinator marks a subject present from the list (from the start of the session on)."""
    _forbid_unless_trainer(acting_user)
    session = TrainingSession.objects.select_for_update().get(pk=enrollment.session_id)
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("subject", "session").get(pk=enrollment.pk)
    )
    if timezone.now() < session.starts_at:
        raise ApplicationError("session_not_started", _("培训尚未开始，不能登记出席。"))
    if enrollment.status == Status.ATTENDED:
        raise ConflictError("already_checked_in", _("该主体已登记出席。"))
    if enrollment.status == Status.CANCELLED:
        raise ConflictError("already_cancelled", _("该报名已取消，不能登记出席。"))
    return _attend(enrollment=enrollment, acting_user=acting_user, how="coordinator")


# Invitations -------------------------------------------------------------------------------------------------------

INVITATION_MAX_SUBJECTS = 500


def invitation_default_text(session: TrainingSession) -> str:
    """The text a trainer starts from: what, when, where, and how to enrol."""
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    where = (
        session.place
        if session.mode == TrainingSession.Mode.ON_SITE
        else _("线上（%(link)s）") % {"link": session.link}
    )
    return _(
        "诚邀贵单位参加“%(topic)s”信用修复培训：%(day)s %(start)s至%(end)s，%(where)s。培训免费，"
        "参加后出具培训证明，可作为信用修复申请的证明材料。请登录门户“信用修复培训”页面报名。"
    ) % {
        "topic": session.topic,
        "day": f"{starts.year}年{starts.month}月{starts.day}日",
        "start": starts.strftime("%H:%M"),
        "end": ends.strftime("%H:%M"),
        "where": where,
    }


@transaction.atomic
def invitation_send(
    *, session: TrainingSession, subjects: list[Subject], text: str = "", acting_user: User
) -> list[Invitation]:
    """Invite subjects to a session: each invitation is recorded with its text and sent to the subject's
    representatives through the notification channels. A subject already invited to the session is not invited
    twice; when every one of them was, the request is refused and nothing changes."""
    _forbid_unless_trainer(acting_user)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.ends_at <= timezone.now():
        raise ApplicationError("session_ended", _("该场次已结束，不能再发出邀请。"))
    if not subjects:
        raise ApplicationError(
            "no_subjects", _("请选择要邀请的主体。"), fields={"subjects": [_("请选择要邀请的主体。")]}
        )
    if len(subjects) > INVITATION_MAX_SUBJECTS:
        message = _("一次最多邀请 %(n)d 户。") % {"n": INVITATION_MAX_SUBJECTS}
        raise ApplicationError("too_many_subjects", message, fields={"subjects": [message]})
    text = (text or "").strip() or invitation_default_text(session)
    if len(text) > 1000:
        message = _("邀请内容不能超过 1000 字。")
        raise ApplicationError("text_too_long", message, fields={"text": [message]})
    invited = set(session.invitations.values_list("subject_id", flat=True))
    fresh = [subject for subject in dict.fromkeys(subjects) if subject.pk not in invited]
    if not fresh:
        raise ConflictError(
            "already_invited",
            _("所选主体均已邀请参加本场次。"),
            fields={"subjects": [_("所选主体均已邀请参加本场次。")]},
        )
    url = reverse("training-portal")
    now = timezone.now()
    created = []
    for subject in fresh:
        people = representatives_of(subject=subject)
        invitation = Invitation.objects.create(
            session=session, subject=subject, text=text, sent_by=acting_user, sent_at=now, recipients=len(people)
        )
        case_event_record(
            case=invitation,
            kind="training_invited",
            acting_user=acting_user,
            data={"session": session.pk, "subject": subject.uscc, "text": text, "recipients": len(people)},
        )
        training_invitation_notify(
            recipients=people, invitation_id=invitation.pk, topic=session.topic, text=text, url=url
        )
        created.append(invitation)
    return created


# Certificates as evidence ----------------------------------------------------------------------------------------


@transaction.atomic
def certificates_attach_as_evidence(
    *, case: models.Model, subject: Subject, before: datetime, acting_user: User | None
) -> list[CertificateEvidence]:
    """Attach to `case` (a repair application, when it is filed) the training certificates `subject` holds from
    sessions attended before `before`: referenced, verifiable letters, no new upload. Each goes into the case's
    history. Calling it again attaches nothing twice."""
    label = case_label(case)
    attached = set(
        CertificateEvidence.objects.filter(case_type=label, case_id=case.pk).values_list("certificate_id", flat=True)
    )
    created = []
    for enrollment in certificates_usable_as_evidence(subject=subject, before=before):
        certificate = enrollment.certificate
        if certificate is None or certificate.pk in attached:
            continue
        evidence = CertificateEvidence.objects.create(
            case_type=label,
            case_id=case.pk,
            enrollment=enrollment,
            certificate=certificate,
            attached_at=timezone.now(),
        )
        case_event_record(
            case=case,
            kind="training_certificate_attached",
            acting_user=acting_user,
            data={
                "certificate": certificate.pk,
                "verification_code": certificate.verification_code,
                "session": enrollment.session_id,
                "attended_at": enrollment.attended_at,
            },
        )
        created.append(evidence)
    return created
