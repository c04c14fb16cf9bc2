"""The trainer's workbench and the portal pages: who sees what, and a refusal shown with its reason."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.subjects.services import record_create, subject_representative_add
from apps.training.models import Enrollment, TrainingSession
from apps.training.services import enrollment_create, session_create
from tests.letters.support import make_subject


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def session(users):
    start = timezone.now() + timedelta(days=2)
    return session_create(
        topic="信用修复政策解读",
        mode="on_site",
        place="宜昌市民中心",
        capacity=1,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        region_code="420500",
        acting_user=users["trainer"],
    )


def test_the_portal_lists_upcoming_sessions_to_anyone(session):
    response = client_for().get("/portal/training/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "信用修复政策解读" in page
    assert "余 1 名" in page
    assert session.checkin_code not in page


def test_a_representative_enrols_on_the_portal_and_the_full_session_waitlists(users, session):
    first, second = make_subject("宜昌市门户一号有限公司"), make_subject("宜昌市门户二号有限公司")
    for subject in (first, second):
        subject_representative_add(subject=subject, user=users["applicant"])
    client = client_for(users["applicant"])
    response = client.post(f"/portal/training/sessions/{session.pk}/enrol/", {"subject": first.uscc}, follow=True)
    assert "已为 宜昌市门户一号有限公司 报名" in response.content.decode()
    response = client.post(f"/portal/training/sessions/{session.pk}/enrol/", {"subject": second.uscc}, follow=True)
    assert "已为 宜昌市门户二号有限公司 登记候补" in response.content.decode()
    response = client.post(f"/portal/training/sessions/{session.pk}/enrol/", {"subject": first.uscc}, follow=True)
    assert "不能重复报名" in response.content.decode()
    assert list(Enrollment.objects.order_by("pk").values_list("subject", "status")) == [
        (first.pk, "enrolled"),
        (second.pk, "waitlisted"),
    ]

    # Checking in before the session opens is refused with the reason; nothing changes.
    response = client.post(
        f"/portal/training/sessions/{session.pk}/checkin/",
        {"subject": first.uscc, "code": session.checkin_code},
        follow=True,
    )
    assert "签到尚未开始" in response.content.decode()
    assert Enrollment.objects.get(subject=first).status == "enrolled"


def test_an_applicant_cannot_enrol_a_subject_it_does_not_represent(users, session):
    other = make_subject("宜昌市别家有限公司")
    subject_representative_add(subject=other, user=users["applicant2"])
    mine = make_subject("宜昌市自家有限公司")
    subject_representative_add(subject=mine, user=users["applicant"])
    response = client_for(users["applicant"]).post(
        f"/portal/training/sessions/{session.pk}/enrol/", {"subject": other.uscc}, follow=True
    )
    assert "您不是该主体的代理人" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_the_trainer_workbench(users, session):
    listed = make_subject("宜昌市待邀请有限公司")
    record_create(
        subject=listed,
        kind="serious_dishonesty_list",
        severity="serious",
        department=users["officer"].department,
        decision_no="宜列严〔2026〕9号",
        decision_date=timezone.localdate() - timedelta(days=100),
    )
    client = client_for(users["trainer"])
    page = client.get("/workbench/training/").content.decode()
    assert "信用修复政策解读" in page
    assert "宜昌市待邀请有限公司" in page  # invited: listed, never trained
    assert "培训覆盖率" in page

    enrollment_create(session=session, subject=listed, acting_user=users["trainer"])
    page = client.get(f"/workbench/training/sessions/{session.pk}/").content.decode()
    assert session.checkin_code in page
    assert "宜昌市待邀请有限公司" in page
    enrollment = Enrollment.objects.get()
    response = client.post(f"/workbench/training/enrollments/{enrollment.pk}/attend/", follow=True)
    assert "培训尚未开始" in response.content.decode()

    response = client.post(
        f"/workbench/training/sessions/{session.pk}/",
        {
            "topic": "信用修复政策解读（更新）",
            "mode": "on_site",
            "place": "宜昌市民中心",
            "capacity": 5,
            "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "region_code": "420500",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.topic, session.capacity) == ("信用修复政策解读（更新）", 5)


def test_the_workbench_is_the_trainers(users, session):
    assert client_for(users["applicant"]).get("/workbench/training/").status_code == 403
    assert client_for(users["applicant"]).get(f"/workbench/training/sessions/{session.pk}/").status_code == 403
    assert client_for().get("/workbench/training/").status_code == 302
    assert TrainingSession.objects.count() == 1
