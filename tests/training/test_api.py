"""Repair training over the API: sessions, enrollment and its waitlist, cancellation, check-in, attendance and the
certificate, each bad input refused with a 4xx naming the reason and nothing changed (counted before and after)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models import CaseEvent
from apps.letters.models import Letter
from apps.subjects.services import subject_representative_add
from apps.training.models import Enrollment, TrainingSession
from tests.letters.support import make_subject

SESSIONS = "/api/v1/training/sessions"


def session_body(**overrides):
    start = timezone.now() + timedelta(days=3)
    body = {
        "topic": "信用修复流程与材料准备",
        "mode": "on_site",
        "place": "宜昌市民中心三楼会议室",
        "capacity": 2,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "region_code": "420500",
    }
    body.update(overrides)
    return body


@pytest.fixture
def subjects(users):
    """Three enterprises applicant1 represents, one applicant2 represents."""
    own = [make_subject(f"宜昌市培训{n}号商贸有限公司") for n in range(3)]
    for subject in own:
        subject_representative_add(subject=subject, user=users["applicant"])
    other = make_subject("宜昌市他人商贸有限公司")
    subject_representative_add(subject=other, user=users["applicant2"])
    return {"own": own, "other": other}


@pytest.fixture
def session(api, users):
    response = api(users["trainer"]).post(SESSIONS, session_body(), format="json")
    assert response.status_code == 201, response.json()
    return TrainingSession.objects.get(pk=response.json()["id"])


def enrol(api, user, session, subject, **extra):
    return api(user).post(f"{SESSIONS}/{session.pk}/enrollments", {"subject": subject.uscc, **extra}, format="json")


def open_window(session, *, started_minutes_ago=10):
    """Move the session so that it started a few minutes ago (the check-in window is open)."""
    start = timezone.now() - timedelta(minutes=started_minutes_ago)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
    session.refresh_from_db()


def snapshot():
    return (
        list(Enrollment.objects.order_by("pk").values_list("pk", "status", "attended_at", "certificate_id")),
        list(TrainingSession.objects.order_by("pk").values_list("pk", "capacity", "starts_at", "topic")),
        CaseEvent.objects.count(),
        Letter.objects.count(),
    )


def refused(response, status, error):
    body = response.json()
    assert response.status_code == status, body
    assert body["error"] == error, body
    assert body["detail"]
    return body


# Sessions ----------------------------------------------------------------------------------------------------------


def test_trainer_creates_and_edits_a_session_applicant_cannot(api, users, session):
    assert session.trainer == users["trainer"]
    assert len(session.checkin_code) == 6
    assert CaseEvent.objects.filter(case_type="training.trainingsession", kind="training_session_created").count() == 1

    response = api(users["trainer"]).patch(f"{SESSIONS}/{session.pk}", {"capacity": 30}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["capacity"] == 30

    before = snapshot()
    refused(api(users["applicant"]).post(SESSIONS, session_body(), format="json"), 403, "forbidden")
    refused(api(users["applicant"]).patch(f"{SESSIONS}/{session.pk}", {"capacity": 1}, format="json"), 403, "forbidden")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mode": "online", "link": ""}, "link"),
        ({"place": ""}, "place"),
        ({"capacity": 0}, "capacity"),
        ({"region_code": "42"}, "region_code"),
    ],
)
def test_a_bad_session_names_the_field(api, users, overrides, field):
    response = api(users["trainer"]).post(SESSIONS, session_body(**overrides), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not TrainingSession.objects.exists()


def test_a_session_ending_before_it_starts_is_refused(api, users):
    start = timezone.now() + timedelta(days=1)
    body = session_body(starts_at=start.isoformat(), ends_at=(start - timedelta(hours=1)).isoformat())
    response = api(users["trainer"]).post(SESSIONS, body, format="json")
    assert response.status_code == 400
    assert "ends_at" in response.json()["fields"]
    assert not TrainingSession.objects.exists()


def test_the_list_shows_upcoming_sessions_with_free_places(api, users, session, subjects):
    enrol(api, users["applicant"], session, subjects["own"][0])
    response = api(users["applicant2"]).get(SESSIONS)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == session.pk
    assert (row["capacity"], row["taken"], row["free_places"]) == (2, 1, 1)
    assert "checkin_code" not in row and "enrollments" not in row
    assert api(users["applicant2"]).get(SESSIONS, {"when": "past"}).json()["results"] == []


# Enrollment, waitlist, cancellation ---------------------------------------------------------------------------------


def test_full_session_waitlists_and_a_cancellation_promotes_the_first_waiting(api, users, session, subjects):
    a, b, c = subjects["own"]
    assert enrol(api, users["applicant"], session, a).json()["status"] == "enrolled"
    assert enrol(api, users["applicant"], session, b).json()["status"] == "enrolled"
    waiting = enrol(api, users["applicant"], session, c)
    assert waiting.status_code == 201
    assert waiting.json()["status"] == "waitlisted"

    first = Enrollment.objects.get(subject=a)
    response = api(users["applicant"]).post(f"/api/v1/training/enrollments/{first.pk}/cancel")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert Enrollment.objects.get(subject=c).status == "enrolled"
    kinds = set(CaseEvent.objects.filter(case_type="training.enrollment").values_list("kind", flat=True))
    assert {"training_enrolled", "training_cancelled", "training_promoted"} <= kinds

    # A cancelled subject may enrol again; the session is full, so it waits.
    assert enrol(api, users["applicant"], session, a).json()["status"] == "waitlisted"


def test_enrolling_twice_is_refused_and_changes_nothing(api, users, session, subjects):
    enrol(api, users["applicant"], session, subjects["own"][0])
    before = snapshot()
    body = refused(enrol(api, users["applicant"], session, subjects["own"][0]), 409, "already_enrolled")
    assert "subject" in body["fields"]
    assert snapshot() == before


def test_past_capacity_without_waitlist_is_refused_and_changes_nothing(api, users, session, subjects):
    a, b, c = subjects["own"]
    enrol(api, users["applicant"], session, a)
    enrol(api, users["applicant"], session, b)
    before = snapshot()
    body = refused(enrol(api, users["applicant"], session, c, accept_waitlist=False), 409, "session_full")
    assert "2" in body["detail"]
    assert snapshot() == before


def test_capacity_cannot_drop_below_the_enrolled(api, users, session, subjects):
    a, b, _c = subjects["own"]
    enrol(api, users["applicant"], session, a)
    enrol(api, users["applicant"], session, b)
    before = snapshot()
    body = refused(
        api(users["trainer"]).patch(f"{SESSIONS}/{session.pk}", {"capacity": 1}, format="json"),
        400,
        "capacity_below_enrolled",
    )
    assert "capacity" in body["fields"]
    assert snapshot() == before


def test_enrolling_a_subject_one_does_not_represent_is_refused(api, users, session, subjects):
    before = snapshot()
    body = refused(enrol(api, users["applicant"], session, subjects["other"]), 403, "not_representative")
    assert "subject" in body["fields"]
    assert snapshot() == before


def test_an_invalid_code_names_the_field(api, users, session):
    response = api(users["applicant"]).post(
        f"{SESSIONS}/{session.pk}/enrollments", {"subject": "91350100M000100Y44"}, format="json"
    )
    assert response.status_code == 400
    assert "subject" in response.json()["fields"]
    assert not Enrollment.objects.exists()


def test_the_trainer_enrols_for_a_subject_and_sees_all_the_enterprise_only_its_own(api, users, session, subjects):
    enrol(api, users["trainer"], session, subjects["other"], attendee_name="李四")
    enrol(api, users["applicant"], session, subjects["own"][0])

    staff = api(users["trainer"]).get(f"{SESSIONS}/{session.pk}").json()
    assert staff["checkin_code"] == session.checkin_code
    assert {row["subject"]["uscc"] for row in staff["enrollments"]} == {subjects["other"].uscc, subjects["own"][0].uscc}

    party = api(users["applicant"]).get(f"{SESSIONS}/{session.pk}").json()
    assert "checkin_code" not in party and "enrollments" not in party
    assert [row["subject"]["uscc"] for row in party["my_enrollments"]] == [subjects["own"][0].uscc]
    assert "enrolled_by" not in party["my_enrollments"][0]

    # Another enterprise cannot cancel or read an enrollment that is not its own: it looks missing.
    theirs = Enrollment.objects.get(subject=subjects["other"])
    before = snapshot()
    refused(api(users["applicant"]).post(f"/api/v1/training/enrollments/{theirs.pk}/cancel"), 404, "not_found")
    assert snapshot() == before


def test_anonymous_and_unknown(api, users, session):
    assert api().get(SESSIONS).status_code in (401, 403)
    refused(api(users["applicant"]).get(f"{SESSIONS}/999999"), 404, "not_found")
    refused(api(users["applicant"]).get(f"{SESSIONS}/99999999999999999999"), 404, "not_found")


# Check-in, attendance, certificate -----------------------------------------------------------------------------------


def checkin(api, user, session, subject, code):
    return api(user).post(f"{SESSIONS}/{session.pk}/checkin", {"subject": subject.uscc, "code": code}, format="json")


def test_check_in_with_the_right_code_issues_a_verifiable_certificate(api, users, session, subjects, run_on_commit):
    subject = subjects["own"][0]
    enrol(api, users["applicant"], session, subject, attendee_name="王五")
    open_window(session)
    with run_on_commit():
        response = checkin(api, users["applicant"], session, subject, session.checkin_code)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "attended"
    certificate = Letter.objects.get(pk=body["certificate"]["id"])
    assert certificate.code == "training_certificate"
    assert certificate.recipient_uscc == subject.uscc
    assert certificate.context["attendee_name"] == "王五"
    assert certificate.status == Letter.Status.RENDERED

    verified = api().get(f"/api/v1/verify/{certificate.verification_code}")
    assert verified.status_code == 200, verified.json()
    assert verified.json()["valid"] is True
    # The enterprise downloads its certificate.
    pdf = api(users["applicant"]).get(f"/api/v1/letters/{certificate.pk}.pdf")
    assert pdf.status_code == 200

    # Checking in again changes nothing.
    before = snapshot()
    refused(checkin(api, users["applicant"], session, subject, session.checkin_code), 409, "already_checked_in")
    assert snapshot() == before


def test_check_in_with_a_wrong_code_is_refused(api, users, session, subjects):
    subject = subjects["own"][0]
    enrol(api, users["applicant"], session, subject)
    open_window(session)
    wrong = "000000" if session.checkin_code != "000000" else "111111"
    before = snapshot()
    body = refused(checkin(api, users["applicant"], session, subject, wrong), 400, "checkin_code_wrong")
    assert "code" in body["fields"]
    assert snapshot() == before


def test_check_in_before_the_session_opens_is_refused(api, users, session, subjects):
    subject = subjects["own"][0]
    enrol(api, users["applicant"], session, subject)
    before = snapshot()
    body = refused(checkin(api, users["applicant"], session, subject, session.checkin_code), 400, "checkin_not_open")
    assert "code" in body["fields"]
    assert snapshot() == before


def test_check_in_after_the_session_ended_is_refused_as_an_expired_code(api, users, session, subjects):
    subject = subjects["own"][0]
    enrol(api, users["applicant"], session, subject)
    open_window(session, started_minutes_ago=180)
    before = snapshot()
    body = refused(
        checkin(api, users["applicant"], session, subject, session.checkin_code), 400, "checkin_code_expired"
    )
    assert "code" in body["fields"]
    assert snapshot() == before


def test_check_in_for_a_subject_one_does_not_represent_is_refused(api, users, session, subjects):
    enrol(api, users["trainer"], session, subjects["other"])
    open_window(session)
    before = snapshot()
    body = refused(
        checkin(api, users["applicant"], session, subjects["other"], session.checkin_code), 403, "not_representative"
    )
    assert "subject" in body["fields"]
    assert snapshot() == before


def test_check_in_without_enrollment_or_from_the_waitlist_is_refused(api, users, session, subjects):
    a, b, c = subjects["own"]
    enrol(api, users["applicant"], session, a)
    enrol(api, users["applicant"], session, b)
    enrol(api, users["applicant"], session, c)  # waitlisted
    open_window(session)
    other = make_subject("宜昌市未报名商贸有限公司")
    subject_representative_add(subject=other, user=users["applicant"])
    before = snapshot()
    refused(checkin(api, users["applicant"], session, c, session.checkin_code), 400, "not_enrolled")
    refused(checkin(api, users["applicant"], session, other, session.checkin_code), 400, "not_enrolled")
    assert snapshot() == before


def test_the_coordinator_marks_present_from_the_start_on(api, users, session, subjects, run_on_commit):
    subject = subjects["own"][0]
    enrol(api, users["applicant"], session, subject)
    enrollment = Enrollment.objects.get(subject=subject)
    url = f"/api/v1/training/enrollments/{enrollment.pk}/attendance"

    before = snapshot()
    refused(api(users["trainer"]).post(url), 400, "session_not_started")
    refused(api(users["applicant"]).post(url), 403, "forbidden")
    assert snapshot() == before

    open_window(session)
    with run_on_commit():
        response = api(users["trainer"]).post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "attended"
    assert response.json()["certificate"]["verification_code"]
    refused(api(users["trainer"]).post(f"/api/v1/training/enrollments/{enrollment.pk}/cancel"), 409, "already_attended")
