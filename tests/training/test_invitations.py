"""Who to invite (by region, listing department and record kind) and the invitations: recorded with their text,
sent to the subject's representatives through the notification channels, each refusal a 4xx naming the reason with
nothing changed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.core.models import CaseEvent
from apps.notifications.models import Notification
from apps.subjects.services import record_create, subject_representative_add
from apps.training.models import Invitation, TrainingSession
from apps.training.services import session_create
from tests.letters.support import make_subject

INVITATIONS = "/api/v1/training/invitations"


def _record(subject, department, n, kind="serious_dishonesty_list"):
    return record_create(
        subject=subject,
        kind=kind,
        severity="serious" if kind == "serious_dishonesty_list" else "general",
        department=department,
        decision_no=f"宜决〔2026〕{n}号",
        decision_date=timezone.localdate() - timedelta(days=200),
    )


@pytest.fixture
def world(users, departments):
    """P (market list + a tax penalty), Q (market list only), R (tax list). applicant1 represents P, applicant2 Q."""
    market, tax = departments["market"], departments["tax"]
    s = {
        "P": make_subject("宜昌市邀请甲有限公司", region_code="420502"),
        "Q": make_subject("宜昌市邀请乙有限公司", region_code="420503"),
        "R": make_subject("宜昌市邀请丙有限公司", region_code="420502"),
    }
    _record(s["P"], market, 1)
    _record(s["P"], tax, 2, kind="administrative_penalty")
    _record(s["Q"], market, 3)
    _record(s["R"], tax, 4)
    subject_representative_add(subject=s["P"], user=users["applicant"])
    subject_representative_add(subject=s["Q"], user=users["applicant2"])
    User.objects.filter(pk=users["applicant"].pk).update(email="applicant1@example.cn")
    start = timezone.now() + timedelta(days=5)
    session = session_create(
        topic="信用修复政策解读",
        mode="on_site",
        place="宜昌市民中心",
        capacity=30,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        region_code="420500",
        acting_user=users["trainer"],
    )
    return {"subjects": s, "session": session}


def candidates(api, user, **params):
    response = api(user).get(INVITATIONS, params)
    assert response.status_code == 200, response.json()
    return {row["name"] for row in response.json()["results"]}


def test_who_to_invite_by_region_department_and_record_kind(api, users, departments, world):
    trainer = users["trainer"]
    assert candidates(api, trainer) == {"宜昌市邀请甲有限公司", "宜昌市邀请乙有限公司", "宜昌市邀请丙有限公司"}
    assert candidates(api, trainer, region="420502") == {"宜昌市邀请甲有限公司", "宜昌市邀请丙有限公司"}
    assert candidates(api, trainer, department=departments["tax"].code) == {"宜昌市邀请丙有限公司"}
    assert candidates(api, trainer, record_kind="administrative_penalty") == {"宜昌市邀请甲有限公司"}
    assert candidates(api, trainer, record_kind="abnormal_operation") == set()
    assert candidates(
        api, trainer, region="420502", department=departments["market"].code, record_kind="administrative_penalty"
    ) == {"宜昌市邀请甲有限公司"}
    response = api(trainer).get(INVITATIONS, {"record_kind": "penalty"})
    assert response.status_code == 400 and "record_kind" in response.json()["fields"]


def snapshot():
    return (
        list(Invitation.objects.order_by("pk").values_list("pk", "subject_id", "text")),
        Notification.objects.count(),
        CaseEvent.objects.count(),
    )


def test_invitations_are_recorded_and_sent_to_the_representatives(api, users, world, run_on_commit):
    s, session = world["subjects"], world["session"]
    url = f"/api/v1/training/sessions/{session.pk}/invitations"
    text = "诚邀贵单位参加12月信用修复培训，培训免费，请在门户报名。"
    with run_on_commit():
        response = api(users["trainer"]).post(
            url, {"subjects": [s["P"].uscc, s["Q"].uscc], "text": text}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert [row["recipients"] for row in response.json()] == [1, 1]

    assert set(Invitation.objects.values_list("subject__uscc", "text")) == {(s["P"].uscc, text), (s["Q"].uscc, text)}
    received = Notification.objects.filter(kind="training_invitation")
    assert {(n.recipient.username, n.body) for n in received} == {("applicant1", text), ("applicant2", text)}
    assert all(n.title == "培训邀请：信用修复政策解读" and n.url == "/portal/training/" for n in received)
    assert [m.to for m in mail.outbox] == [["applicant1@example.cn"]]  # applicant2 has no address: inbox only
    assert text in mail.outbox[0].body
    assert CaseEvent.objects.filter(kind="training_invited").count() == 2

    listed = api(users["trainer"]).get(url).json()["results"]
    assert {row["subject"]["uscc"] for row in listed} == {s["P"].uscc, s["Q"].uscc}
    assert {row["invitations_sent"] for row in api(users["trainer"]).get(INVITATIONS).json()["results"]} == {0, 1}

    # Inviting P again and R: only R is new; inviting P and Q again is refused, nothing changes.
    response = api(users["trainer"]).post(url, {"subjects": [s["P"].uscc, s["R"].uscc]}, format="json")
    assert response.status_code == 201 and [row["subject"]["uscc"] for row in response.json()] == [s["R"].uscc]
    assert "信用修复政策解读" in Invitation.objects.get(subject=s["R"]).text  # the text made from the session
    before = snapshot()
    response = api(users["trainer"]).post(url, {"subjects": [s["P"].uscc, s["Q"].uscc]}, format="json")
    assert response.status_code == 409 and response.json()["error"] == "already_invited"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "body", "status", "error"),
    [
        ("applicant", {"subjects": ["P"]}, 403, "forbidden"),
        ("trainer", {"subjects": []}, 400, "invalid"),
        ("trainer", {"subjects": ["91350100M000100Y43"]}, 400, "unknown_subject"),
        ("trainer", {"subjects": ["P"], "text": "邀" * 1001}, 400, "invalid"),
    ],
)
def test_bad_invitations_are_refused_and_change_nothing(api, users, world, who, body, status, error):
    s, session = world["subjects"], world["session"]
    body = {**body, "subjects": [s[code].uscc if code in s else code for code in body["subjects"]]}
    before = snapshot()
    response = api(users[who]).post(f"/api/v1/training/sessions/{session.pk}/invitations", body, format="json")
    assert response.status_code == status, response.json()
    assert response.json()["error"] == error and response.json()["detail"]
    assert snapshot() == before


def test_no_invitation_to_a_session_that_ended(api, users, world):
    session = world["session"]
    past = timezone.now() - timedelta(days=1)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=past - timedelta(hours=2), ends_at=past)
    before = snapshot()
    response = api(users["trainer"]).post(
        f"/api/v1/training/sessions/{session.pk}/invitations",
        {"subjects": [world["subjects"]["P"].uscc]},
        format="json",
    )
    assert response.status_code == 400 and response.json()["error"] == "session_ended"
    assert snapshot() == before


def test_the_trainer_invites_from_the_workbench(users, world, departments):
    s, session = world["subjects"], world["session"]
    client = Client()
    client.force_login(users["trainer"])
    page = client.get("/workbench/training/", {"record_kind": "administrative_penalty"}).content.decode()
    assert "宜昌市邀请甲有限公司" in page and "宜昌市邀请乙有限公司" not in page
    assert "失信信息类别" in page and "行政处罚信息" in page
    response = client.post(
        "/workbench/training/invite/", {"session": session.pk, "subjects": [s["P"].uscc], "text": ""}, follow=True
    )
    page = response.content.decode()
    assert "已向 1 户主体发出" in page and "宜昌市邀请甲有限公司" in page  # the session page lists the invitation
    response = client.post(
        "/workbench/training/invite/", {"session": session.pk, "subjects": [s["P"].uscc]}, follow=True
    )
    assert "均已邀请" in response.content.decode()
    assert Invitation.objects.count() == 1
    assert Client().post("/workbench/training/invite/", {"session": session.pk}).status_code == 302
    applicant = Client()
    applicant.force_login(users["applicant"])
    assert applicant.post("/workbench/training/invite/", {"session": session.pk}).status_code == 403
