"""Who sees a letter (404, not 403, for everyone else), public verification, the verification page."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from apps.letters.models import Letter
from apps.letters.selectors import letter_file_bytes
from apps.letters.services import letter_create, letter_render
from apps.subjects.services import subject_representative_add
from tests.letters.support import compact, make_subject, pdf_text

CONTEXT = {
    "subject_name": "宜昌市示例商贸有限公司",
    "subject_uscc": "",
    "decision_no": "宜市监处罚〔2026〕12号",
    "decision_date": "2026-05-10",
    "decision_kind_label": "行政处罚决定",
    "severity_label": "一般",
    "legal_representative": "张三",
    "subject_address": "湖北省宜昌市西陵区示例路1号",
    "facts": "事实",
    "penalty_types": ["罚款"],
}


@pytest.fixture
def letter(departments):
    subject = make_subject("宜昌市示例商贸有限公司")
    made = letter_create(
        template_code="penalty_decision",
        owner=("tests.api", 1),
        recipient=subject,
        context={**CONTEXT, "subject_uscc": subject.uscc},
        acting_user=None,
        department=departments["market"],
    )
    return letter_render(letter=made)


def pdf_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_who_may_download(api, users, letter, role_perms):
    url = f"/api/v1/letters/{letter.pk}.pdf"
    from apps.subjects.models import Subject

    subject_representative_add(subject=Subject.objects.get(uscc=letter.recipient_uscc), user=users["applicant"])
    allowed = ["applicant", "officer", "reviewer", "monitor", "admin"]  # representative, issuing department, global
    for name in allowed:
        response = api(users[name]).get(url)
        assert response.status_code == 200, name
        data = pdf_bytes(response)
        assert data.startswith(b"%PDF-") and response["Content-Type"] == "application/pdf"
        assert response["X-Content-SHA256"] == letter.sha256
    for name in ["applicant2", "officer_tax", "clerk", "trainer"]:
        response = api(users[name]).get(url)
        assert response.status_code == 404, name
        assert response.json()["error"] == "not_found"
        assert api(users[name]).get(f"/api/v1/letters/{letter.pk}").status_code == 404
    assert api(users["officer"]).get("/api/v1/letters/999999.pdf").status_code == 404
    anonymous = api(None).get(url)
    assert anonymous.status_code in (401, 403)
    detail = api(users["applicant"]).get(f"/api/v1/letters/{letter.pk}").json()
    assert detail["verification_code"] == letter.verification_code and detail["status"] == "rendered"
    assert detail["pdf_url"] == url


@pytest.mark.django_db
def test_public_verification_shows_no_personal_details(api, letter):
    response = api(None).get(f"/api/v1/verify/{letter.verification_code.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"valid", "code", "template", "title", "issued_at", "issuer_department", "summary", "sha256"}
    assert body["summary"] == {
        "decision_no": "宜市监处罚〔2026〕12号",
        "decision_date": "2026-05-10",
        "decision_kind_label": "行政处罚决定",
        "severity_label": "一般",
    }
    assert body["recipient"]["name"] == "宜昌市示例商贸有限公司"
    raw = response.content.decode()
    assert "张三" not in raw and "示例路" not in raw
    missing = api(None).get("/api/v1/verify/ZZZZZZZZZZ")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


@pytest.mark.django_db
def test_unrendered_letter_does_not_verify(api, departments):
    queued = letter_create(
        template_code="penalty_decision",
        owner=("tests.api", 2),
        recipient=None,
        context=CONTEXT,
        acting_user=None,
        department=departments["market"],
    )
    assert api(None).get(f"/api/v1/verify/{queued.verification_code}").status_code == 404


@pytest.mark.django_db
def test_individual_business_name_is_masked(api, departments):
    subject = make_subject("宜昌市西陵区张三小吃店", category="2")
    made = letter_create(
        template_code="penalty_decision",
        owner=("tests.api", 3),
        recipient=subject,
        context={**CONTEXT, "subject_uscc": subject.uscc},
        acting_user=None,
        department=departments["market"],
    )
    made = letter_render(letter=made)
    body = api(None).get(f"/api/v1/verify/{made.verification_code}").json()
    assert body["recipient"]["name"].startswith("宜*") and "张三" not in body["recipient"]["name"]


@pytest.mark.django_db
def test_verify_upload_matches_only_the_exact_file(api, letter):
    stored = (Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path).read_bytes()
    url = f"/api/v1/verify/{letter.verification_code}"
    assert api(None).post(url, {"file": io.BytesIO(stored)}, format="multipart").json()["match"] is True
    changed = bytearray(stored)
    changed[100] = (changed[100] + 1) % 256
    result = api(None).post(url, {"file": io.BytesIO(bytes(changed))}, format="multipart").json()
    assert result["match"] is False and result["valid"] is True and result["uploaded_sha256"] != result["sha256"]
    assert api(None).post(url, {"file": io.BytesIO(stored + b"%%EOF\n")}, format="multipart").json()["match"] is False
    assert api(None).post(url, {}, format="multipart").status_code == 400


@pytest.mark.django_db
def test_verification_page(letter):
    client = Client()
    page = client.get(f"/verify/{letter.verification_code}")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "行政处罚决定书" in html and "宜市监处罚〔2026〕12号" in html and letter.sha256 in html and "张三" not in html
    )
    stored = (Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path).read_bytes()
    same = client.post(f"/verify/{letter.verification_code}", {"file": io.BytesIO(stored)})
    assert "完全一致" in same.content.decode()
    other = client.post(f"/verify/{letter.verification_code}", {"file": io.BytesIO(stored + b" ")})
    assert "不一致" in other.content.decode()
    assert client.get("/verify/NOPE000000").status_code == 404
    lookup = client.get("/verify/", {"code": letter.verification_code.lower()})
    assert lookup.status_code == 302 and lookup["Location"].endswith(f"/verify/{letter.verification_code}")
    assert client.get("/verify/").status_code == 200


@pytest.mark.django_db
def test_tampered_stored_file_is_not_served(api, users, letter):
    path = Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path
    path.write_bytes(path.read_bytes() + b"x")
    response = api(users["officer"]).get(f"/api/v1/letters/{letter.pk}.pdf")
    assert response.status_code == 409 and response.json()["error"] == "letter_file_corrupt"


@pytest.mark.django_db
def test_queued_letter_pdf_is_a_conflict(api, users, departments):
    queued = letter_create(
        template_code="penalty_decision",
        owner=("tests.api", 4),
        recipient=None,
        context=CONTEXT,
        acting_user=None,
        department=departments["market"],
    )
    response = api(users["officer"]).get(f"/api/v1/letters/{queued.pk}.pdf")
    assert response.status_code == 409 and response.json()["error"] == "letter_not_rendered"
    assert Letter.objects.get(pk=queued.pk).status == Letter.Status.QUEUED


@pytest.mark.django_db
def test_the_letter_prints_the_address_the_product_runs_at(departments, settings):
    """`PORT=8101 make run` sets PUBLIC_BASE_URL to its own address; the letter prints that, not a default."""
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8101"
    subject = make_subject("宜昌市示例商贸有限公司")
    made = letter_create(
        template_code="penalty_decision",
        owner=("tests.api", 2),
        recipient=subject,
        context={**CONTEXT, "subject_uscc": subject.uscc},
        acting_user=None,
        department=departments["market"],
    )
    text = compact(pdf_text(letter_file_bytes(letter=letter_render(letter=made))))
    assert f"127.0.0.1:8101/verify/{made.verification_code}" in text
    assert "127.0.0.1:8000" not in text


@pytest.mark.django_db
def test_letter_body_keys_and_types(api, users, letter):
    """Rendered through LetterOutput: the keys and JSON types the body always had."""
    detail = api(users["officer"]).get(f"/api/v1/letters/{letter.pk}").json()
    assert set(detail) == {
        "id", "template", "template_version", "title", "status", "error", "owner", "recipient",
        "issuer_department", "verification_code", "verify_url", "sha256", "size", "page_count", "created_at",
        "rendered_at", "delivery", "pdf_url", "batch",
    }  # fmt: skip
    assert set(detail["owner"]) == {"type", "id"} and set(detail["recipient"]) == {"uscc", "name"}
    assert detail["delivery"] == {"method": "", "delivered_on": None, "receipt": ""}
    assert isinstance(detail["size"], int) and isinstance(detail["page_count"], int) and detail["batch"] is None
    assert detail["created_at"].endswith("Z") and detail["rendered_at"].endswith("Z")
    verified = api(None).get(f"/api/v1/verify/{letter.verification_code}").json()
    assert "match" not in verified and "uploaded_sha256" not in verified
    assert set(verified["summary_fields"][0]) == {"key", "label", "value"}
