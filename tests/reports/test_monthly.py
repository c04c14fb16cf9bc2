"""The monthly coverage table: every figure recounted by hand from a small, fully known month (October 2026), the
scopes people may see, and the issued report (figures snapshotted, PDF text, idempotent, scheduled once)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.commitments.models import CommitmentType
from apps.commitments.services import commitment_sign, text_version_in_force
from apps.letters.models import Letter
from apps.objections.models import Objection
from apps.reports.models import CreditReportRequest, MonthlyReport
from apps.reports.monthly import MonthError, monthly_stats, parse_month
from apps.reports.services import credit_report_request, monthly_report_publish_due
from apps.rules.models import Rule, RuleCode
from apps.subjects.models import NegativeRecord, Subject
from apps.subjects.services import record_create
from apps.training.models import Enrollment, TrainingSession
from apps.training.services import enrollment_create, enrollment_mark_attended, session_create
from tests.letters.support import compact, make_subject, new_uscc, pdf_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = date(2026, 10, 1)
Published = NegativeRecord.PublicationStatus


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def listed(subject, department, n, *, decided=date(2026, 3, 2)):
    return record_create(
        subject=subject,
        kind="serious_dishonesty_list",
        severity="serious",
        department=department,
        decision_no=f"宜列严〔2026〕{n}号",
        decision_date=decided,
    )


def penalty(subject, department, n, *, decided, recorded_on):
    record = record_create(
        subject=subject,
        kind="administrative_penalty",
        severity="general",
        department=department,
        decision_no=f"宜市监处罚〔2026〕{n}号",
        decision_date=decided,
    )
    NegativeRecord.objects.filter(pk=record.pk).update(created_at=at(recorded_on))
    return record


def end(record, status, day):
    NegativeRecord.objects.filter(pk=record.pk).update(publication_status=status, ended_at=at(day))


def sign_repair_commitment(subject, signed_on):
    version = text_version_in_force(type=CommitmentType.CREDIT_REPAIR, on=signed_on)
    return commitment_sign(
        subject=subject,
        text_version=version,
        signer_name="张三",
        signed_at=at(signed_on),
        acting_user=None,
        matter_type="credit_repair",
        matter_reference=f"XF-{subject.pk}",
    )


def objection(record, user, *, closed_on, on_time):
    return Objection.objects.create(
        record=record,
        subject=record.subject,
        department=record.department,
        filed_by=user,
        ground="error",
        statement="信息有误。",
        filed_at=at(date(2026, 9, 28)),
        status=Objection.Status.CLOSED,
        closed_at=at(closed_on),
        closed_on_time=on_time,
    )


@pytest.fixture
def october(departments, users, run_on_commit, api):
    """A month whose every figure is known:

    on the list at the end of October and operating: A (tax), B (market), C (market; removed only in November);
    not in that population: D (repaired and removed in August), E (listed but deregistered), F (listing starts in
    November), G (listing expired in September); H has no record."""
    market, tax = departments["market"], departments["tax"]
    s = {key: make_subject(f"宜昌市{key}字号商贸有限公司") for key in "ABCDEFGH"}
    Subject.objects.filter(pk=s["E"].pk).update(operating_status=Subject.OperatingStatus.DEREGISTERED)
    listed(s["A"], tax, 1)
    listed(s["B"], market, 2)
    end(listed(s["C"], market, 3), Published.ENDED_REPAIRED, date(2026, 11, 5))
    end(listed(s["D"], market, 4), Published.ENDED_REPAIRED, date(2026, 8, 10))
    listed(s["E"], market, 5)
    NegativeRecord.objects.filter(pk=listed(s["F"], market, 6).pk).update(publish_from=date(2026, 11, 10))
    end(listed(s["G"], market, 7), Published.ENDED_EXPIRED, date(2026, 9, 1))

    sign_repair_commitment(s["A"], date(2026, 9, 1))  # counted
    sign_repair_commitment(s["C"], date(2026, 11, 3))  # after the end of October: not counted
    sign_repair_commitment(s["D"], date(2026, 9, 1))  # not in the population
    with run_on_commit():
        report = credit_report_request(subject=s["A"], acting_user=None, purpose="信用修复")
    CreditReportRequest.objects.filter(pk=report.pk).update(created_at=at(date(2026, 10, 20)))
    with run_on_commit():
        report = credit_report_request(subject=s["B"], acting_user=None)  # asked in November: not counted
    # B attended a training session on 15 October (through the training services; moved back in time).
    trainer = users["trainer"]
    start = timezone.now() + timedelta(days=1)
    session = session_create(
        topic="2026年第四期信用修复专题培训",
        mode="on_site",
        place="宜昌市民中心",
        capacity=10,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        region_code="420500",
        acting_user=trainer,
    )
    enrollment = enrollment_create(session=session, subject=s["B"], acting_user=trainer, attendee_name="李四")
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=at(date(2026, 10, 15), 9), ends_at=at(date(2026, 10, 15), 13)
    )
    with run_on_commit():
        enrollment = enrollment_mark_attended(enrollment=enrollment, acting_user=trainer)
    Enrollment.objects.filter(pk=enrollment.pk).update(attended_at=at(date(2026, 10, 15)))
    Letter.objects.filter(pk=enrollment.certificate_id).update(created_at=at(date(2026, 10, 15)))

    # 双公示: penalties decided in October, due within 7 working days (9 Oct + 7 = 19 Oct: 10 Oct is a working
    # Saturday in 2026); one decided in September does not count for October.
    p1 = penalty(s["H"], market, 11, decided=date(2026, 10, 9), recorded_on=date(2026, 10, 12))
    penalty(s["H"], market, 12, decided=date(2026, 10, 9), recorded_on=date(2026, 10, 19))
    penalty(s["H"], tax, 13, decided=date(2026, 10, 9), recorded_on=date(2026, 10, 20))
    penalty(s["H"], market, 14, decided=date(2026, 9, 30), recorded_on=date(2026, 10, 30))

    objection(p1, users["officer"], closed_on=date(2026, 10, 14), on_time=True)
    objection(p1, users["officer"], closed_on=date(2026, 10, 31), on_time=False)
    objection(p1, users["officer"], closed_on=date(2026, 11, 2), on_time=True)  # November

    # 两书同达: decisions of late September delivered in October, one with its notice and one without.
    officer = api(users["officer"])
    ids = []
    for n in (21, 22):
        body = {
            "kind": "administrative_penalty",
            "decision_no": f"宜市监处罚〔2026〕{n}号",
            "decision_date": "2026-09-25",
            "uscc": new_uscc(),
            "subject_name": f"宜昌市第{n}号建材有限公司",
            "severity": "general",
        }
        with run_on_commit():
            response = officer.post("/api/v1/decisions", body, format="json")
        assert response.status_code == 201, response.json()
        ids.append(response.json()["id"])
    assert officer.post(
        f"/api/v1/decisions/{ids[0]}/delivery", {"method": "mail", "delivered_on": "2026-10-08"}, format="json"
    ).json()["delivery"]["notice_delivered"]
    officer.post(
        f"/api/v1/decisions/{ids[1]}/delivery",
        {"method": "direct", "delivered_on": "2026-10-09", "notice_delivered": False},
        format="json",
    )
    return s


def figures(stats):
    return {row["key"]: (row["numerator"], row["denominator"], row["ratio"], row["met"]) for row in stats["rows"]}


def test_every_figure_of_a_known_month(october):
    stats = monthly_stats(month=OCTOBER)
    assert stats["month"] == "2026-10" and stats["complete"] is True and stats["population"] == 3
    operating = Subject.objects.filter(operating_status="operating").count()
    assert figures(stats) == {
        "repair_commitment": (1, 3, 0.3333, False),
        "repair_training": (1, 3, 0.3333, False),
        "credit_report": (1, 3, 0.3333, False),
        # D removed by repair this year; G expired (not a repair); A, B, C still listed at the end of October.
        "removed_after_repair": (1, 5, 0.2, False),
        "listed_share": (3, operating, round(3 / operating, 4), False),
        "double_publicity": (2, 3, 0.6667, False),
        "objection_on_time": (1, 2, 0.5, False),
        "two_documents": (1, 2, 0.5, False),
        # no commitment of these kinds and no credit check in this month (tests/reports/test_commitment_coverage.py
        # counts them); the market entities are the operating enterprises, E is deregistered
        "voluntary_commitment": (0, operating, 0.0, False),
        "industry_commitment": (0, operating, 0.0, False),
        "approval_commitment": (0, 0, None, None),
        "certification_commitment": (0, 0, None, None),
        "tolerance_commitment": (0, 0, None, None),
    }
    rows = {row["key"]: row for row in stats["rows"]}
    assert [item["decision_no"] for item in rows["double_publicity"]["late"]] == ["宜市监处罚〔2026〕13号"]
    assert [item["decision_no"] for item in rows["two_documents"]["missing"]] == ["宜市监处罚〔2026〕22号"]
    assert rows["listed_share"]["target"] == {"op": "<", "value": 0.01, "label": "<1%"}
    assert all(row["definition"] for row in stats["rows"])


def test_the_population_moves_with_the_month(october):
    september = figures(monthly_stats(month=date(2026, 9, 1)))
    # At the end of September: A, B, C listed (G expired on 1 September, D in August).
    assert september["repair_commitment"][:2] == (1, 3)
    assert september["removed_after_repair"][:2] == (1, 5)
    november = monthly_stats(month=date(2026, 11, 1))
    # C left the list on 5 November, F joined on 10 November (November may still be in progress).
    assert november["complete"] is (timezone.localdate() > date(2026, 11, 30)) and november["population"] == 3
    assert figures(november)["removed_after_repair"][:2] == (2, 6)


def test_a_department_sees_its_own_records_and_cases(october, departments):
    stats = monthly_stats(month=OCTOBER, department=departments["market"])
    table = figures(stats)
    assert stats["population"] == 2  # B and C (A is on the tax office's list)
    assert table["double_publicity"][:2] == (2, 2)
    assert table["objection_on_time"][:2] == (1, 2)
    assert figures(monthly_stats(month=OCTOBER, department=departments["tax"]))["double_publicity"][:2] == (0, 1)


def test_months_that_cannot_be_reported():
    for raw in ("", "2026-13", "2026-1", "26-10", "2026/10", "abc", "2026-10-01"):
        with pytest.raises(MonthError):
            parse_month(raw, today=date(2026, 11, 22))
    with pytest.raises(MonthError):
        parse_month("2026-12", today=date(2026, 11, 22))
    with pytest.raises(MonthError):
        parse_month("2003-12", today=date(2026, 11, 22))
    assert parse_month("2026-11", today=date(2026, 11, 22)) == date(2026, 11, 1)


# API ---------------------------------------------------------------------------------------------------------------


def test_api_scopes_and_errors(october, api, users):
    monitor = api(users["monitor"]).get("/api/v1/stats/monthly?month=2026-10")
    assert monitor.status_code == 200 and monitor.json()["population"] == 3 and monitor.json()["department"] is None
    body = monitor.json()
    assert set(body) == {
        "month", "period_start", "period_end", "as_of", "complete", "department", "region_code", "population", "rows",
        "notes",
    }  # fmt: skip
    rows = {row["key"]: row for row in body["rows"]}
    base = {"key", "label", "numerator", "denominator", "ratio", "target", "met", "target_source", "definition"}
    assert set(rows["objection_on_time"]) == base and set(rows["two_documents"]) == base | {"missing"}
    assert set(rows["double_publicity"]) == base | {"late", "limit_working_days", "limit_source", "unmeasured"}
    assert body["as_of"].endswith("+08:00") and body["period_start"] == "2026-10-01"
    tax = api(users["monitor"]).get("/api/v1/stats/monthly?month=2026-10&department=YC-SW").json()
    assert tax["department"]["code"] == "YC-SW" and tax["population"] == 1
    assert api(users["trainer"]).get("/api/v1/stats/monthly?month=2026-10").status_code == 200

    officer = api(users["officer"]).get("/api/v1/stats/monthly?month=2026-10")
    assert officer.status_code == 200 and officer.json()["department"]["code"] == "YC-SCJG"
    assert officer.json()["population"] == 2
    assert api(users["officer"]).get("/api/v1/stats/monthly?month=2026-10&department=YC-SW").status_code == 404
    assert api(users["monitor"]).get("/api/v1/stats/monthly?month=2026-10&department=NOPE").status_code == 404
    assert api(users["applicant"]).get("/api/v1/stats/monthly?month=2026-10").status_code == 403
    assert api(None).get("/api/v1/stats/monthly?month=2026-10").status_code in (401, 403)

    for query in ("", "?month=2026-13", "?month=2099-01", "?month=October"):
        response = api(users["monitor"]).get(f"/api/v1/stats/monthly{query}")
        assert response.status_code == 400, query
        assert response.json()["error"] == "invalid" and "month" in response.json()["fields"]


def test_issuing_the_report_snapshots_the_figures_and_renders_them(october, api, users, run_on_commit):
    monitor = api(users["monitor"])
    with run_on_commit():
        response = monitor.post("/api/v1/stats/monthly/reports", {"month": "2026-10"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["issue_no"] == 1 and body["month"] == "2026-10"
    assert set(body) == {"id", "month", "department", "issue_no", "created_at", "figures", "letter"}
    assert body["department"] is None and body["created_at"].endswith("Z")
    assert {row["key"]: row["numerator"] for row in body["figures"]["rows"]}["double_publicity"] == 2

    letter = Letter.objects.get(pk=body["letter"]["id"])
    assert letter.status == Letter.Status.RENDERED, letter.error
    pdf = monitor.get(f"/api/v1/letters/{letter.pk}.pdf")
    text = compact(pdf_text(b"".join(pdf.streaming_content)))
    assert "2026年10月信用修复与异议处理工作月报" in text
    assert compact("名单内在营主体签署信用修复承诺") + "1333.3%" in text  # label, numerator, denominator, ratio
    assert "宜市监处罚〔2026〕22号" in text and "宜市监处罚〔2026〕13号" in text
    assert letter.verification_code in text
    assert api(None).get(f"/api/v1/verify/{letter.verification_code}").status_code == 200

    # Asking again returns the same report; a reissue snapshots afresh and keeps the first.
    again = monitor.post("/api/v1/stats/monthly/reports", {"month": "2026-10"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    Subject.objects.filter(uscc=october["B"].uscc).update(operating_status="revoked")
    with run_on_commit():
        reissued = monitor.post("/api/v1/stats/monthly/reports", {"month": "2026-10", "reissue": True}, format="json")
    assert reissued.status_code == 201 and reissued.json()["issue_no"] == 2
    assert reissued.json()["figures"]["population"] == 2
    assert MonthlyReport.objects.get(pk=body["id"]).figures["population"] == 3

    listed_reports = monitor.get("/api/v1/stats/monthly/reports?month=2026-10").json()
    assert [r["issue_no"] for r in listed_reports["results"]] == [2, 1]
    assert monitor.get(f"/api/v1/stats/monthly/reports/{body['id']}").json()["id"] == body["id"]
    # A department's officer sees only their department's reports.
    assert api(users["officer"]).get(f"/api/v1/stats/monthly/reports/{body['id']}").status_code == 404
    assert api(users["officer"]).get("/api/v1/stats/monthly/reports").json()["results"] == []


def test_issuing_is_refused_for_unfinished_months_and_to_others(october, api, users):
    month_now = timezone.localdate().strftime("%Y-%m")
    response = api(users["monitor"]).post("/api/v1/stats/monthly/reports", {"month": month_now}, format="json")
    assert response.status_code == 400 and response.json()["error"] == "month_not_ended"
    assert "month" in response.json()["fields"]
    assert (
        api(users["officer"]).post("/api/v1/stats/monthly/reports", {"month": "2026-10"}, format="json").status_code
        == 403
    )
    bad = api(users["monitor"]).post("/api/v1/stats/monthly/reports", {"month": "2026-10", "reissue": "maybe"})
    assert bad.status_code == 400 and "reissue" in bad.json()["fields"]
    assert MonthlyReport.objects.count() == 0


def test_the_scheduled_job_issues_last_months_report_once(october, settings, run_on_commit):
    settings.MONTHLY_REPORT_DAY = 10
    assert monthly_report_publish_due(today=date(2026, 11, 9)) is None
    with run_on_commit():
        report = monthly_report_publish_due(today=date(2026, 11, 10))
    assert report is not None and report.month == OCTOBER and report.department is None
    assert report.letter.department.code == "YC-XYB"  # issued by the credit office
    assert monthly_report_publish_due(today=date(2026, 11, 11)) is None
    assert MonthlyReport.objects.count() == 1


def test_english_screens_get_english_figures_but_the_report_stays_chinese(october, api, users, run_on_commit):
    monitor = api(users["monitor"])
    shown = monitor.get("/api/v1/stats/monthly?month=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    labels = {row["key"]: row["label"] for row in shown.json()["rows"]}
    assert labels["two_documents"].isascii(), labels["two_documents"]
    with run_on_commit():
        issued = monitor.post(
            "/api/v1/stats/monthly/reports", {"month": "2026-10"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
    rows = {row["key"]: row["label"] for row in issued.json()["figures"]["rows"]}
    assert rows["two_documents"] == "行政处罚决定书与信用修复告知书同时送达（两书同达）"
    letter = Letter.objects.get(pk=issued.json()["letter"]["id"])
    assert letter.context["rows"][0]["label"] == "名单内在营主体签署信用修复承诺"


# The workbench page ------------------------------------------------------------------------------------------------


def test_the_monthly_page_shows_the_table_and_issues_a_report(october, client, users, run_on_commit):
    client.force_login(users["monitor"])
    page = client.get("/workbench/stats/monthly/?month=2026-10")
    assert page.status_code == 200
    html = page.content.decode()
    assert "名单内在营主体签署信用修复承诺" in html and "宜市监处罚〔2026〕22号" in html and "33.3%" in html
    with run_on_commit():
        issued = client.post("/workbench/stats/monthly/", {"month": "2026-10"})
    assert issued.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.issue_no == 1 and report.created_by == users["monitor"]
    page = client.get(issued["Location"]).content.decode()
    assert f"/api/v1/letters/{report.letter_id}.pdf" in page

    assert client.get("/workbench/stats/monthly/?month=2026-13").status_code == 400
    assert client.get("/workbench/stats/monthly/?month=2026-10&department=NOPE").status_code == 404

    client.force_login(users["officer"])
    own = client.get("/workbench/stats/monthly/?month=2026-10").content.decode()
    assert "宜昌市市场监督管理局" in own
    assert client.post("/workbench/stats/monthly/", {"month": "2026-10"}).status_code == 403
    client.force_login(users["applicant"])
    assert client.get("/workbench/stats/monthly/?month=2026-10").status_code == 403


def test_targets_and_the_publication_limit_are_rule_rows_with_their_source(october, client, users):
    rows = {row["key"]: row for row in monthly_stats(month=OCTOBER)["rows"]}
    assert {key: row["target"]["value"] for key, row in rows.items()} == {
        "repair_commitment": 1.0,
        "repair_training": 0.5,
        "credit_report": 0.8,
        "removed_after_repair": 0.3,
        "listed_share": 0.01,
        "double_publicity": 1.0,
        "objection_on_time": 1.0,
        "two_documents": 1.0,
        "voluntary_commitment": 0.9,
        "industry_commitment": 0.9,
        "approval_commitment": 1.0,
        "certification_commitment": None,
        "tolerance_commitment": 1.0,
    }
    assert "宜昌市2020年社会信用体系建设工作要点" in rows["repair_training"]["target_source"]
    assert "第10条" in rows["tolerance_commitment"]["target_source"]
    assert "宣城市2021年" in rows["listed_share"]["target_source"]
    assert rows["double_publicity"]["limit_working_days"] == 7
    assert rows["double_publicity"]["label"] == "行政处罚信息7个工作日内公示（双公示）"
    client.force_login(users["monitor"])
    html = client.get("/workbench/stats/monthly/?month=2026-10").content.decode()
    assert "超过7个工作日公示的行政处罚信息" in html and "行政处罚信息7个工作日内公示（双公示）" in html


def test_a_new_rule_version_changes_the_report(october):
    # 13号 was decided on Friday 9 October and recorded on 20 October: the 8th working day (10 October is a make-up
    # Saturday), late under a 7-day limit and on time under an 8-day one.
    Rule.objects.create(
        code=RuleCode.DISCLOSURE_DOUBLE, value=8, effective_from=date(2026, 10, 1), source="测试：本地时限调整"
    )
    Rule.objects.create(
        code=RuleCode.TARGET_REPAIR_COMMITMENT, value=30, effective_from=date(2026, 10, 1), source="测试：目标调整"
    )
    stats = monthly_stats(month=OCTOBER)
    rows = {row["key"]: row for row in stats["rows"]}
    assert figures(stats)["double_publicity"] == (3, 3, 1.0, True)
    assert rows["double_publicity"]["late"] == [] and rows["double_publicity"]["label"].startswith("行政处罚信息8个")
    assert rows["repair_commitment"]["target"] == {"op": ">=", "value": 0.3, "label": "≥30%"}
    assert rows["repair_commitment"]["met"] is True and rows["repair_commitment"]["target_source"] == "测试：目标调整"
    # September still reads the rows in force then.
    september = {row["key"]: row for row in monthly_stats(month=date(2026, 9, 1))["rows"]}
    assert september["repair_commitment"]["target"]["value"] == 1.0
    assert september["double_publicity"]["limit_working_days"] == 7


def test_a_month_without_a_target_row_is_neither_met_nor_missed(october):
    Rule.objects.filter(code=RuleCode.TARGET_TWO_DOCUMENTS).delete()
    Rule.objects.filter(code=RuleCode.DISCLOSURE_DOUBLE).update(effective_from=date(2026, 10, 10))
    stats = monthly_stats(month=OCTOBER)
    rows = {row["key"]: row for row in stats["rows"]}
    assert rows["two_documents"]["target"] == {"op": ">=", "value": None, "label": "—"}
    assert rows["two_documents"]["met"] is None and rows["two_documents"]["numerator"] == 1
    # The three penalties decided on 9 October have no limit in force: not counted, and a note says so.
    assert figures(stats)["double_publicity"][:2] == (0, 0)
    assert rows["double_publicity"]["unmeasured"] == 3
    assert any("没有生效的双公示时限规则" in note for note in stats["notes"])
    assert any("没有生效的目标规则" in note for note in stats["notes"])
