"""Demo repair training for trainer1, on top of apps.demo.services.demo_seed (call that first).

Sessions are placed around the real clock (enrollment and check-in follow it): two held sessions with attendance and
certificates, two upcoming ones with free places. Some of applicant1's and applicant2's subjects are on the serious
list and untrained, so they appear among the subjects to invite, and are invited to the next session. Idempotent: a second run adds nothing.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.subjects.models import RecordKind, Severity, Subject
from apps.subjects.selectors import operating_listed_subjects_at, subjects_represented_by
from apps.subjects.services import record_create
from apps.training.models import Enrollment, TrainingSession
from apps.training.services import (
    enrollment_cancel,
    enrollment_create,
    enrollment_mark_attended,
    invitation_send,
    session_create,
)

# (topic, days from today, start hour, hours, mode, place or link, capacity)
SESSIONS = [
    ("信用修复政策与流程解读（第一期）", -30, 9, 3, "on_site", "宜昌市民中心三楼第一会议室", 40),
    ("失信主体信用修复实务（线上）", -10, 14, 2, "online", "https://meeting.example.gov.cn/yc-xyxf-02", 100),
    ("信用修复政策与流程解读（第二期）", 7, 9, 3, "on_site", "宜昌市民中心三楼第一会议室", 40),
    ("信用承诺与信用报告专题（线上）", 20, 14, 2, "online", "https://meeting.example.gov.cn/yc-xyxf-04", 100),
]
ATTENDEE_NAMES = ["王伟", "李芳", "张军", "刘敏", "陈静", "杨磊", "黄洋", "赵勇"]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _ensure_listed(subject: Subject, department: Department, n: int, today: date) -> None:
    """Give an applicant's subject a serious-list entry (decided 400 days ago) if it has none."""
    if subject.records.filter(kind=RecordKind.SERIOUS_DISHONESTY_LIST).exists():
        return
    if subject.operating_status != Subject.OperatingStatus.OPERATING:
        return
    record_create(
        subject=subject,
        kind=RecordKind.SERIOUS_DISHONESTY_LIST,
        severity=Severity.SERIOUS,
        department=department,
        decision_no=f"宜市监列严〔{today.year - 1}〕{900 + n}号",
        decision_date=today - timedelta(days=400),
        facts="拒不履行行政处罚决定，情节严重",
        legal_basis="《市场监督管理严重违法失信名单管理办法》",
    )


@transaction.atomic
def demo_seed_training() -> dict[str, int]:
    if not settings.DEMO_MODE:
        raise ApplicationError("demo_mode_off", "Demo data can only be loaded with DEMO_MODE on.")
    trainer = User.objects.get(username="trainer1")
    if TrainingSession.objects.filter(trainer=trainer).exists():
        return {"training_sessions": 0, "training_enrollments": 0, "training_invitations": 0}
    today = clock.today()
    market = Department.objects.get(code="YC-SCJG")
    applicants = [User.objects.get(username=name) for name in ("applicant1", "applicant2")]
    invited = []
    for k, applicant in enumerate(applicants):
        subject = subjects_represented_by(user=applicant).filter(operating_status=Subject.OperatingStatus.OPERATING)[0]
        _ensure_listed(subject, market, k, today)
        invited.append(subject.pk)

    listed = list(operating_listed_subjects_at(moment=timezone.now()).exclude(pk__in=invited).order_by("uscc")[:12])
    sessions = []
    for topic, days, hour, hours, mode, where, capacity in SESSIONS:
        # Scheduled as if in advance (a session cannot be created in the past); held ones are moved to their date.
        start = _at(today + timedelta(days=max(days, 1)), hour)
        session = session_create(
            topic=topic,
            mode=mode,
            place=where if mode == "on_site" else "",
            link=where if mode == "online" else "",
            capacity=capacity,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            region_code="420500",
            acting_user=trainer,
        )
        sessions.append((session, days, hour, hours))

    enrollments = 0
    held = [(s, d, h, n) for s, d, h, n in sessions if d < 0]
    upcoming = [s for s, d, _h, _n in sessions if d > 0]
    for index, (session, _d, _h, _n) in enumerate(held):
        for j, subject in enumerate(listed[index * 5 : index * 5 + 5]):
            enrollment_create(
                session=session, subject=subject, acting_user=trainer, attendee_name=ATTENDEE_NAMES[j % 8]
            )
            enrollments += 1
    for session in upcoming:
        for j, subject in enumerate(listed[10:12]):
            enrollment_create(
                session=session, subject=subject, acting_user=trainer, attendee_name=ATTENDEE_NAMES[j % 8]
            )
            enrollments += 1
    # applicant1's and applicant2's listed subjects are invited to the next session (inbox, e-mail as they prefer).
    invitations = invitation_send(
        session=upcoming[0], subjects=list(Subject.objects.filter(pk__in=invited)), acting_user=trainer
    )
    for session, days, hour, hours in held:
        start = _at(today + timedelta(days=days), hour)
        TrainingSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=hours))
        rows = list(session.enrollments.order_by("id"))
        for enrollment in rows[:-1]:
            enrollment_mark_attended(enrollment=enrollment, acting_user=trainer)
        if rows:
            enrollment_cancel(enrollment=rows[-1], acting_user=trainer)  # did not come: cancelled, no certificate
        # Attendance happened during the session: date it so.
        Enrollment.objects.filter(session=session, status=Enrollment.Status.ATTENDED).update(
            attended_at=start + timedelta(minutes=20)
        )
    return {
        "training_sessions": len(sessions),
        "training_enrollments": enrollments,
        "training_invitations": len(invitations),
    }
