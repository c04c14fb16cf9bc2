"""The monthly joint-sanction case report: a department's checks of the month with what it did about each measure,
as a page, an Excel workbook and a PDF letter, due before the 23rd; a missing report is flagged to the credit office."""

import re
from io import BytesIO

import pytest
from django.test import Client
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from apps.core.models import CaseEvent
from apps.letters.models import Letter
from apps.notifications.models import Notification
from apps.sanctions.models import CaseReport
from apps.sanctions.services import case_reports_flag_missing
from apps.sanctions.tasks import FLAG_MISSING_TASK
from apps.subjects.models import RecordKind, Severity
from tests.repairs.conftest import Clock, at
from tests.subjects.factories import a_record, a_subject

PAGE = "/workbench/credit-check/reports/"


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, at(2026, 11, 10))


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def check(api_client, uscc, matter_type, reference):
    response = api_client.post(
        "/api/v1/credit-checks",
        {"uscc": uscc, "matter_type": matter_type, "matter_reference": reference},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def november(clock, api, users, departments):
    """The tax office's checks: two in November (one finds the serious-list subject: N-03 applied, L-03, the rest not
    fed back), one in October; the market regulator's one November check is not the tax office's."""
    listed = a_subject(name="宜昌失信测试有限公司")
    a_record(listed, departments["market"], kind=RecordKind.SERIOUS_DISHONESTY_LIST, severity=Severity.SERIOUS)
    clean = a_subject(name="宜昌守信示范有限公司")
    tax = api(users["officer_tax"])
    clock.set(at(2026, 10, 30))
    check(tax, listed.uscc, "government_procurement", "SW-2026-10-1")
    clock.set(at(2026, 11, 3))
    hit = check(tax, listed.uscc, "administrative_approval", "SW-2026-11-1")
    assert {m["code"] for m in hit["measures"]} == {"N-03", "L-03"}
    n03 = next(m for m in hit["measures"] if m["code"] == "N-03")
    response = tax.post(
        f"/api/v1/credit-checks/{hit['id']}/feedback", {"measure": n03["id"], "applied": True, "note": "不予许可"}
    )
    assert response.status_code == 201
    clock.set(at(2026, 11, 20))
    check(tax, clean.uscc, "honours", "SW-2026-11-2")
    check(api(users["officer"]), listed.uscc, "honours", "SCJG-2026-11-1")
    return {"offered": len(hit["measures"]), "listed": listed}


def test_the_report_counts_the_departments_month_and_is_submitted_once_with_its_letter(clock, users, november):
    clock.set(at(2026, 11, 28))
    tax = browser(users["officer_tax"])
    assert tax.post(PAGE, {"month": "2026-11"}).status_code == 302  # refused: the month is not over
    assert not CaseReport.objects.exists()

    clock.set(at(2026, 12, 5))
    tax = browser(users["officer_tax"])  # a fresh session: the one of a week ago has expired
    page = tax.get(f"{PAGE}?month=2026-11").content.decode()
    for text in (
        "2026年11月",
        "宜昌失信测试有限公司",
        "N-03",
        "已实施：不予许可",
        "未反馈",
        "报送信用办",
        "2026年12月22日",
    ):
        assert text in page, text
    assert "SW-2026-10-1" not in page and "SCJG-2026-11-1" not in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page.replace('value="2026-11"', ""))

    assert tax.post(PAGE, {"month": "2026-11"}).status_code == 302
    report = CaseReport.objects.get()
    assert report.department.code == "YC-SW" and report.submitted_by == users["officer_tax"]
    assert not report.late and str(report.due_date) == "2026-12-22"
    totals = report.figures["totals"]
    offered = november["offered"]
    assert totals == {
        "checks": 2,
        "hits": 1,
        "on_serious_list": 1,
        "offered": offered,
        "applied": 1,
        "not_applied": 0,
        "no_feedback": offered - 1,
        "removals_confirmed": 0,
    }
    letter = report.letter
    assert letter.code == "sanction_case_report" and letter.department.code == "YC-SW"
    assert letter.context["totals"] == totals
    assert CaseEvent.objects.filter(case_type="sanctions.casereport", case_id=report.pk, kind="case_report_submitted")

    assert tax.post(PAGE, {"month": "2026-11"}).status_code == 302  # a second submission is refused
    assert CaseReport.objects.count() == 1 and Letter.objects.filter(code="sanction_case_report").count() == 1
    # another department can neither read nor submit the tax office's report
    market = browser(users["officer"])
    assert market.get(f"{PAGE}?month=2026-11&department=YC-SW").status_code == 404
    assert market.post(PAGE, {"month": "2026-11", "department": "YC-SW"}).status_code == 404
    assert browser(users["applicant"]).get(PAGE).status_code == 403


def test_the_excel_workbook_has_one_row_per_measure_offered(clock, users, november):
    clock.set(at(2026, 12, 5))
    response = browser(users["officer_tax"]).get(f"{PAGE}xlsx/?month=2026-11")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    rows = list(book["案例明细"].iter_rows(values_only=True))
    assert rows[0][:4] == ("核查日期", "主体名称", "统一社会信用代码", "严重失信主体名单")
    assert len(rows) - 1 == november["offered"]
    assert {row[9] for row in rows[1:]} == {"已实施", "未反馈"}
    assert rows[1][0] == "2026年11月3日" and rows[1][3] == "是"
    totals = dict(book["汇总"].iter_rows(values_only=True))
    assert totals["信用核查次数"] == 2 and totals["已实施（项）"] == 1 and totals["未反馈（项）"] == 1


def test_a_missing_report_is_flagged_to_the_credit_office_once(clock, users, departments, november):
    assert PeriodicTask.objects.filter(task=FLAG_MISSING_TASK, enabled=True).exists()
    clock.set(at(2026, 12, 5))
    browser(users["officer_tax"]).post(PAGE, {"month": "2026-11"})
    clock.set(at(2026, 12, 22))
    assert case_reports_flag_missing() == 0  # due on the 22nd: not yet missing
    clock.set(at(2026, 12, 23, 9))
    assert case_reports_flag_missing() == 1  # the market regulator; the tax office reported, the credit office receives
    flagged = Notification.objects.filter(event_key__startswith="case_report_missing:")
    assert [(n.recipient.username, n.event_key) for n in flagged] == [
        ("monitor1", "case_report_missing:YC-SCJG:2026-11")
    ]
    assert "宜昌市市场监督管理局" in flagged[0].title and "2026年12月22日" in flagged[0].body
    assert case_reports_flag_missing() == 0 and flagged.count() == 1

    users["monitor"].department = departments["credit"]  # the credit office's monitor belongs to it
    users["monitor"].save(update_fields=["department"])
    office = browser(users["monitor"]).get(f"{PAGE}?month=2026-11").content.decode()
    assert "逾期未报送" in office and "按时报送" in office and "下载PDF" in office
    assert browser(users["monitor"]).get(f"{PAGE}?month=2026-11&department=YC-SW").status_code == 200
