"""Input no request should be able to turn into a 500: JSON nested past any depth, numbers past any range in query
parameters, NaN/Infinity/exponent amounts (JSON, CSV, XLSX), codes made of punctuation on the verification page.
Each is a 400 naming the field (or the page's 404), on the API and on the pages; error pages are Chinese."""

import io
import json

import pytest
from openpyxl import Workbook

from apps.decisions.models import PenaltyDecision
from tests.decisions.support import decision_row, to_csv, upload
from tests.letters.support import new_uscc
from tests.support.letter_fixtures import fresh_throttle_counts, run_on_commit  # noqa: F401  (fixtures; counts: autouse)

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
DEEP = "[" * 100_000 + "]" * 100_000


def test_json_nested_past_the_recursion_limit_is_a_400_on_the_api_and_on_pages(client, api, users):
    response = api(users["officer"]).generic("POST", "/api/v1/decisions", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid" and "body" in response.json()["fields"]
    anonymous = client.generic("POST", "/api/v1/auth/token", DEEP, content_type="application/json")
    assert anonymous.status_code == 400 and "body" in anonymous.json()["fields"]
    page = client.generic("POST", "/accounts/login/", DEEP, content_type="application/json")
    assert page.status_code == 400 and "JSON 嵌套不能超过" in page.content.decode()


def test_json_nested_deeper_than_any_request_needs_is_a_400(api, users):
    body = '{"a":' * 65 + "1" + "}" * 65
    response = api(users["officer"]).generic("POST", "/api/v1/objections", body, content_type="application/json")
    assert response.status_code == 400 and "64" in response.json()["fields"]["body"][0]
    shallow = '{"a":' * 60 + "1" + "}" * 60
    response = api(users["officer"]).generic("POST", "/api/v1/objections", shallow, content_type="application/json")
    assert response.status_code == 400 and "body" not in response.json()["fields"]  # the view's own validation


def test_the_api_parser_refuses_deep_json_it_receives_directly():
    from rest_framework.exceptions import ParseError

    from apps.core.parsers import JSONParser

    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(DEEP.encode()))
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(b'{"fine_amount": NaN}'))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/decisions",
        "/api/v1/decisions/coverage",
        "/api/v1/decisions/without-notice",
        "/api/v1/stats/monthly",
        "/api/v1/stats/monthly/reports",
    ],
)
@pytest.mark.parametrize("month", [f"2026-{HUGE}", f"{HUGE}-01", "2026-13", "NaN", "1e999999", "2026-1", "２０２６-99"])
def test_months_past_any_range_are_a_400_naming_month(api, users, url, month):
    response = api(users["monitor"]).get(url, {"month": month})
    assert response.status_code == 400, (url, month, response.content)
    assert "month" in response.json()["fields"] and response.json()["detail"].startswith("month")


def test_the_monthly_page_answers_a_month_past_any_range_with_its_400(client, users):
    client.force_login(users["monitor"])
    response = client.get("/workbench/stats/monthly/", {"month": f"2026-{HUGE}"})
    assert response.status_code == 400 and "格式不正确" in response.content.decode()


def good_decision() -> dict:
    return {
        "kind": "administrative_penalty",
        "decision_no": f"宜市监处罚〔2026〕{new_uscc()[-6:]}号",
        "decision_date": "2026-05-10",
        "uscc": new_uscc(),
        "subject_name": "丁公司",
        "severity": "general",
    }


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "1e999999", "1E+5", "0x10", HUGE])
def test_nan_infinity_and_exponent_amounts_in_json_are_a_400_naming_the_field(api, users, amount):
    response = api(users["officer"]).post(
        "/api/v1/decisions", {**good_decision(), "fine_amount": amount}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "fine_amount" in response.json()["fields"]
    assert not PenaltyDecision.objects.exists()


def test_number_literals_past_any_range_in_json_are_a_400(api, users):
    for literal in ("1e999999", "-1e999999", HUGE * 20, "NaN", "Infinity"):
        body = json.dumps(good_decision())[:-1] + f', "fine_amount": {literal}}}'
        response = api(users["officer"]).generic("POST", "/api/v1/decisions", body, content_type="application/json")
        assert response.status_code == 400, (literal, response.content)
    assert not PenaltyDecision.objects.exists()


def test_a_plain_amount_still_goes_in(api, users, run_on_commit):  # noqa: F811
    with run_on_commit():
        response = api(users["officer"]).post(
            "/api/v1/decisions", {**good_decision(), "fine_amount": "1,200.505"}, format="json"
        )
    assert response.status_code == 201, response.content
    assert str(PenaltyDecision.objects.get().fine_amount) == "1200.51"


BAD_CELLS = ["NaN", "sNaN", "Infinity", "-Infinity", "1e999999", "１e5", HUGE]


def test_nan_and_exponent_amounts_in_a_csv_are_row_errors_naming_the_field(api, users, run_on_commit):  # noqa: F811
    rows = [decision_row(900 + n) for n in range(len(BAD_CELLS) + 1)]
    for row, cell in zip(rows, BAD_CELLS, strict=False):
        row["罚没金额"] = cell
    with run_on_commit():
        response = api(users["officer"]).post(
            "/api/v1/decisions/import", {"file": upload("d.csv", to_csv(rows))}, format="multipart"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["errors"]) == (1, len(BAD_CELLS))
    assert {(e["line"], e["field"]) for e in body["error_rows"]} == {
        (n + 2, "fine_amount") for n in range(len(BAD_CELLS))
    }


def test_nan_and_huge_amounts_in_an_xlsx_are_row_errors_naming_the_field(api, users, run_on_commit):  # noqa: F811
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["决定类别", "决定文书号", "决定日期", "统一社会信用代码", "当事人名称", "失信程度", "罚没金额", "部门编码"]
    )
    cells = ["sNaN", "NaN", 1e300, "1e999999", 5000]
    for n, cell in enumerate(cells):
        sheet.append(
            [
                "行政处罚",
                f"宜市监处罚〔2026〕{950 + n}号",
                "2026-05-10",
                new_uscc(),
                f"公司{n}",
                "一般",
                cell,
                "YC-SCJG",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    with run_on_commit():
        response = api(users["officer"]).post(
            "/api/v1/decisions/import", {"file": upload("d.xlsx", buffer.getvalue())}, format="multipart"
        )
    body = response.json()
    assert (body["created"], body["errors"]) == (1, 4), body
    assert {e["field"] for e in body["error_rows"]} == {"fine_amount"}


@pytest.mark.parametrize("code", ["/", "..", "\u202e", "／", "-", "_", "~!@#$%^&*()", "\ufffd"])
def test_a_lookup_code_without_letters_or_digits_is_said_to_be_invalid(client, code):
    response = client.get("/verify/", {"code": code})
    assert response.status_code == 400
    assert "验证码无效" in response.content.decode()


@pytest.mark.parametrize("code", ["%E2%80%AE", "..%2F..", HUGE * 5, "%FF%FE", "'%22%3C%3E"])
def test_odd_codes_in_the_verification_url_are_a_404_page(client, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404


def test_error_pages_are_chinese_in_the_site_look(client, users):
    client.force_login(users["applicant"])
    response = client.get(f"/portal/repairs/{HUGE}/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and "site-header" in text and "Not Found" not in text
    response = client.get("/workbench/stats/monthly/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode() and "site-header" in response.content.decode()
    too_many_fields = "&".join(f"f{n}=1" for n in range(2000))
    response = client.post("/accounts/login/", too_many_fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_the_server_error_page_renders_on_its_own():
    from django.template.loader import render_to_string

    text = render_to_string("500.html")
    assert "系统错误（500）" in text and "site.css" in text


def test_an_input_error_leaving_a_page_is_its_400_page_naming_the_field(rf, users):
    from apps.core.inputs import InputError, parse_month
    from apps.core.middleware import ApplicationErrorPageMiddleware

    request = rf.get("/workbench/notices/", {"month": f"2026-{HUGE}"})
    request.user = users["officer"]
    with pytest.raises(InputError) as refused:
        parse_month(request.GET["month"])
    exc = refused.value
    response = ApplicationErrorPageMiddleware(lambda r: None).process_exception(request, exc)
    assert response.status_code == 400
    assert "month: 月份格式应为 YYYY-MM" in response.content.decode()
    api_request = rf.get("/api/v1/decisions")
    assert ApplicationErrorPageMiddleware(lambda r: None).process_exception(api_request, exc) is None
