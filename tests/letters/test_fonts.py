"""The bundled font draws every character letters use, on a machine with no CJK font installed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

from apps.letters import fonts, pdf
from apps.letters.management.commands.letters_build_font import gb2312_characters, project_characters
from apps.letters.models import Letter
from apps.letters.services import letter_create
from tests.letters.support import compact, missing_characters, pdf_fonts, pdf_text

BASE = Path(settings.BASE_DIR)


def test_bundled_font_is_a_small_renamed_subset_with_its_licence():
    assert fonts.BUNDLED_FONT.is_file()
    assert fonts.BUNDLED_FONT.stat().st_size < 3 * 1024 * 1024
    font = TTFont(fonts.BUNDLED_FONT)
    assert font["name"].getDebugName(1) == fonts.FAMILY_NAME
    assert font["name"].getDebugName(6) == fonts.POSTSCRIPT_NAME
    licence = (BASE / "static" / "fonts" / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_bundled_font_covers_gb2312_ascii_and_punctuation():
    covered = fonts.bundled_coverage()
    hanzi = {ch for ch in gb2312_characters() if "\u4e00" <= ch <= "\u9fff"}
    assert len(hanzi) == 6763
    wanted = (
        hanzi | {chr(c) for c in range(0x21, 0x7F)} | set("，。、；：？！“”‘’（）《》〔〕【】—…·￥％０１２３ＡＢＣ")
    )
    missing = sorted(ch for ch in wanted if ord(ch) not in covered)
    assert missing == []


def test_bundled_font_covers_every_character_of_the_templates_and_labels():
    """Fails when a template, the catalogue, the stylesheet or an app label gains a character the subset lacks:
    rebuild it with `manage.py letters_build_font`."""
    covered = fonts.bundled_coverage()
    missing = sorted(ch for ch in project_characters(BASE) if ord(ch) not in covered and fonts.is_drawn(ch))
    assert missing == [], f"rebuild the font subset (manage.py letters_build_font): {''.join(missing)}"


def test_stylesheet_references_the_bundled_font_relatively():
    css = (BASE / "static" / "css" / "letters.css").read_text()
    assert 'url("../fonts/CreditRepairSerifSC-Regular.otf")' in css
    assert (
        BASE / "static" / "css" / "../fonts/CreditRepairSerifSC-Regular.otf"
    ).resolve() == fonts.BUNDLED_FONT.resolve()


def _sample(code: str) -> dict:
    return next(row for row in json.loads((BASE / "fixtures" / "letters.json").read_text()) if row["code"] == code)[
        "sample_context"
    ]


@pytest.mark.django_db
def test_letter_is_set_in_the_bundled_font(departments):
    letter = letter_create(
        template_code="repair_notice",
        owner=("tests.owner", 1),
        recipient=None,
        context=_sample("repair_notice"),
        acting_user=None,
        department=departments["market"],
    )
    from apps.letters.services import letter_render

    letter = letter_render(letter=letter)
    data = (settings.PRIVATE_STORAGE_ROOT / letter.file_path).read_bytes()
    names = pdf_fonts(data)
    assert any(fonts.CSS_FAMILY in name for name in names), names
    assert not any("Noto" in name or "DejaVu" in name for name in names), names


@pytest.mark.django_db
def test_rare_character_outside_the_subset_uses_the_fallback_font(departments):
    # The fallback font is a run-time dependency that `make test` installs (scripts/system-deps.sh): its absence is
    # a broken installation, reported as a failure, never a skip.
    assert fonts.available_fallbacks(), (
        "no fallback CJK font visible to fontconfig: install fonts-noto-cjk (scripts/system-deps.sh does it)"
    )
    rare = "堃"  # common in names, not in GB 2312
    assert ord(rare) not in fonts.bundled_coverage()
    context = {**_sample("repair_notice"), "subject_name": f"宜昌{rare}达商贸有限公司"}
    letter = letter_create(
        template_code="repair_notice",
        owner=("tests.owner", 2),
        recipient=None,
        context=context,
        acting_user=None,
        department=departments["market"],
    )
    from apps.letters.services import letter_render

    letter = letter_render(letter=letter)
    assert letter.status == Letter.Status.RENDERED, letter.error
    text = pdf_text((settings.PRIVATE_STORAGE_ROOT / letter.file_path).read_bytes())
    assert f"宜昌{rare}达商贸有限公司" in compact(text)


@pytest.mark.django_db
def test_character_no_font_covers_is_refused_with_its_name_instead_of_tofu(departments, settings):
    settings.LETTERS_FALLBACK_FONTS = []  # a machine with only the bundled font
    context = {**_sample("repair_notice"), "subject_name": "宜昌堃达商贸有限公司"}
    letter = letter_create(
        template_code="repair_notice",
        owner=("tests.owner", 3),
        recipient=None,
        context=context,
        acting_user=None,
        department=departments["market"],
    )
    from apps.letters.services import letter_render

    letter = letter_render(letter=letter)
    assert letter.status == Letter.Status.FAILED
    assert "堃" in letter.error and "U+5803" in letter.error
    assert letter.file_path == "" and letter.sha256 == ""


def test_uncovered_characters_lists_exactly_the_missing_ones(settings):
    settings.LETTERS_FALLBACK_FONTS = []
    assert fonts.uncovered_characters("信用修复 ABC，。\u200b\n") == []
    assert fonts.uncovered_characters("宜昌堃达𗀀") == ["堃", "𗀀"]
    with pytest.raises(fonts.GlyphCoverageError) as caught:
        fonts.check_coverage("宜昌堃达")
    assert caught.value.code == fonts.GLYPHS_MISSING and caught.value.extra["characters"] == ["U+5803"]


def test_pdf_layer_refuses_undrawable_text_before_weasyprint(settings):
    settings.LETTERS_FALLBACK_FONTS = []
    [bad, good] = pdf.render_items([pdf.RenderItem(key=1, html="<p>堃</p>"), pdf.RenderItem(key=2, html="<p>信用</p>")])
    assert isinstance(bad.error, fonts.GlyphCoverageError) and bad.pdf == b""
    assert good.error is None and "信用" in pdf_text(good.pdf)


FRESH_MACHINE = r"""
import django, json, sys
django.setup()
from django.conf import settings
from apps.letters import pdf
source = "<p>两书同达：信用修复告知书，统一社会信用代码91350100M000100Y43，最早可于2026年8月10日申请。"
source += "鑫淼焱犀（ＡＢＣ）“引号”《书名》〔2026〕12号</p>"
[result, rare] = pdf.render_items([pdf.RenderItem(key=1, html=source, title="t"), pdf.RenderItem(key=2, html="<p>龘</p>")])
assert result.error is None, result.error
print(json.dumps({"text": pdf.pdf_text(result.pdf), "source": pdf.html_text(source), "rare": str(rare.error)}))
"""


def test_renders_real_glyphs_on_a_machine_without_any_system_font(tmp_path):
    """fontconfig with no font directory at all, as on a bare container: the bundled @font-face font must draw
    every character by itself."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", FRESH_MACHINE], env=env, cwd=BASE, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert missing_characters(result["source"], result["text"]) == ""
    assert compact(result["source"]) in compact(result["text"])
    # No CJK font for fontconfig, so no fallback: a character outside the subset is refused by name.
    assert "龘" in result["rare"] and "U+9F98" in result["rare"]


def test_bundled_font_numbers_its_cids_as_its_glyph_ids():
    """Letters write glyph ids as CIDs (Identity-H): with CID = GID a viewer that looks a glyph up by CID (as the
    PDF specification says for CIDFontType0) draws the same glyph as one that takes the id, and the charset of each
    letter's subset is one range instead of 2 bytes per glyph (letters_build_font renumbers them)."""
    order = TTFont(fonts.BUNDLED_FONT).getGlyphOrder()
    assert order[0] == ".notdef"
    assert [name for gid, name in enumerate(order[1:], start=1) if name != f"cid{gid:05d}"] == []


def _embedded_fonts(data: bytes) -> list[TTFont]:
    import io

    import pikepdf

    found = []
    with pikepdf.open(io.BytesIO(data)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" and "/FontFile3" in obj:
                found.append(TTFont(io.BytesIO(obj["/FontFile3"].read_bytes())))
    return found


# Each letter of the catalogue, rendered alone with its sample, stays well under the 100 KB a notice may weigh
# (GB 2312 subset, Song face, CID = GID): 40–62 KB measured, 90–96 KB in chunks of ten before.
LETTER_BUDGET = 70 * 1024


@pytest.mark.django_db
def test_every_letter_type_embeds_a_cid_keyed_subset_within_budget(departments):
    from apps.letters.services import letter_render

    catalogue = json.loads((BASE / "fixtures" / "letters.json").read_text())
    sizes = {}
    for position, row in enumerate(catalogue):
        letter = letter_create(
            template_code=row["code"],
            owner=("tests.budget", position + 1),
            recipient={"uscc": "91420500MA4F0R3X0N", "name": "宜昌市示例商贸有限公司"},
            context=row["sample_context"],
            acting_user=None,
            department=departments["market"],
        )
        letter = letter_render(letter=letter)
        assert letter.status == Letter.Status.RENDERED, (row["code"], letter.error)
        data = (settings.PRIVATE_STORAGE_ROOT / letter.file_path).read_bytes()
        sizes[row["code"]] = len(data)
        embedded = _embedded_fonts(data)
        assert embedded, row["code"]
        for font in embedded:
            order = font.getGlyphOrder()
            assert all(name == f"cid{gid:05d}" for gid, name in enumerate(order) if gid), row["code"]
    assert {code: size for code, size in sizes.items() if size > LETTER_BUDGET} == {}, sizes
