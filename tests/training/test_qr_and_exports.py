"""The check-in QR shown at the session (the coordinator's page; the representative's page it leads to, valid only
during the session window, each refusal a 4xx with its reason and nothing changed), and coverage as CSV and XLSX
with Chinese headers; the monthly report's training row is the training coverage."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from apps.reports.monthly import monthly_stats
from apps.subjects.services import subject_representative_add
from apps.training.models import Enrollment
from apps.training.selectors import training_coverage
from apps.training.services import enrollment_create, session_create
from tests.letters.support import make_subject
from tests.training.test_api import open_window, snapshot


def browser(user=None):
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
        capacity=5,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        region_code="420500",
        acting_user=users["trainer"],
    )


@pytest.fixture
def enrolled(users, session):
    subject = make_subject("宜昌市扫码签到有限公司")
    subject_representative_add(subject=subject, user=users["applicant"])
    enrollment_create(session=session, subject=subject, acting_user=users["applicant"])
    other = make_subject("宜昌市他人扫码有限公司")
    subject_representative_add(subject=other, user=users["applicant2"])
    enrollment_create(session=session, subject=other, acting_user=users["trainer"])
    return {"subject": subject, "other": other}


def qr_url(session):
    return f"/portal/training/sessions/{session.pk}/qr-checkin/"


def test_the_coordinator_shows_the_qr_and_the_code(users, session, enrolled):
    response = browser(users["trainer"]).get(f"/workbench/training/sessions/{session.pk}/qr/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and session.checkin_code in page
    assert f"{qr_url(session)}?code={session.checkin_code}" in page
    assert "签到尚未开始" in page
    open_window(session)
    page = browser(users["trainer"]).get(f"/workbench/training/sessions/{session.pk}/qr/").content.decode()
    assert "签到进行中" in page
    open_window(session, started_minutes_ago=300)
    page = browser(users["trainer"]).get(f"/workbench/training/sessions/{session.pk}/qr/").content.decode()
    assert "已失效" in page and "<svg" not in page
    assert browser(users["applicant"]).get(f"/workbench/training/sessions/{session.pk}/qr/").status_code == 403


def test_checking_in_by_the_qr(users, session, enrolled, run_on_commit):
    client = browser(users["applicant"])
    url = f"{qr_url(session)}?code={session.checkin_code}"
    assert browser().get(url).status_code == 302  # sign in first, then back here
    page = client.get(url).content.decode()
    assert "宜昌市扫码签到有限公司" in page and "宜昌市他人扫码有限公司" not in page

    # before the window opens: refused with the reason, nothing changes
    before = snapshot()
    response = client.post(url, {"subject": enrolled["subject"].uscc, "code": session.checkin_code})
    assert response.status_code == 400 and "签到尚未开始" in response.content.decode()
    assert snapshot() == before

    open_window(session)
    before = snapshot()
    wrong = "000000" if session.checkin_code != "000000" else "111111"
    for data, status, reason in (
        ({"subject": enrolled["subject"].uscc, "code": wrong}, 400, "签到码不正确"),
        ({"subject": enrolled["other"].uscc, "code": session.checkin_code}, 403, "不是该主体的代理人"),
        ({"subject": enrolled["subject"].uscc, "code": ""}, 400, "缺少签到码"),
    ):
        response = client.post(qr_url(session), data)
        assert response.status_code == status and reason in response.content.decode()
        assert snapshot() == before

    with run_on_commit():
        response = client.post(qr_url(session), {"subject": enrolled["subject"].uscc, "code": session.checkin_code})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(subject=enrolled["subject"])
    assert enrollment.status == "attended" and enrollment.certificate is not None

    # twice: a 409 with the reason
    before = snapshot()
    response = client.post(qr_url(session), {"subject": enrolled["subject"].uscc, "code": session.checkin_code})
    assert response.status_code == 409 and "已签到" in response.content.decode()
    assert snapshot() == before


def test_an_expired_qr_is_refused(users, session, enrolled):
    open_window(session, started_minutes_ago=300)
    before = snapshot()
    response = browser(users["applicant"]).post(
        qr_url(session), {"subject": enrolled["subject"].uscc, "code": session.checkin_code}
    )
    assert response.status_code == 400 and "签到码已失效" in response.content.decode()
    assert snapshot() == before


def test_coverage_as_csv_and_xlsx(api, users, departments, population):
    s, trainer = population["subjects"], users["trainer"]
    month = timezone.localdate().strftime("%Y-%m")
    response = api(trainer).get("/api/v1/training/coverage.csv", {"month": month})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("统计月份,行政区划代码,认定部门,已参加培训主体数,名单内在营主体数,覆盖率,目标,是否达标")
    rows = [line.split(",") for line in lines[1:]]
    assert [(r[2], r[3], r[4], r[5], r[7]) for r in rows] == [
        ("全部部门", "1", "3", "33.3%", "否"),
        (departments["market"].name, "1", "2", "50.0%", "是"),
        (departments["tax"].name, "0", "1", "0.0%", "否"),
    ]

    response = api(trainer).get("/api/v1/training/coverage.csv", {"month": month, "table": "not_reached"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "统一社会信用代码,主体名称,行政区划代码"
    assert {line.split(",")[0] for line in lines[1:]} == {s["B"].uscc, s["C"].uscc}

    response = api(trainer).get("/api/v1/training/coverage.xlsx", {"month": month, "region": "420502"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["按部门", "按月份", "未覆盖主体"]
    first = list(book["按部门"].iter_rows(values_only=True))
    assert first[0][:5] == ("统计月份", "行政区划代码", "认定部门", "已参加培训主体数", "名单内在营主体数")
    assert first[1][2:6] == ("全部部门", 1, 2, 0.5)
    assert len(list(book["按月份"].iter_rows())) == 13
    assert [row[0] for row in book["未覆盖主体"].iter_rows(min_row=2, values_only=True)] == [s["C"].uscc]

    body = api(trainer).get("/api/v1/training/coverage", {"month": month}).json()
    assert api(trainer).get(body["xlsx_url"]).status_code == 200
    for path in ("/api/v1/training/coverage.csv", "/api/v1/training/coverage.xlsx"):
        assert api(users["applicant"]).get(path).status_code == 403
        response = api(trainer).get(path, {"month": "2026-13"})
        assert response.status_code == 400 and "month" in response.json()["fields"]
    response = api(trainer).get("/api/v1/training/coverage.csv", {"table": "all"})
    assert response.status_code == 400 and "table" in response.json()["fields"]


def test_the_monthly_training_row_is_the_training_coverage(users, departments, population):
    first = timezone.localdate().replace(day=1)
    for department in (None, departments["market"], departments["tax"]):
        row = next(
            r for r in monthly_stats(month=first, department=department)["rows"] if r["key"] == "repair_training"
        )
        coverage = training_coverage(month=first, department=department)
        assert (row["numerator"], row["denominator"], row["ratio"]) == (
            coverage.numerator,
            coverage.denominator,
            coverage.ratio,
        )
        assert row["target"]["value"] == coverage.target


def test_the_trainer_home_shows_the_chart_and_the_exports(users, population):
    page = browser(users["trainer"]).get("/workbench/training/").content.decode()
    assert "vendor/echarts/echarts.common.min.js" in page and 'id="training-coverage-chart"' in page
    assert 'id="training-chart-data"' in page and "cdn" not in page.lower()
    assert "/api/v1/training/coverage.xlsx?month=" in page and "table=not_reached" in page
    assert "目标 ≥50%" in page


def test_a_code_in_other_characters_is_simply_wrong(api, users, session, enrolled):
    open_window(session)
    before = snapshot()
    response = api(users["applicant"]).post(
        f"/api/v1/training/sessions/{session.pk}/checkin",
        {"subject": enrolled["subject"].uscc, "code": "签到码"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["error"] == "checkin_code_wrong"
    response = browser(users["applicant"]).post(qr_url(session), {"subject": "\x00", "code": session.checkin_code})
    assert response.status_code == 403
    assert snapshot() == before
