from datetime import timedelta

import pytest
from django.utils import timezone

from apps.subjects.models import Subject
from apps.subjects.services import record_create
from apps.training.models import Enrollment, TrainingSession
from apps.training.services import enrollment_create, enrollment_mark_attended, session_create
from tests.letters.support import make_subject
from tests.support.letter_fixtures import fresh_throttle_counts, private_storage, role_perms, run_on_commit

__all__ = ["fresh_throttle_counts", "private_storage", "role_perms", "run_on_commit"]


def listed(subject, department, n):
    return record_create(
        subject=subject,
        kind="serious_dishonesty_list",
        severity="serious",
        department=department,
        decision_no=f"宜列严〔2026〕{n}号",
        decision_date=timezone.localdate() - timedelta(days=200),
    )


@pytest.fixture
def population(departments, users):
    """Listed and operating: A (market, 420502), B (market, 420503), C (tax, 420502). Not in the population:
    D (listed, deregistered), H (never listed). A and H attend a session."""
    market, tax = departments["market"], departments["tax"]
    s = {
        "A": make_subject("宜昌市甲商贸有限公司", region_code="420502"),
        "B": make_subject("宜昌市乙商贸有限公司", region_code="420503"),
        "C": make_subject("宜昌市丙商贸有限公司", region_code="420502"),
        "D": make_subject("宜昌市丁商贸有限公司", region_code="420502"),
        "H": make_subject("宜昌市戊商贸有限公司", region_code="420502"),
    }
    records = {"A": listed(s["A"], market, 1), "B": listed(s["B"], market, 2), "C": listed(s["C"], tax, 3)}
    listed(s["D"], market, 4)
    Subject.objects.filter(pk=s["D"].pk).update(operating_status=Subject.OperatingStatus.DEREGISTERED)
    trainer = users["trainer"]
    start = timezone.now() + timedelta(days=1)
    session = session_create(
        topic="信用修复专题",
        mode="online",
        link="https://meeting.example.cn/room/1",
        capacity=10,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        region_code="420500",
        acting_user=trainer,
    )
    for key in "AHD":
        enrollment_create(session=session, subject=s[key], acting_user=trainer)
    started = timezone.now() - timedelta(minutes=5)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=started, ends_at=started + timedelta(hours=2))
    for key in "AH":
        enrollment_mark_attended(enrollment=Enrollment.objects.get(subject=s[key]), acting_user=trainer)
    return {"subjects": s, "records": records, "session": session, "trainer": trainer}
