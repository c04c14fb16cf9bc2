"""HTML to PDF with WeasyPrint, safely and fast.

- Resources: WeasyPrint may read only the project's static files (STATICFILES_DIRS, STATIC_ROOT) and data: URIs.
  No file:// elsewhere, no http(s), whatever the HTML says (RestrictedURLFetcher).
- Glyphs: every drawn character must have a glyph in the bundled font or a configured fallback (apps.letters.fonts);
  otherwise the letter is refused with a GlyphCoverageError naming the characters.
- Speed: the stylesheet and font configuration are parsed once per process, and many letters are laid out in one
  WeasyPrint document (one section per letter, each starting a new page) and written once, so the font is subset
  once per chunk; the pages are then split into one PDF per letter with pypdf.
"""

import atexit
import contextlib
import functools
import gc
import hashlib
import io
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pikepdf
import pypdf
from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from apps.letters.fonts import GlyphCoverageError, uncovered_characters

LETTERS_CSS = Path(settings.BASE_DIR) / "static" / "css" / "letters.css"
ALLOWED_SUFFIXES = {".css", ".otf", ".ttf", ".png", ".jpg", ".jpeg", ".svg", ".gif"}
PRODUCER = "credit-repair letters (WeasyPrint)"


class ForbiddenResource(ValueError):
    """WeasyPrint asked for a resource outside the project's static files."""


def allowed_roots() -> list[Path]:
    roots = [Path(str(d)).resolve() for d in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(str(settings.STATIC_ROOT)).resolve())
    return roots


class RestrictedURLFetcher(URLFetcher):
    """Fetches data: URIs and files under the static roots; refuses (raises) everything else.

    `requested` and `refused` list what WeasyPrint asked for, so tests can prove nothing else was fetched.
    """

    def __init__(self, roots: Sequence[Path] | None = None) -> None:
        super().__init__(timeout=5, allow_redirects=False, allowed_protocols={"data", "file"})
        self.roots = list(roots) if roots is not None else allowed_roots()
        self.requested: list[str] = []
        self.refused: list[str] = []

    def is_allowed(self, url: str) -> bool:
        parsed = urlparse(url)
        scheme = parsed.scheme.lower()
        if scheme == "data":
            return True
        if scheme != "file" or parsed.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(unquote(parsed.path))).resolve()
        return (
            path.suffix.lower() in ALLOWED_SUFFIXES
            and path.is_file()
            and any(path.is_relative_to(r) for r in self.roots)
        )

    def fetch(self, url, headers=None):
        self.requested.append(url)
        if not self.is_allowed(url):
            self.refused.append(url)
            raise ForbiddenResource(
                f"letters may not load {url[:200]!r}: only the project's static files and data: URIs"
            )
        return super().fetch(url, headers)


# Tests replace this to spy on every fetch.
url_fetcher_factory = RestrictedURLFetcher
_lock = threading.Lock()


@functools.cache
def _resources() -> tuple[FontConfiguration, CSS]:
    """Font configuration and parsed stylesheet, once per process (after a fork the child builds its own)."""
    font_config = FontConfiguration()
    stylesheet = CSS(filename=str(LETTERS_CSS), font_config=font_config, url_fetcher=url_fetcher_factory())
    return font_config, stylesheet


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_resources.cache_clear)
# Release the font configuration while the C libraries are still loaded: left to interpreter teardown, its cffi
# finalizers run too late and the process dies with SIGSEGV on exit.
atexit.register(_resources.cache_clear)


class _TextExtractor(HTMLParser):
    """The characters a browser would draw: text nodes, entities decoded, style and script skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(fragment: str) -> str:
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


@dataclass
class RenderItem:
    key: int | str
    html: str  # a rendered (autoescaped) letter fragment, without <html> or <body>
    title: str = ""
    verification_code: str = ""  # printed in the page footer of every page of the letter
    verify_url: str = ""


@dataclass
class RenderResult:
    key: int | str
    pdf: bytes = b""
    page_count: int = 0
    error: Exception | None = None
    sha256: str = field(init=False, default="")

    def __post_init__(self) -> None:
        if self.pdf:
            self.sha256 = hashlib.sha256(self.pdf).hexdigest()


def _document(items: Sequence[RenderItem]) -> str:
    sections = "".join(
        f'<section class="letter" id="letter-{escape(str(item.key))}" data-vcode="{escape(item.verification_code)}"'
        f' data-vurl="{escape(item.verify_url)}">{item.html}</section>'
        for item in items
    )
    title = escape(items[0].title) if len(items) == 1 else ""
    return f'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{title}</title></head><body>{sections}</body></html>'


def render_items(items: Sequence[RenderItem]) -> list[RenderResult]:
    """Render letters to one PDF each, in one WeasyPrint pass. A letter with undrawable characters gets an error
    result; the others are rendered. Results come back in the order of `items`."""
    results: dict[int | str, RenderResult] = {}
    ok: list[RenderItem] = []
    for item in items:
        missing = uncovered_characters(html_text(item.html))
        if missing:
            results[item.key] = RenderResult(key=item.key, error=GlyphCoverageError(missing))
        else:
            ok.append(item)
    if ok:
        for result in _render_ok(ok):
            results[result.key] = result
    return [results[item.key] for item in items]


@contextlib.contextmanager
def _collector_paused():
    """WeasyPrint allocates millions of short-lived objects per chunk, and the cyclic garbage collector walking them
    again and again costs about a fifth of the rendering time. Pause it for one chunk (memory stays bounded by the
    chunk size) and let it run afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _render_ok(items: Sequence[RenderItem]) -> list[RenderResult]:
    static_root = Path(settings.BASE_DIR) / "static"
    with _lock, _collector_paused():
        font_config, stylesheet = _resources()
        document = HTML(
            string=_document(items), base_url=str(static_root) + "/", url_fetcher=url_fetcher_factory()
        ).render(stylesheets=[stylesheet], font_config=font_config)
        pdf = document.write_pdf()
    if len(items) == 1:
        return [RenderResult(key=items[0].key, pdf=pdf, page_count=len(document.pages))]
    # Page ranges: a letter starts on the page that holds its section's anchor.
    starts: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("letter-") and anchor not in starts:
                starts[anchor] = index
    bounds = [starts[f"letter-{item.key}"] for item in items] + [len(document.pages)]
    # Split with qpdf (pikepdf): copying the shared font and image objects into each file is C++ work, about five
    # times faster than doing it in Python.
    results = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        for position, item in enumerate(items):
            first, last = bounds[position], bounds[position + 1]
            with pikepdf.new() as target:
                target.pages.extend(source.pages[first:last])
                target.docinfo["/Title"] = item.title
                target.docinfo["/Producer"] = PRODUCER
                buffer = io.BytesIO()
                target.save(buffer)
            results.append(RenderResult(key=item.key, pdf=buffer.getvalue(), page_count=last - first))
    return results


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as pypdf extracts it (what a reader or a screen reader gets)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(pdf: bytes) -> int:
    """Pages of a PDF; raises pikepdf.PdfError for a file that is not one."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def merge_pdfs(parts: Sequence[bytes], *, title: str = "") -> bytes:
    """One PDF with the pages of each part in order (the 两书同达 bundle)."""
    sources = [pikepdf.open(io.BytesIO(part)) for part in parts]
    try:
        with pikepdf.new() as target:
            for source in sources:
                target.pages.extend(source.pages)
            if title:
                target.docinfo["/Title"] = title
            target.docinfo["/Producer"] = PRODUCER
            buffer = io.BytesIO()
            target.save(buffer)
            return buffer.getvalue()
    finally:
        for source in sources:
            source.close()
