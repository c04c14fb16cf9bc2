"""A decision registered from an English screen still gets a Chinese 信用修复告知书: letters are official documents."""

from tests.decisions.test_two_documents import download
from tests.letters.support import compact, new_uscc, pdf_text


def test_notice_is_chinese_when_the_registrar_uses_english(api, users, run_on_commit):
    client = api(users["officer"])
    body = {
        "kind": "administrative_penalty",
        "decision_no": "宜市监处罚〔2026〕77号",
        "decision_date": "2026-05-10",
        "uscc": new_uscc(),
        "subject_name": "宜昌市英文界面测试有限公司",
        "severity": "general",
        "facts": "虚假宣传。",
    }
    with run_on_commit():
        response = client.post("/api/v1/decisions", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.json()
    data = client.get(f"/api/v1/decisions/{response.json()['id']}").json()
    text = compact(pdf_text(download(api, users["officer"], data["notice"]["pdf_url"])))
    assert "信用修复告知书" in text and "政务服务窗口" in text
    assert "window" not in text.lower() and "Administrative penalty" not in text
