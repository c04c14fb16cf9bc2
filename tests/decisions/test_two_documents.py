"""两书同达 end to end: a decision comes in, its repair notice is generated with the right dates, verifies, and is
bundled with the decision and delivered; decisions delivered without it are reported."""

import io
from datetime import date

import pypdf

from apps.decisions.models import PenaltyDecision
from apps.decisions.selectors import two_documents_coverage
from apps.letters.models import Letter
from apps.subjects.models import NegativeRecord
from apps.subjects.services import subject_representative_add
from tests.letters.support import compact, new_uscc, pdf_text


def register(api, user, run_on_commit, **overrides):
    body = {
        "kind": "administrative_penalty",
        "decision_no": "宜市监处罚〔2026〕12号",
        "decision_date": "2026-05-10",
        "uscc": new_uscc(),
        "subject_name": "宜昌市示例商贸有限公司",
        "severity": "general",
        "penalty_types": ["警告", "罚款"],
        "facts": "销售不符合食品安全标准的食品。",
        "legal_basis": "《中华人民共和国食品安全法》第一百二十四条",
        "fine_amount": "50000",
        **overrides,
    }
    with run_on_commit():
        response = api(user).post("/api/v1/decisions", body, format="json")
    assert response.status_code == 201, response.json()
    # The notice is rendered after commit (an eager Celery task here): read the decision again.
    return api(user).get(f"/api/v1/decisions/{response.json()['id']}").json()


def download(api, user, url) -> bytes:
    response = api(user).get(url)
    assert response.status_code == 200, getattr(response, "data", response)
    return b"".join(response.streaming_content)


def test_notice_carries_subject_decision_and_earliest_repair_date_from_the_rules(api, users, run_on_commit):
    data = register(api, users["officer"], run_on_commit)
    decision = PenaltyDecision.objects.get(pk=data["id"])
    record = decision.record
    # 一般 decided 2026-05-10: minimum 3 months, maximum 12 (rule rows in force on that date).
    assert (record.repair_earliest, record.publish_until) == (date(2026, 8, 10), date(2027, 5, 10))
    assert data["notice"]["status"] == Letter.Status.RENDERED
    pdf = download(api, users["officer"], data["notice"]["pdf_url"])
    text = compact(pdf_text(pdf))
    for expected in [
        "信用修复告知书",
        "宜昌市示例商贸有限公司",
        decision.subject.uscc,
        "宜市监处罚〔2026〕12号",
        "最早可于2026年8月10日起",
        "2027年5月10日",
        "www.creditchina.gov.cn",
        "宜昌市市场监督管理局政务服务窗口",
    ]:
        assert expected in text, expected
    code = data["notice"]["verification_code"]
    assert code in text

    anonymous = api(None)
    verified = anonymous.get(f"/api/v1/verify/{code}")
    assert verified.status_code == 200
    body = verified.json()
    assert body["valid"] is True and body["template"] == "repair_notice" and body["code"] == code
    assert body["issuer_department"] == "宜昌市市场监督管理局"
    assert body["summary"]["decision_no"] == "宜市监处罚〔2026〕12号"
    assert body["summary"]["repair_earliest"] == "2026-08-10"
    assert body["sha256"] == decision.notice.sha256

    same = anonymous.post(f"/api/v1/verify/{code}", {"file": io.BytesIO(pdf)}, format="multipart")
    assert same.status_code == 200 and same.json()["match"] is True
    flipped = bytearray(pdf)
    flipped[len(flipped) // 2] ^= 0x01
    changed = anonymous.post(f"/api/v1/verify/{code}", {"file": io.BytesIO(bytes(flipped))}, format="multipart")
    assert changed.json()["match"] is False
    appended = anonymous.post(f"/api/v1/verify/{code}", {"file": io.BytesIO(pdf + b"\n% edited")}, format="multipart")
    assert appended.json()["match"] is False


def test_serious_listing_notice_uses_the_serious_rows(api, users, run_on_commit):
    data = register(
        api,
        users["officer"],
        run_on_commit,
        kind="serious_dishonesty_listing",
        severity="serious",
        decision_no="宜市监列严〔2026〕3号",
        decision_date="2026-04-15",
    )
    record = NegativeRecord.objects.get(pk=data["record"])
    assert record.kind == "serious_dishonesty_list"
    assert (record.repair_earliest, record.publish_until) == (date(2027, 4, 15), date(2029, 4, 15))
    text = compact(pdf_text(download(api, users["officer"], data["notice"]["pdf_url"])))
    assert "列入严重失信主体名单决定" in text and "最早可于2027年4月15日起" in text


def test_individual_business_gets_no_notice(api, users, run_on_commit):
    data = register(api, users["officer"], run_on_commit, uscc=new_uscc("2"), subject_name="宜昌市西陵区张记小吃店")
    assert data["notice_required"] is False and data["notice"] is None
    assert not Letter.objects.filter(
        owner_type="decisions.penaltydecision", owner_id=data["id"], code="repair_notice"
    ).exists()


def test_bundle_is_one_pdf_with_the_decision_then_the_notice(api, users, run_on_commit):
    data = register(api, users["officer"], run_on_commit)
    pdf = download(api, users["officer"], data["bundle_url"])
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    first, second = (compact(page.extract_text()) for page in reader.pages)
    assert "行政处罚决定书" in first and "宜市监处罚〔2026〕12号" in first and "销售不符合食品安全标准的食品" in first
    assert "信用修复告知书" in second and "最早可于2026年8月10日起" in second
    # Asked again, the same bundle is served.
    assert download(api, users["officer"], data["bundle_url"]) == pdf


def test_uploaded_decision_pdf_is_bundled_instead_of_the_generated_one(api, users, run_on_commit):
    from apps.letters import pdf as pdf_module

    data = register(api, users["officer"], run_on_commit)
    [original] = pdf_module.render_items([pdf_module.RenderItem(key=1, html="<p>原件：盖章的行政处罚决定书</p>")])
    response = api(users["officer"]).post(
        f"/api/v1/decisions/{data['id']}/document", {"file": io.BytesIO(original.pdf)}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["has_uploaded_document"] is True
    not_pdf = api(users["officer"]).post(
        f"/api/v1/decisions/{data['id']}/document", {"file": io.BytesIO(b"hello")}, format="multipart"
    )
    assert not_pdf.status_code == 400 and not_pdf.json()["error"] == "invalid_pdf"
    reader = pypdf.PdfReader(io.BytesIO(download(api, users["officer"], data["bundle_url"])))
    assert "原件：盖章的行政处罚决定书" in compact(reader.pages[0].extract_text())
    assert "信用修复告知书" in compact(reader.pages[1].extract_text())


def test_delivery_with_the_notice_and_without_it_and_the_coverage(api, users, run_on_commit):
    together = register(api, users["officer"], run_on_commit, decision_no="宜市监处罚〔2026〕21号")
    alone = register(api, users["officer"], run_on_commit, decision_no="宜市监处罚〔2026〕22号")
    individual = register(
        api, users["officer"], run_on_commit, decision_no="宜市监处罚〔2026〕23号", uscc=new_uscc("2")
    )
    officer = api(users["officer"])
    response = officer.post(
        f"/api/v1/decisions/{together['id']}/delivery",
        {"method": "mail", "delivered_on": "2026-05-12", "receipt": "EMS1234567890"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["delivery"] == {
        "method": "mail",
        "delivered_on": "2026-05-12",
        "receipt": "EMS1234567890",
        "notice_delivered": True,
    }
    notice = Letter.objects.get(pk=together["notice"]["letter"])
    assert (notice.delivery_method, notice.delivered_on, notice.delivery_receipt) == (
        "mail",
        date(2026, 5, 12),
        "EMS1234567890",
    )
    response = officer.post(
        f"/api/v1/decisions/{alone['id']}/delivery",
        {"method": "direct", "delivered_on": "2026-05-20", "notice_delivered": False},
        format="json",
    )
    assert response.json()["delivery"]["notice_delivered"] is False
    officer.post(
        f"/api/v1/decisions/{individual['id']}/delivery",
        {"method": "direct", "delivered_on": "2026-05-20"},
        format="json",
    )

    coverage = two_documents_coverage(month=date(2026, 5, 1))
    assert (coverage["numerator"], coverage["denominator"], coverage["ratio"]) == (1, 2, 0.5)
    assert [row["decision_no"] for row in coverage["missing"]] == ["宜市监处罚〔2026〕22号"]
    assert two_documents_coverage(month=date(2026, 6, 1))["ratio"] is None

    listed = api(users["monitor"]).get("/api/v1/decisions/without-notice")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [alone["id"]]
    assert api(users["monitor"]).get("/api/v1/decisions/without-notice?month=2026-06").json()["results"] == []
    assert api(users["officer_tax"]).get("/api/v1/decisions/without-notice").json()["results"] == []
    api_coverage = api(users["monitor"]).get("/api/v1/decisions/coverage?month=2026-05").json()
    assert (api_coverage["numerator"], api_coverage["denominator"]) == (1, 2)


def test_delivery_refuses_bad_dates_and_other_departments(api, users, run_on_commit):
    data = register(api, users["officer"], run_on_commit)
    before = api(users["officer"]).post(
        f"/api/v1/decisions/{data['id']}/delivery", {"method": "mail", "delivered_on": "2026-05-01"}, format="json"
    )
    assert before.status_code == 400 and "delivered_on" in before.json()["fields"]
    bad_method = api(users["officer"]).post(
        f"/api/v1/decisions/{data['id']}/delivery", {"method": "pigeon", "delivered_on": "2026-05-12"}, format="json"
    )
    assert bad_method.status_code == 400 and "method" in bad_method.json()["fields"]
    other = api(users["officer_tax"]).post(
        f"/api/v1/decisions/{data['id']}/delivery", {"method": "mail", "delivered_on": "2026-05-12"}, format="json"
    )
    assert other.status_code == 404
    monitor = api(users["monitor"]).post(
        f"/api/v1/decisions/{data['id']}/delivery", {"method": "mail", "delivered_on": "2026-05-12"}, format="json"
    )
    assert monitor.status_code == 403


def test_decision_and_letters_are_hidden_from_others(api, users, run_on_commit):
    data = register(api, users["officer"], run_on_commit)
    decision = PenaltyDecision.objects.get(pk=data["id"])
    assert api(users["officer_tax"]).get(f"/api/v1/decisions/{data['id']}").status_code == 404
    assert api(users["officer_tax"]).get(data["bundle_url"]).status_code == 404
    assert api(users["monitor"]).get(f"/api/v1/decisions/{data['id']}").status_code == 200
    letter_url = f"/api/v1/letters/{data['notice']['letter']}"
    assert api(users["applicant"]).get(letter_url).status_code == 404
    assert api(users["applicant"]).get(letter_url + ".pdf").status_code == 404
    subject_representative_add(subject=decision.subject, user=users["applicant"])
    assert api(users["applicant"]).get(letter_url + ".pdf").status_code == 200
    assert api(users["applicant2"]).get(letter_url + ".pdf").status_code == 404
