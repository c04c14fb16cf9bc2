"""The list of credit checks (GET /api/v1/credit-checks): its filters, its audiences, and its files
(`?format=csv|xlsx`), which hold exactly the JSON list's rows under the same filters, and never anything private."""

import re
from datetime import datetime

import pytest
from django.test import Client

from apps.sanctions.models import CreditCheck
from tests.sanctions.test_credit_check_api import SHANGHAI, URL, listed, run  # noqa: F401  (the fixture)
from tests.support.exports import assert_same_rows, both, json_rows, read_csv

STAFF_HEADER = ["核查编号", "核查时间", "核查部门", "核查人", "事项类型", "事项编号", "统一社会信用代码", "主体名称"]
OFFICE_HEADER = ["核查编号", "核查时间", "核查部门", "事项类型", "事项编号", "统一社会信用代码", "主体名称"]


@pytest.fixture
def checks(users, api, listed):  # noqa: F811
    """Two checks by the tax office (one in March), one by the market regulator."""
    tax = api(users["officer_tax"])
    march = run(tax, listed["subject"].uscc, reference="SW-ZC-1").json()["id"]
    honours = run(tax, listed["subject"].uscc, matter_type="honours", reference="SW-PX-2").json()["id"]
    market = run(api(users["officer"]), listed["subject"].uscc, reference="SCJG-1").json()["id"]
    CreditCheck.objects.filter(pk=march).update(created_at=datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI))
    return {"march": march, "honours": honours, "market": market}


def test_a_department_exports_its_own_checks_as_listed_with_who_ran_them(users, api, checks):
    tax = api(users["officer_tax"])
    rows = json_rows(tax, URL)
    assert [row["id"] for row in rows] == [checks["honours"], checks["march"]]
    assert {row["department"]["code"] for row in rows} == {"YC-SW"} and rows[0]["checked_by"] == "officer_tax"
    assert_same_rows(tax, URL, key="id", column=0, header=STAFF_HEADER)
    csv_rows = read_csv(tax.get(f"{URL}?format=csv"))
    first = dict(zip(csv_rows[0], csv_rows[1], strict=True))
    assert first["核查部门"] == "国家税务总局宜昌市税务局" and first["事项类型"] == "评先评优"
    assert first["列入严重失信主体名单"] == "是" and first["未反馈（项）"] == str(rows[0]["no_feedback"])
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", first["核查时间"])
    # another department's code narrows the department's own list to nothing, in the list and in the files
    assert json_rows(tax, f"{URL}?department=YC-SCJG") == []
    for table in both(tax, f"{URL}?department=YC-SCJG"):
        assert table == [table[0]] and table[0][:8] == STAFF_HEADER


def test_the_credit_office_exports_every_department_without_officer_names(users, api, checks):
    office = api(users["monitor"])
    rows = json_rows(office, URL)
    assert [row["id"] for row in rows] == [checks["market"], checks["honours"], checks["march"]]
    assert all("checked_by" not in row for row in rows)
    assert_same_rows(office, URL, key="id", column=0, header=OFFICE_HEADER)
    for table in both(office, URL):
        assert "核查人" not in table[0]
        assert not any("officer" in str(value) for line in table for value in line)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("matter_type=honours", ["honours"]),
        ("department=YC-SW", ["honours", "march"]),
        ("department=YC-SCJG&matter_type=government_procurement", ["market"]),
        ("checked_to=2026-03-10", ["march"]),
        ("checked_from=2026-03-10&checked_to=2026-03-10", ["march"]),
        ("checked_from=2026-03-11", ["market", "honours"]),
        ("uscc={uscc}", ["market", "honours", "march"]),
        ("uscc=91420500MA49ZZZZ0X", []),
        ("checked_from=0001-01-01&checked_to=9999-12-31", ["market", "honours", "march"]),
    ],
)
def test_each_filter_gives_the_same_rows_in_the_list_and_the_files(users, api, checks, listed, query, expected):  # noqa: F811
    office = api(users["monitor"])
    url = f"{URL}?{query.format(uscc=listed['subject'].uscc.lower())}"
    assert [row["id"] for row in json_rows(office, url)] == [checks[name] for name in expected]
    for table in both(office, url):
        assert [int(line[0]) for line in table[1:]] == [checks[name] for name in expected]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("checked_from=2026-13-01", "checked_from"),
        ("checked_to=yesterday", "checked_to"),
        ("checked_from=2026-05-02&checked_to=2026-05-01", "checked_to"),
        ("department=NOPE", "department"),
        ("matter_type=flying", "matter_type"),
        ("uscc=%20", "uscc"),
        ("format=pdf", "format"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it_for_the_list_and_the_files(users, api, checks, query, field):
    for suffix in ("", "&format=csv", "&format=xlsx"):
        if query.startswith("format=") and suffix:
            continue
        response = api(users["monitor"]).get(f"{URL}?{query}{suffix}")
        assert response.status_code == 400, (query, suffix)
        assert field in response.json()["fields"]


def test_nothing_private_reaches_the_list_or_its_files(users, api, checks):
    office = api(users["monitor"])
    texts = [office.get(URL).content.decode()]
    texts += [str(table) for table in both(office, URL)]
    for text in texts:
        for private in ("异议人陈述", "私下和解", "13900001111", "zhangmin@example.com", "张敏"):
            assert private not in text


def test_who_may_not_read_checks_gets_an_empty_list_and_no_rows(users, api, checks):
    applicant = api(users["applicant"])
    assert json_rows(applicant, URL) == []
    for table in both(applicant, URL):
        assert table[1:] == []
    assert api(None).get(f"{URL}?format=csv").status_code in (401, 403)


def test_the_list_has_a_query_budget(users, api, checks, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert api(users["monitor"]).get(URL).status_code == 200


def test_the_page_filters_its_list_and_links_to_the_files_with_those_filters(users, checks):
    client = Client()
    client.force_login(users["monitor"])
    html = client.get("/workbench/credit-check/?department=YC-SW&matter_type=honours").content.decode()
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="(/api/v1/credit-checks\?[^"]+)"', html)]
    assert len(links) == 2 and all("department=YC-SW" in link and "matter_type=honours" in link for link in links)
    assert "SW-PX-2" in html and "SCJG-1" not in html
    assert [int(line[0]) for line in read_csv(client.get(next(x for x in links if "format=csv" in x)))[1:]] == [
        checks["honours"]
    ]
    empty = client.get("/workbench/credit-check/?checked_from=2030-01-01").content.decode()
    assert "暂无核查记录" in empty and "/api/v1/credit-checks?" not in empty  # nothing to download
    bad = client.get("/workbench/credit-check/?checked_from=2026-13-01")
    assert bad.status_code == 400 and "核查日期自" in bad.content.decode() and 'role="alert"' in bad.content.decode()
    # a department's officer has no department choice and sees only its own
    client.force_login(users["officer"])
    html = client.get("/workbench/credit-check/").content.decode()
    assert "SCJG-1" in html and "SW-PX-2" not in html and 'name="department"' not in html
