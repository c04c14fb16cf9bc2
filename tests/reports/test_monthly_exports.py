"""The monthly report beside its PDF: the XLSX (city, each department, each region) read back equals the page's
figures; the monthly page in the menu of those who read it; a report still missing on the reporting day (rule
report.monthly_due_day, the 23rd) is one breach notice to the credit office."""

import html
import re
from datetime import date
from io import BytesIO

import pytest
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.accounts.services import user_create
from apps.core.context_processors import nav_links
from apps.notifications.models import Kind, Notification
from apps.reports.exports import HEADER_ROW
from apps.reports.monthly import monthly_stats
from apps.reports.services import monthly_report_due_date, monthly_report_issue, monthly_report_overdue_notify
from apps.reports.tasks import OVERDUE_TASK
from apps.rules.models import Rule, RuleCode
from apps.subjects.models import Subject
from tests.conftest import DEMO_PASSWORD
from tests.reports.test_monthly import OCTOBER  # the fully known month (its fixture `october`: conftest)

MONTHLY = "/workbench/stats/monthly/"


def _percent(value) -> str:
    return "—" if value in (None, "—") else f"{float(value) * 100:.1f}%"


def sheet_rows(ws) -> list[list[str]]:
    """A sheet's table as the page prints it: label, numerator, denominator, ratio, target, met."""
    rows = []
    for values in ws.iter_rows(min_row=HEADER_ROW + 1, max_col=6, values_only=True):
        if not values[0] or values[1] is None:
            break
        label, numerator, denominator, ratio, target, met = values
        rows.append([label, str(numerator), str(denominator), _percent(ratio), target, met])
    return rows


def page_rows(page: str) -> list[list[str]]:
    """The page's coverage table, cell by cell (the label without its definition)."""
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", tr, flags=re.S)]
        cells[0] = re.split(r"<br>", re.findall(r"<td>(.*?)</td>", tr, flags=re.S)[0])[0]
        rows.append([html.unescape(c).strip() for c in cells])
    return rows


def stats_rows(stats) -> list[list[str]]:
    met = {None: "—", True: "是", False: "否"}
    return [
        [
            r["label"],
            str(r["numerator"]),
            str(r["denominator"]),
            _percent(r["ratio"]),
            r["target"]["label"],
            met[r["met"]],
        ]
        for r in stats["rows"]
    ]


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def test_the_xlsx_is_the_pages_figures_for_the_city_each_department_and_region(october, client, users, departments):
    Subject.objects.filter(pk=october["A"].pk).update(region_code="420502")  # A (tax's list) moves to a district
    client.force_login(users["monitor"])
    page = client.get(f"{MONTHLY}?month=2026-10").content.decode()
    assert "/api/v1/stats/monthly.xlsx?month=2026-10" in page

    book = workbook(client.get("/api/v1/stats/monthly.xlsx?month=2026-10"))
    assert book.sheetnames == [
        "全市",
        "部门-宜昌市市场监督管理局",
        "部门-国家税务总局宜昌市税务局",
        "地区-420500",
        "地区-420502",
    ]
    assert [c.value for c in book["全市"][HEADER_ROW]][:6] == ["指标", "分子", "分母", "完成率", "目标", "是否达标"]
    city = sheet_rows(book["全市"])
    assert city == page_rows(page) and len(city) == 13
    assert city[0][:4] == ["名单内在营主体签署信用修复承诺", "1", "3", "33.3%"]

    for sheet, code in (("部门-宜昌市市场监督管理局", "YC-SCJG"), ("部门-国家税务总局宜昌市税务局", "YC-SW")):
        department_page = client.get(f"{MONTHLY}?month=2026-10&department={code}").content.decode()
        assert sheet_rows(book[sheet]) == page_rows(department_page), sheet
    # Regions are the subjects' registration: A alone in 420502; B and C in 420500.
    district = monthly_stats(month=OCTOBER, region_code="420502")
    assert district["population"] == 1 and monthly_stats(month=OCTOBER, region_code="420500")["population"] == 2
    assert sheet_rows(book["地区-420502"]) == stats_rows(district)
    assert sheet_rows(book["地区-420500"]) == stats_rows(monthly_stats(month=OCTOBER, region_code="420500"))
    assert "期末在严重失信主体名单内的在营主体 1 户" in book["地区-420502"]["A2"].value


def test_a_department_gets_its_own_sheet_and_nobody_else_gets_one(october, api, users):
    officer = workbook(api(users["officer"]).get("/api/v1/stats/monthly.xlsx?month=2026-10"))
    assert officer.sheetnames == ["宜昌市市场监督管理局"]
    market = monthly_stats(month=OCTOBER, department=users["officer"].department)
    assert sheet_rows(officer.active) == stats_rows(market)
    assert api(users["officer"]).get("/api/v1/stats/monthly.xlsx?month=2026-10&department=YC-SW").status_code == 404
    assert api(users["applicant"]).get("/api/v1/stats/monthly.xlsx?month=2026-10").status_code == 403
    assert api(None).get("/api/v1/stats/monthly.xlsx?month=2026-10").status_code in (401, 403)
    bad = api(users["monitor"]).get("/api/v1/stats/monthly.xlsx?month=2026-13")
    assert bad.status_code == 400 and "month" in bad.json()["fields"]


def test_the_monthly_page_is_in_the_menu_of_the_office_and_department_heads(users, departments, client):
    head = user_create(username="head1", password=DEMO_PASSWORD, role=Role.HEAD, department=departments["market"])
    assert MONTHLY in [url for _label, url in nav_links(users["monitor"])]
    assert MONTHLY in [url for _label, url in nav_links(head)]
    assert MONTHLY not in [url for _label, url in nav_links(users["applicant"])]
    client.force_login(head)
    home = client.get("/").content.decode()
    assert f'href="{MONTHLY}"' in home
    page = client.get(f"{MONTHLY}?month=2026-10")
    assert page.status_code == 200 and "宜昌市市场监督管理局" in page.content.decode()
    client.force_login(users["applicant"])
    assert f'href="{MONTHLY}"' not in client.get("/").content.decode()


# The reporting day -------------------------------------------------------------------------------------------------


def test_the_reporting_day_is_a_rule_row_citing_the_seed(db):
    row = Rule.objects.get(code=RuleCode.REPORT_MONTHLY_DUE_DAY)
    assert row.value == 23 and "宜昌市2020年社会信用体系建设工作要点" in row.source
    assert monthly_report_due_date(month=OCTOBER) == date(2026, 11, 23)
    assert PeriodicTask.objects.filter(task=OVERDUE_TASK, enabled=True).exists()


def test_a_report_missing_on_the_23rd_is_one_breach_notice_to_the_credit_office(users):
    assert monthly_report_overdue_notify(today=date(2026, 11, 22)) == []
    sent = monthly_report_overdue_notify(today=date(2026, 11, 23))
    assert [n.recipient for n in sent] == [users["monitor"]]
    notice = sent[0]
    assert notice.kind == Kind.BREACH and notice.url == f"{MONTHLY}?month=2026-10"
    assert "2026年10月月度报告" in notice.title and "2026年11月23日" in notice.body
    # The check runs again that day and the days after: nothing new.
    assert monthly_report_overdue_notify(today=date(2026, 11, 23)) == []
    assert monthly_report_overdue_notify(today=date(2026, 11, 30)) == []
    assert Notification.objects.count() == 1


@pytest.mark.usefixtures("users")
def test_an_issued_report_is_not_missing():
    monthly_report_issue(month=OCTOBER, acting_user=None)
    assert monthly_report_overdue_notify(today=date(2026, 11, 23)) == []
    assert Notification.objects.count() == 0


def test_a_new_rule_version_moves_the_reporting_day(users):
    Rule.objects.create(
        code=RuleCode.REPORT_MONTHLY_DUE_DAY, value=25, effective_from=date(2026, 11, 1), source="测试：报送日调整"
    )
    assert monthly_report_overdue_notify(today=date(2026, 11, 24)) == []
    assert len(monthly_report_overdue_notify(today=date(2026, 11, 25))) == 1


# The CSV beside the XLSX -------------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    from tests.support.exports import read_csv

    return read_csv(response)


def _json_rows(client, url) -> list[list[str]]:
    """The JSON table's rows as the files write them: label, numerator, denominator, ratio, target, met."""
    met = {None: "—", True: "是", False: "否"}
    return [
        [
            r["label"],
            str(r["numerator"]),
            str(r["denominator"]),
            _percent(r["ratio"]),
            r["target"]["label"],
            met[r["met"]],
        ]
        for r in client.get(url).json()["rows"]
    ]


def test_the_csv_is_the_json_table_for_the_city_each_department_and_region_as_the_xlsx(
    october, client, api, users, departments
):
    Subject.objects.filter(pk=october["A"].pk).update(region_code="420502")
    monitor = api(users["monitor"])
    lines = _csv(monitor.get("/api/v1/stats/monthly?month=2026-10&format=csv"))
    assert lines[0] == ["范围", "指标", "分子", "分母", "完成率", "目标", "是否达标", "统计口径"]
    by_scope: dict[str, list[list[str]]] = {}
    for line in lines[1:]:
        by_scope.setdefault(line[0], []).append(line[1:7])
    book = workbook(monitor.get("/api/v1/stats/monthly?month=2026-10&format=xlsx"))  # the workbook of monthly.xlsx
    assert list(by_scope) == book.sheetnames
    assert (
        by_scope["全市"] == _json_rows(monitor, "/api/v1/stats/monthly?month=2026-10") and len(by_scope["全市"]) == 13
    )
    for scope, code in (("部门-宜昌市市场监督管理局", "YC-SCJG"), ("部门-国家税务总局宜昌市税务局", "YC-SW")):
        assert by_scope[scope] == _json_rows(monitor, f"/api/v1/stats/monthly?month=2026-10&department={code}")
    for scope, rows in by_scope.items():
        assert rows == sheet_rows(book[scope]), scope
    assert by_scope["地区-420502"] == stats_rows(monthly_stats(month=OCTOBER, region_code="420502"))
    # the page offers both files, with its month and department
    client.force_login(users["monitor"])
    page = client.get(f"{MONTHLY}?month=2026-10&department=YC-SW").content.decode()
    assert "/api/v1/stats/monthly?month=2026-10&amp;department=YC-SW&amp;format=csv" in page
    assert "/api/v1/stats/monthly.xlsx?month=2026-10&amp;department=YC-SW" in page


def test_a_department_gets_only_its_own_lines_and_bad_input_names_the_field(october, api, users):
    officer = api(users["officer"])
    lines = _csv(officer.get("/api/v1/stats/monthly?month=2026-10&format=csv"))
    assert {line[0] for line in lines[1:]} == {"宜昌市市场监督管理局"}
    assert [line[1:7] for line in lines[1:]] == _json_rows(officer, "/api/v1/stats/monthly?month=2026-10")
    assert officer.get("/api/v1/stats/monthly?month=2026-10&department=YC-SW&format=csv").status_code == 404
    assert api(users["applicant"]).get("/api/v1/stats/monthly?month=2026-10&format=csv").status_code == 403
    bad = api(users["monitor"]).get("/api/v1/stats/monthly?month=2026-13&format=csv")
    assert bad.status_code == 400 and "month" in bad.json()["fields"]
    bad = api(users["monitor"]).get("/api/v1/stats/monthly?month=2026-10&format=ods")
    assert bad.status_code == 400 and "format" in bad.json()["fields"]
