"""Applicant-supplied text is printed, never interpreted; WeasyPrint fetches nothing outside the static files."""

import socket
from pathlib import Path

import pytest
from django.conf import settings

from apps.letters import pdf
from apps.letters.models import Letter
from apps.letters.services import letter_create, letter_render
from tests.letters.support import compact, pdf_text

HOSTILE_NAME = '<img src="file:///etc/passwd"><link rel=stylesheet href="http://10.0.0.1/x.css">'
HOSTILE_FACTS = "<script>alert('x')</script>销售<b>假冒</b>商品&amp;"


class SpyFetcher(pdf.RestrictedURLFetcher):
    asked: list[str] = []

    def fetch(self, url, headers=None):
        SpyFetcher.asked.append(url)
        return super().fetch(url, headers)


@pytest.fixture
def spy(monkeypatch):
    """Every fetch WeasyPrint makes, and no network at all."""
    SpyFetcher.asked = []
    monkeypatch.setattr(pdf, "url_fetcher_factory", SpyFetcher)
    pdf._resources.cache_clear()  # the stylesheet and font are fetched again, through the spy

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    yield SpyFetcher
    pdf._resources.cache_clear()


def static_roots():
    return [Path(str(d)).resolve() for d in settings.STATICFILES_DIRS]


@pytest.mark.django_db
@pytest.mark.parametrize("template_code", ["penalty_decision", "repair_notice", "credit_report"])
def test_hostile_names_and_facts_are_printed_literally_and_fetch_nothing(template_code, spy, departments):
    context = {
        "subject_name": HOSTILE_NAME,
        "subject_uscc": "91350100M000100Y43",
        "decision_no": "<i>宜市监处罚〔2026〕1号</i>",
        "decision_kind_label": "行政处罚决定",
        "severity_label": "一般",
        "facts": HOSTILE_FACTS,
        "penalty_types": ["<u>罚款</u>"],
        "materials": ['<a href="http://10.0.0.1/">材料</a>'],
        "sanctions": [],
        "sections": [],
        "records": [
            {
                "kind_label": "行政处罚信息",
                "decision_no": "<i>宜市监处罚〔2026〕1号</i>",
                "department": "<style>*{}</style>",
            }
        ],
    }
    letter = letter_create(
        template_code=template_code,
        owner=("tests.hostile", 1),
        recipient=None,
        context=context,
        acting_user=None,
        department=departments["market"],
    )
    letter = letter_render(letter=letter)
    assert letter.status == Letter.Status.RENDERED, letter.error
    text = compact(pdf_text((Path(settings.PRIVATE_STORAGE_ROOT) / letter.file_path).read_bytes()))
    assert compact(HOSTILE_NAME) in text
    assert "<i>宜市监处罚〔2026〕1号</i>" in text
    if template_code == "penalty_decision":
        assert compact(HOSTILE_FACTS) in text and "<u>罚款</u>" in text
    # Only the stylesheet's font and the QR code (a data: URI) were fetched; nothing refused because nothing hostile
    # was ever asked for.
    for url in spy.asked:
        assert url.startswith("data:") or any(str(root) in url for root in static_roots()), url
    assert not any("passwd" in url or "10.0.0.1" in url for url in spy.asked)


def test_even_unescaped_markup_cannot_make_weasyprint_fetch(spy, tmp_path):
    """If a template ever printed raw HTML, the fetcher still refuses files outside static/ and any network."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    html = (
        '<p>宜昌</p><img src="file:///etc/passwd"><link rel="stylesheet" href="http://10.0.0.1/x.css">'
        f'<img src="file://{secret}"><img src="https://example.com/a.png">'
        '<div style="background: url(file:///etc/shadow)">x</div>'
        f'<img src="file://{settings.BASE_DIR}/static/../config/settings/base.py">'
    )
    [result] = pdf.render_items([pdf.RenderItem(key=1, html=html)])
    assert result.error is None and "宜昌" in pdf_text(result.pdf)
    refused = [
        url
        for url in spy.asked
        if not url.startswith("data:") and not any(str(r) in url and ".." not in url for r in static_roots())
    ]
    assert any("passwd" in url for url in refused) and any("10.0.0.1" in url for url in refused)
    assert b"root:" not in result.pdf


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("data:image/png;base64,iVBORw0KGgo=", True),
        (f"file://{settings.BASE_DIR}/static/css/letters.css", True),
        (f"file://{settings.BASE_DIR}/static/fonts/CreditRepairSerifSC-Regular.otf", True),
        ("file:///etc/passwd", False),
        (f"file://{settings.BASE_DIR}/static/../manage.py", False),
        (f"file://{settings.BASE_DIR}/config/settings/base.py", False),
        ("file://10.0.0.1/static/css/letters.css", False),
        ("http://10.0.0.1/x.css", False),
        ("https://example.com/font.otf", False),
        ("ftp://example.com/x", False),
    ],
)
def test_fetcher_allows_only_static_files_and_data_uris(url, allowed):
    fetcher = pdf.RestrictedURLFetcher()
    assert fetcher.is_allowed(url) is allowed
    if not allowed:
        with pytest.raises(pdf.ForbiddenResource):
            fetcher.fetch(url)
        assert fetcher.refused == [url]


def test_no_letter_template_marks_data_safe():
    for path in (Path(settings.BASE_DIR) / "templates" / "letters").rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source and "autoescape off" not in source and "safeseq" not in source, path
