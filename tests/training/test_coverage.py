"""Coverage = trained / operating blacklisted subjects at the end of the month, recounted on a known fixture; it moves
when a subject leaves the list or stops operating. The invitations are the listed subjects never trained."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.services import record_create
from apps.training.models import Enrollment, TrainingSession
from apps.training.services import enrollment_create, enrollment_mark_attended, session_create
from tests.letters.support import make_subject

COVERAGE = "/api/v1/training/coverage"


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


def figures(api, user, **params):
    response = api(user).get(COVERAGE, params)
    assert response.status_code == 200, response.json()
    body = response.json()
    return body["numerator"], body["denominator"], body["ratio"]


def not_reached(api, user, url):
    response = api(user).get(url)
    assert response.status_code == 200, response.json()
    return {row["uscc"] for row in response.json()["results"]}


def test_coverage_recounted_and_moving_with_the_list(api, users, departments, population):
    s, trainer = population["subjects"], users["trainer"]
    month = timezone.localdate().strftime("%Y-%m")
    assert figures(api, trainer, month=month) == (1, 3, 0.3333)
    body = api(trainer).get(COVERAGE, {"month": month}).json()
    assert body["target"] == 0.5 and body["met"] is False
    assert not_reached(api, trainer, body["not_reached_url"]) == {s["B"].uscc, s["C"].uscc}

    # By region and by listing department.
    assert figures(api, trainer, month=month, region="420502") == (1, 2, 0.5)
    assert figures(api, trainer, month=month, department=departments["tax"].code) == (0, 1, 0.0)
    assert figures(api, trainer, month=month, department=departments["market"].code) == (1, 2, 0.5)

    # C leaves the list (repaired): the denominator drops.
    NegativeRecord.objects.filter(pk=population["records"]["C"].pk).update(
        publication_status=NegativeRecord.PublicationStatus.ENDED_REPAIRED,
        ended_at=timezone.now() - timedelta(minutes=1),
    )
    assert figures(api, trainer, month=month) == (1, 2, 0.5)
    # A stops operating: it leaves both counts.
    Subject.objects.filter(pk=s["A"].pk).update(operating_status=Subject.OperatingStatus.REVOKED)
    assert figures(api, trainer, month=month) == (0, 1, 0.0)


def test_last_month_does_not_count_this_months_attendance(api, users, population):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert figures(api, users["trainer"], month=last_month) == (0, 3, 0.0)


def test_invitations_are_the_listed_never_trained(api, users, population):
    s = population["subjects"]
    response = api(users["trainer"]).get("/api/v1/training/invitations")
    assert response.status_code == 200, response.json()
    assert {row["uscc"] for row in response.json()["results"]} == {s["B"].uscc, s["C"].uscc}
    response = api(users["trainer"]).get("/api/v1/training/invitations", {"region": "420503"})
    assert [row["uscc"] for row in response.json()["results"]] == [s["B"].uscc]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "2999-01"}, "month"),
        ({"month": "0000-01"}, "month"),
        ({"region": "x"}, "region"),
        ({"department": "NOPE"}, "department"),
    ],
)
def test_bad_coverage_filters_name_the_field(api, users, params, field):
    response = api(users["trainer"]).get(COVERAGE, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_who_may_read_coverage(api, users):
    assert api(users["monitor"]).get(COVERAGE).status_code == 200
    assert api(users["applicant"]).get(COVERAGE).status_code == 403
    assert api(users["monitor"]).get("/api/v1/training/invitations").status_code == 403
