from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.subjects.models import RecordKind, Severity
from apps.subjects.services import subject_representative_add
from apps.subjects.uscc import make_uscc
from tests.subjects.factories import a_record, a_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, departments):
    mine = a_subject("宜昌鑫源商贸有限公司")
    other = a_subject("宜昌恒达物流有限公司")
    subject_representative_add(subject=mine, user=users["applicant"])
    market_record = a_record(mine, departments["market"], sanctions=[(departments["tax"], "限制参加政府采购")])
    tax_record = a_record(other, departments["tax"], kind=RecordKind.SERIOUS_DISHONESTY_LIST, severity=Severity.SERIOUS)
    return {"mine": mine, "other": other, "market_record": market_record, "tax_record": tax_record}


def test_token_auth_then_list(api, users, world):
    client = api()
    token = client.post("/api/v1/auth/token", {"username": "clerk1", "password": "test-pass-2026"}, format="json")
    assert token.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    body = client.get("/api/v1/subjects").json()
    assert body["count"] == 2


def test_bad_credentials_is_400_not_500(api, users):
    response = api().post("/api/v1/auth/token", {"username": "clerk1", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_credentials"
    response = api().post("/api/v1/auth/token", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username", "password"}


def test_anonymous_cannot_list(api, world):
    assert api().get("/api/v1/subjects").status_code in (401, 403)


def test_applicant_sees_only_own_subjects(api, users, world):
    client = api(users["applicant"])
    listing = client.get("/api/v1/subjects").json()
    assert [s["uscc"] for s in listing["results"]] == [world["mine"].uscc]
    assert client.get(f"/api/v1/subjects/{world['other'].uscc}").status_code == 404
    detail = client.get(f"/api/v1/subjects/{world['mine'].uscc}").json()
    assert [r["id"] for r in detail["records"]] == [world["market_record"].pk]
    assert client.get(f"/api/v1/records/{world['tax_record'].pk}").status_code == 404
    assert client.get(f"/api/v1/records/{world['market_record'].pk}").status_code == 200


def test_officer_sees_only_own_departments_records(api, users, world):
    client = api(users["officer"])  # market regulation
    assert client.get(f"/api/v1/records/{world['market_record'].pk}").status_code == 200
    missing = client.get(f"/api/v1/records/{world['tax_record'].pk}")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert client.get("/api/v1/records/999999").json() == missing.json()  # forbidden looks like missing
    tax = api(users["officer_tax"])
    assert tax.get(f"/api/v1/records/{world['tax_record'].pk}").status_code == 200


def test_record_shows_window_status_and_sanctions(api, users, world):
    body = api(users["monitor"]).get(f"/api/v1/records/{world['market_record'].pk}").json()
    assert body["kind"] == "administrative_penalty" and body["severity"] == "general"
    assert body["publication"]["from"] == "2026-05-10"
    assert body["publication"]["repair_earliest"] == "2026-08-10"  # 一般: minimum 3 months
    assert body["publication"]["until"] == "2027-05-10"  # 一般: maximum 1 year
    assert "市场监管总局令第107号" in body["publication"]["rule_source"]
    assert body["status"]["publication"] == "published" and body["status"]["under_objection"] is False
    assert body["sanctions"][0]["measure"] == "限制参加政府采购"


def test_subject_detail_shows_list_status(api, users, world):
    body = api(users["monitor"]).get(f"/api/v1/subjects/{world['other'].uscc}").json()
    assert body["list_status"]["on_serious_list"] is True
    assert body["cases"] == []


def test_create_subject_validates_the_code(api, users):
    client = api(users["clerk"])
    bad = client.post("/api/v1/subjects", {"uscc": "91350100M000100Y44", "name": "某公司"}, format="json")
    assert bad.status_code == 400
    assert "第18位" in bad.json()["fields"]["uscc"][0]
    code = make_uscc("9", "1", "420502", "MA4YY001")
    good = client.post("/api/v1/subjects", {"uscc": code, "name": "宜昌新阳建材有限公司"}, format="json")
    assert good.status_code == 201 and good.json()["region_code"] == "420502"
    again = client.post("/api/v1/subjects", {"uscc": code, "name": "重复"}, format="json")
    assert again.status_code == 409 and "uscc" in again.json()["fields"]


def test_applicant_cannot_create_subjects(api, users):
    code = make_uscc("9", "1", "420502", "MA4YY002")
    response = api(users["applicant"]).post("/api/v1/subjects", {"uscc": code, "name": "x"}, format="json")
    assert response.status_code == 403


def test_officer_registers_a_record_of_own_department(api, users, world):
    client = api(users["officer"])
    payload = {
        "uscc": world["other"].uscc,
        "kind": "administrative_penalty",
        "severity": "serious",
        "decision_no": "宜市监罚〔2026〕88号",
        "decision_date": "2026-04-02",
        "sanctions": [{"department": "YC-SW", "measure": "限制取得政府供应土地"}],
    }
    created = client.post("/api/v1/records", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["publication"]["repair_earliest"] == "2027-04-02"
    assert client.post("/api/v1/records", payload, format="json").status_code == 409
    wrong_dept = client.post("/api/v1/records", {**payload, "department": "YC-SW", "decision_no": "x1"}, format="json")
    assert wrong_dept.status_code == 400 and "department" in wrong_dept.json()["fields"]
    bad = client.post("/api/v1/records", {**payload, "severity": "huge", "decision_date": "2026-02-30"}, format="json")
    assert bad.status_code == 400 and {"severity", "decision_date"} <= set(bad.json()["fields"])


def test_subject_list_query_budget(api, users, departments):
    for i in range(30):
        s = a_subject()
        a_record(s, departments["market"], decided=date(2026, 1, 1 + i % 28))
    client = api(users["monitor"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/subjects?page_size=30")
    assert response.status_code == 200 and len(response.json()["results"]) == 30
    assert len(ctx.captured_queries) <= 6, [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/records?page_size=30")
    assert len(response.json()["results"]) == 30
    assert len(ctx.captured_queries) <= 8, [q["sql"] for q in ctx.captured_queries]


def test_bad_filters_are_400(api, users):
    client = api(users["monitor"])
    assert client.get("/api/v1/subjects?region_code=abc").status_code == 400
    assert client.get("/api/v1/records?kind=nonsense").json()["fields"]["kind"]
    assert client.get("/api/v1/no-such-endpoint").status_code == 404
