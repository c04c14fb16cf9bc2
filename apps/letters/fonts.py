"""The fonts letters are set in, and the check that every character of a letter has a real glyph.

Letters use the bundled subset static/fonts/CreditRepairSerifSC-Regular.otf, a Song-style (宋体) face cut from
Noto Serif CJK SC (GB 2312 + the templates' characters, see the letters_build_font command), so Chinese renders
the same on a fresh machine. A rare character outside the subset (a rare hanzi in an enterprise name, say) is set
in a fallback font when one is installed (settings.LETTERS_FALLBACK_FONTS, by default the system Noto Serif CJK SC,
then Noto Sans CJK SC, both of the Debian package fonts-noto-cjk).
A character neither covers is refused before rendering with GlyphCoverageError, which names it: a letter never
goes out with an empty box (tofu).
"""

import functools
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fontTools.ttLib import TTCollection, TTFont

from apps.core.errors import ApplicationError

FAMILY_NAME = "CreditRepair Serif SC"
POSTSCRIPT_NAME = "CreditRepairSerifSC-Regular"
CSS_FAMILY = "CreditSerif"  # the @font-face name in static/css/letters.css
BUNDLED_FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "CreditRepairSerifSC-Regular.otf"
# (file, family of the face inside it) tried in order for characters the subset lacks.
DEFAULT_FALLBACK_FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
]

GLYPHS_MISSING = "letter_glyphs_missing"
# Characters that are never drawn: controls, format characters (zero-width joiners), separators.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


class GlyphCoverageError(ApplicationError):
    """The letter contains characters no configured font can draw."""

    status_code = 422

    def __init__(self, characters: Iterable[str]) -> None:
        chars = sorted(set(characters))
        listing = "、".join(f"“{ch}”(U+{ord(ch):04X})" for ch in chars[:20])
        more = _("等%(n)d个字符") % {"n": len(chars)} if len(chars) > 20 else ""
        super().__init__(
            GLYPHS_MISSING,
            _(
                "文书中有字体无法显示的字符：%(chars)s%(more)s。请改用规范汉字，或由管理员安装包含这些字符的字体后重新生成。"
            )
            % {"chars": listing, "more": more},
            extra={"characters": [f"U+{ord(ch):04X}" for ch in chars]},
        )
        self.characters = chars


def fallback_fonts() -> list[tuple[str, str]]:
    return [tuple(item) for item in getattr(settings, "LETTERS_FALLBACK_FONTS", DEFAULT_FALLBACK_FONTS)]


@functools.cache
def font_coverage(path: str, family: str | None = None) -> frozenset[int]:
    """Code points with a glyph in the font (for a collection, in its face named `family`)."""
    if path.lower().endswith((".ttc", ".otc")):
        for face in TTCollection(path, lazy=True).fonts:
            if family is None or face["name"].getDebugName(1) == family:
                return frozenset(face.getBestCmap())
        return frozenset()
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def bundled_coverage() -> frozenset[int]:
    return font_coverage(str(BUNDLED_FONT))


@functools.cache
def fontconfig_files() -> frozenset[str]:
    """Font files fontconfig (hence Pango, hence WeasyPrint) can use on this machine, resolved."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    files: set[str] = set()
    try:
        fontset = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
        value = ffi.new("FcChar8 **")
        for index in range(fontset.nfont if fontset != ffi.NULL else 0):
            if fontconfig.FcPatternGetString(fontset.fonts[index], b"file", 0, value) == fontconfig.FcResultMatch:
                files.add(str(Path(ffi.string(value[0]).decode()).resolve()))
    finally:
        fontconfig.FcConfigDestroy(config)
    return frozenset(files)


def available_fallbacks() -> list[tuple[str, str]]:
    """Configured fallbacks that exist and that fontconfig knows: a file Pango cannot find draws nothing."""
    known = fontconfig_files()
    return [
        (path, family)
        for path, family in fallback_fonts()
        if Path(path).is_file() and str(Path(path).resolve()) in known
    ]


def fallback_coverage() -> frozenset[int]:
    covered: set[int] = set()
    for path, family in available_fallbacks():
        covered |= font_coverage(path, family)
    return frozenset(covered)


def is_drawn(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES


def uncovered_characters(text: str, *, use_fallback: bool = True) -> list[str]:
    """Characters of `text` that neither the bundled subset nor (optionally) the fallback fonts can draw."""
    wanted = {ord(ch) for ch in set(text) if is_drawn(ch)}
    missing = wanted - bundled_coverage()
    if missing and use_fallback:
        missing -= fallback_coverage()
    return sorted(chr(cp) for cp in missing)


def check_coverage(text: str) -> None:
    missing = uncovered_characters(text)
    if missing:
        raise GlyphCoverageError(missing)
