"""English is available next to the Simplified Chinese source: the request language (Accept-Language, the
language cookie set by /i18n/setlang/) decides pages, model choice labels and API error details, and the
committed catalogue locale/en/LC_MESSAGES/django.po is complete and compiled."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.subjects.models import Severity
from apps.subjects.uscc import validate_uscc

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
BAD_USCC = "91350100M000100Y44"  # the check character (position 18) should be 3


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """LocaleMiddleware leaves the request's language active in the thread; later tests expect the default."""
    yield
    translation.deactivate()


# --- pages, labels and API errors follow the request language ------------------------------------------------


def test_model_choice_labels_follow_the_active_language():
    with translation.override("en"):
        assert str(Severity.SERIOUS.label) == "Serious"
        assert dict(Severity.choices)[Severity.MINOR] == "Minor"
    with translation.override("zh-hans"):
        assert str(Severity.SERIOUS.label) == "严重"


def test_domain_messages_follow_the_active_language():
    with translation.override("en"):
        assert validate_uscc(BAD_USCC).errors[0].message == (
            "The check character at position 18 should be “3”, not “4”."
        )
    with translation.override("zh-hans"):
        assert validate_uscc(BAD_USCC).errors[0].message == "第18位校验码应为“3”，实际为“4”。"


@pytest.mark.django_db
def test_home_page_in_english_with_accept_language_en(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "<title>Credit Repair and Objection Handling</title>" in html
    assert "Document authenticity check" in html
    assert "信用修复" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["zh-hans", "zh-CN", ""])
def test_home_page_stays_chinese(client, accept):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    html = client.get("/", **headers).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<title>信用修复与异议办理</title>" in html
    assert "文书真伪查验" in html


@pytest.mark.django_db
def test_language_switcher_cookie_overrides_accept_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<title>Credit Repair and Objection Handling</title>" in html


@pytest.mark.django_db
def test_public_api_error_detail_in_english(api):
    response = api().get(f"/api/v1/uscc/{BAD_USCC}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["position"] == 18
    assert body["detail"] == "The check character at position 18 should be “3”, not “4”."
    assert response.headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_public_api_error_detail_stays_chinese(api):
    body = api().get(f"/api/v1/uscc/{BAD_USCC}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["detail"] == "第18位校验码应为“3”，实际为“4”。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "detail"),
    [("en", "You are not allowed to register credit entities."), ("zh-hans", "无权登记信用主体。")],
)
def test_token_authenticated_api_call_honours_the_request_language(users, accept, detail):
    """A real Authorization: Token header (not force_authenticate): DRF authenticates inside the view, after
    LocaleMiddleware has activated the language from the request."""
    token = Token.objects.create(user=users["applicant"])
    client = APIClient()
    response = client.post(
        "/api/v1/subjects",
        {"uscc": "91350100M000100Y43", "name": "测试公司"},
        format="json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
        HTTP_ACCEPT_LANGUAGE=accept,
    )
    assert response.status_code == 403
    assert response.json()["detail"] == detail


@pytest.mark.django_db
def test_api_validation_errors_in_english(api):
    response = api().post(
        "/api/v1/auth/token", {"username": "nobody", "password": "wrong"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Incorrect username or password."


# --- the committed catalogue ----------------------------------------------------------------------------------


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), body)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as {"msgid", "msgstr", "flags"}; msgid_plural entries keep msgstr[0]. No polib."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def flush():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {}

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if field in ("msgstr", "msgstr[0]", "msgstr[1]"):
                flush()
                field = None
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith('"'):
            entry[field] += _unquote(line)
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and field in ("msgstr", "msgstr[0]", "msgstr[1]"):
            flush()
        field = keyword
        entry[field] = _unquote(value)
        if keyword == "msgstr[0]":
            entry["msgstr"] = entry[field]
    flush()
    for e in entries:
        e.setdefault("flags", set())
        if "msgstr[0]" in e:
            e["msgstr"] = e["msgstr[0]"]
    return entries


PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%[sdif]|%%")


def test_english_catalogue_is_complete():
    entries = [e for e in read_po(PO) if e["msgid"]]
    assert len(entries) > 900
    untranslated = [e["msgid"] for e in entries if not e["msgstr"].strip()]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated msgids: {untranslated}"
    assert not fuzzy, f"fuzzy msgids: {fuzzy}"


def test_english_catalogue_keeps_placeholders():
    wrong = [
        (e["msgid"], e["msgstr"])
        for e in read_po(PO)
        if e["msgid"] and sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(e["msgstr"]))
    ]
    assert not wrong


def test_compiled_catalogue_matches_the_po():
    """django.mo is committed: it must be compiled from the current django.po (msgfmt -o django.mo django.po)."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def compiled_text(entry):
        if entry.get("msgctxt"):
            return compiled.pgettext(entry["msgctxt"], entry["msgid"])
        return compiled.gettext(entry["msgid"])

    stale = [e["msgid"] for e in read_po(PO) if e["msgid"] and compiled_text(e) != e["msgstr"]]
    assert not stale, f"django.mo is out of date for: {stale[:10]}"


@pytest.mark.django_db
def test_calendar_explanation_in_english_has_no_chinese_words():
    from datetime import date

    from apps.sla.workdays import explain_deadline

    with translation.override("en"):
        text = explain_deadline(date(2026, 10, 3), 5)["explanation"]
    assert "Saturday" in text and "2026-10-03 to 2026-10-04 Weekend (National Day holiday)" in text
    assert ". The receipt date itself" in text
    assert not re.search(r"[\u4e00-\u9fff]", text), text
    with translation.override("zh-hans"):
        text = explain_deadline(date(2026, 10, 3), 5)["explanation"]
    assert "（星期六）" in text and "2026-10-03 至 2026-10-04 周末（国庆节假期）" in text
