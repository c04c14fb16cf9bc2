"""The 两书同达 bundle as the recipient received it verifies at the code printed on each letter inside it; a changed
bundle, or the bundle at an unrelated letter's code, does not."""

import io

import pytest
from django.test import Client

from apps.core.errors import ApplicationError
from apps.core.models import CaseEvent
from apps.decisions.models import PenaltyDecision
from apps.letters import pdf as pdf_module
from apps.letters.models import Letter, LetterBundle
from apps.letters.services import letter_bundle_register, letter_create, letter_verify
from tests.decisions.test_two_documents import download, register


def verify(api, code: str, data: bytes) -> dict:
    response = api(None).post(f"/api/v1/verify/{code}", {"file": io.BytesIO(data)}, format="multipart")
    assert response.status_code == 200, response.json()
    return response.json()


def built_bundle(api, users, run_on_commit, **overrides) -> tuple[PenaltyDecision, bytes]:
    data = register(api, users["officer"], run_on_commit, **overrides)
    bundle = download(api, users["officer"], data["bundle_url"])
    return PenaltyDecision.objects.select_related("notice", "decision_letter").get(pk=data["id"]), bundle


def test_bundle_matches_at_the_notice_code_and_at_the_decision_letter_code(api, users, run_on_commit):
    decision, bundle = built_bundle(api, users, run_on_commit)
    notice, decision_letter = decision.notice, decision.decision_letter
    assert decision_letter is not None and decision_letter.status == Letter.Status.RENDERED

    at_notice = verify(api, notice.verification_code, bundle)
    assert at_notice["match"] is True and at_notice["matched"] == "bundle"
    assert at_notice["code"] == notice.verification_code and at_notice["sha256"] == notice.sha256
    assert at_notice["uploaded_sha256"] == decision.bundle_sha256
    assert at_notice["bundle"] == {
        "title": "行政处罚决定书及信用修复告知书 宜市监处罚〔2026〕12号",
        "sha256": decision.bundle_sha256,
        "page_count": 2,
        "parts": [
            {
                "position": 1,
                "title": decision_letter.title,
                "code": decision_letter.verification_code,
                "template": "penalty_decision",
            },
            {"position": 2, "title": notice.title, "code": notice.verification_code, "template": "repair_notice"},
        ],
    }

    at_decision = verify(api, decision_letter.verification_code, bundle)
    assert at_decision["match"] is True and at_decision["matched"] == "bundle"
    assert at_decision["template"] == "penalty_decision" and at_decision["bundle"] == at_notice["bundle"]

    # Each letter on its own still matches as itself.
    alone = download(api, users["officer"], f"/api/v1/letters/{notice.pk}.pdf")
    itself = verify(api, notice.verification_code, alone)
    assert itself["match"] is True and itself["matched"] == "letter" and "bundle" not in itself


def test_changed_bundle_does_not_match(api, users, run_on_commit):
    decision, bundle = built_bundle(api, users, run_on_commit)
    flipped = bytearray(bundle)
    flipped[len(flipped) // 2] ^= 0x01
    for changed in (bytes(flipped), bundle + b"\n% edited"):
        result = verify(api, decision.notice.verification_code, changed)
        assert result["match"] is False and result["matched"] is None and "bundle" not in result
        assert result["valid"] is True  # the letter itself is genuine; the file is not the one issued


def test_bundle_does_not_match_at_an_unrelated_letter_code(api, users, run_on_commit):
    _decision, bundle = built_bundle(api, users, run_on_commit)
    other = register(api, users["officer"], run_on_commit, decision_no="宜市监处罚〔2026〕99号")
    result = verify(api, other["notice"]["verification_code"], bundle)
    assert result["match"] is False and result["matched"] is None and "bundle" not in result


def test_bundle_with_an_uploaded_original_and_the_bundle_delivered_before_it(api, users, run_on_commit):
    decision, generated = built_bundle(api, users, run_on_commit)
    decision_letter_code = decision.decision_letter.verification_code
    [original] = pdf_module.render_items([pdf_module.RenderItem(key=1, html="<p>原件：盖章的行政处罚决定书</p>")])
    response = api(users["officer"]).post(
        f"/api/v1/decisions/{decision.pk}/document", {"file": io.BytesIO(original.pdf)}, format="multipart"
    )
    assert response.status_code == 200
    rebuilt = download(api, users["officer"], f"/api/v1/decisions/{decision.pk}/bundle.pdf")
    assert rebuilt != generated

    result = verify(api, decision.notice.verification_code, rebuilt)
    assert result["match"] is True and result["matched"] == "bundle"
    first, second = result["bundle"]["parts"]
    assert first == {"position": 1, "title": "行政处罚决定书（原件）", "code": None, "template": None}
    assert second["code"] == decision.notice.verification_code
    # The original is not a letter: the new bundle is not genuine at the generated decision letter's code ...
    assert verify(api, decision_letter_code, rebuilt)["match"] is False
    # ... while the bundle built (and perhaps delivered) before the upload still verifies where it did.
    assert verify(api, decision.notice.verification_code, generated)["matched"] == "bundle"
    assert verify(api, decision_letter_code, generated)["matched"] == "bundle"
    assert LetterBundle.objects.filter(owner_type="decisions.penaltydecision", owner_id=decision.pk).count() == 2


def test_service_registers_once_with_one_audit_event_and_verifies(api, users, run_on_commit):
    decision, bundle = built_bundle(api, users, run_on_commit)
    registered = LetterBundle.objects.get(sha256=decision.bundle_sha256)
    assert (registered.size, registered.page_count, registered.created_by) == (len(bundle), 2, users["officer"])
    assert (registered.owner_type, registered.owner_id) == ("decisions.penaltydecision", decision.pk)

    again = letter_bundle_register(
        parts=[decision.decision_letter, decision.notice], data=bundle, title="ignored", acting_user=None
    )
    assert again.pk == registered.pk and again.title != "ignored"
    events = CaseEvent.objects.filter(case_type="letters.letterbundle", case_id=registered.pk)
    assert [event.kind for event in events] == ["letter_bundle_registered"]
    assert events[0].data["parts"][1] == {"position": 2, "letter": decision.notice_id, "title": decision.notice.title}

    result = letter_verify(code=decision.notice.verification_code.lower(), pdf_bytes=bundle)
    assert result["match"] is True and result["matched"] == "bundle" and result["bundle"]["page_count"] == 2
    assert letter_verify(code=decision.notice.verification_code, pdf_bytes=bundle[:-1])["match"] is False
    assert "match" not in letter_verify(code=decision.notice.verification_code)


def test_service_refuses_a_letter_not_yet_rendered(departments):
    queued = letter_create(
        template_code="penalty_decision",
        owner=("tests.bundle", 1),
        recipient=None,
        context={"decision_no": "宜市监处罚〔2026〕1号"},
        acting_user=None,
        department=departments["market"],
    )
    with pytest.raises(ApplicationError) as refused:
        letter_bundle_register(parts=[queued], data=b"%PDF-1.7", title="x", acting_user=None)
    assert refused.value.code == "letter_not_rendered"
    assert not LetterBundle.objects.exists()


def test_verification_page_shows_a_bundle_match(api, users, run_on_commit):
    decision, bundle = built_bundle(api, users, run_on_commit)
    client = Client()
    page = client.post(f"/verify/{decision.notice.verification_code}", {"file": io.BytesIO(bundle)})
    assert page.status_code == 200
    html = page.content.decode()
    assert "合并文件“行政处罚决定书及信用修复告知书 宜市监处罚〔2026〕12号”（共 2 页）" in html
    assert "完全一致" in html and "不一致" not in html
    assert f'href="/verify/{decision.decision_letter.verification_code}"' in html
    assert decision.bundle_sha256 in html
    changed = client.post(f"/verify/{decision.notice.verification_code}", {"file": io.BytesIO(bundle + b" ")})
    assert "不一致" in changed.content.decode() and "合并文件“" not in changed.content.decode()
