"""Build the bundled CJK font subset (static/fonts) that every letter is rendered with.

The subset is Noto Serif CJK SC (a Song-style face) (SIL Open Font License 1.1) cut down to what official letters need: every
character of GB 2312 (6763 hanzi of levels 1 and 2, plus its symbols and full-width forms), ASCII, Latin-1, CJK
punctuation, full-width forms, and every CJK character used in the letter templates, the letter catalogue and the
Chinese strings of the apps. Run it again after adding a template that uses a character outside that set
(tests/letters/test_fonts.py says which one). Needs the Debian package fonts-noto-cjk and fontTools (dev group).
"""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

from apps.letters import fonts

DEFAULT_SOURCE = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SOURCE_FAMILY = "Noto Serif CJK SC"


def gb2312_characters() -> set[str]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def ranges(*pairs: tuple[int, int]) -> set[str]:
    return {chr(cp) for start, end in pairs for cp in range(start, end + 1)}


def project_characters(base_dir: Path) -> set[str]:
    """CJK characters written in the letter templates and stylesheet, the catalogue and the apps' source (labels)."""
    chars: set[str] = set()
    sources = [
        *base_dir.glob("templates/letters/**/*.html"),
        base_dir / "fixtures" / "letters.json",
        base_dir / "static" / "css" / "letters.css",
        *base_dir.glob("apps/**/*.py"),
    ]
    for path in sources:
        if path.is_file():
            chars |= {ch for ch in path.read_text(encoding="utf-8") if ord(ch) >= 0x2E80}
    return chars


def wanted_characters(base_dir: Path) -> set[str]:
    return (
        gb2312_characters()
        | ranges((0x20, 0x7E), (0xA0, 0xFF))  # ASCII, Latin-1 (· × ÷ ¥ and the no-break space)
        | ranges((0x2010, 0x2027), (0x2030, 0x203B), (0x2116, 0x2116), (0x2160, 0x216B), (0x2460, 0x249B))
        | ranges((0x3000, 0x303F), (0xFF01, 0xFF5E), (0xFFE0, 0xFFE6))  # CJK punctuation, full-width forms
        | project_characters(base_dir)
    )


def load_source(path: str) -> TTFont:
    if path.lower().endswith(".ttc"):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1) == SOURCE_FAMILY:
                return font
        raise CommandError(f"{path} has no face named {SOURCE_FAMILY!r}")
    return TTFont(path)


def rename(font: TTFont) -> None:
    """A Modified Version under the OFL: give it its own name (the upstream Reserved Font Name is 'Source')."""
    table = font["name"]
    names = {
        1: fonts.FAMILY_NAME,
        2: "Regular",
        3: f"{fonts.POSTSCRIPT_NAME};subset of {SOURCE_FAMILY}",
        4: f"{fonts.FAMILY_NAME} Regular",
        6: fonts.POSTSCRIPT_NAME,
        10: "Subset of Noto Serif CJK SC (GB 2312 and the characters of the letter templates), built by letters_build_font.",
        16: fonts.FAMILY_NAME,
        17: "Regular",
    }
    table.names = [rec for rec in table.names if rec.nameID not in names and rec.nameID not in (18, 21, 22)]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [fonts.POSTSCRIPT_NAME]
        top = cff.topDictIndex[0]
        if hasattr(top, "FullName"):
            top.FullName = f"{fonts.FAMILY_NAME} Regular"
        if hasattr(top, "FamilyName"):
            top.FamilyName = fonts.FAMILY_NAME


def identity_cids(font: TTFont) -> None:
    """Number the CIDs of a CID-keyed CFF font as its glyph ids (glyph 17 is CID 17).

    WeasyPrint writes glyph ids as the CIDs of the PDF text (Identity-H) and keeps the subset's charset, which maps
    each glyph to its CID. With the CIDs Noto gives them (scattered up to 65535), the charset of every letter's
    subset is a 2-byte entry per retained glyph that does not compress (about 15 KB a letter), and a viewer that
    looks glyphs up by CID, as the PDF specification says for CIDFontType0, finds the wrong glyph. With CID = GID
    the charset is a single range and both readings agree. Only the CFF table changes: the other tables refer to
    glyphs by id, and the ids stay as they are."""
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return  # a name-keyed font has no CIDs
    order = font.getGlyphOrder()
    renamed = [".notdef", *(f"cid{gid:05d}" for gid in range(1, len(order)))]
    charstrings = top.CharStrings
    index = charstrings.charStrings  # glyph name -> position in the CharStrings INDEX
    charstrings.charStrings = {renamed[gid]: index[name] for gid, name in enumerate(order)}
    top.charset = renamed
    font.setGlyphOrder(renamed)


class Command(BaseCommand):
    help = "Subset Noto Serif CJK SC into static/fonts for the letters (GB 2312 + template characters)."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=DEFAULT_SOURCE, help="Noto Serif CJK Regular .ttc or the SC .otf")
        parser.add_argument("--output", default=str(fonts.BUNDLED_FONT))

    def handle(self, *args, source: str, output: str, **options):
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        if not Path(source).is_file():
            raise CommandError(f"{source} not found: apt-get install fonts-noto-cjk")
        font = load_source(source)
        chars = wanted_characters(Path(settings.BASE_DIR))
        opts = subset.Options()
        opts.hinting = False
        opts.notdef_outline = True
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.ignore_missing_unicodes = True
        # Horizontal simplified Chinese only: with the vertical, alternate and language features (vert, aalt, locl
        # with its JP/KR/TC forms) the GSUB closure would pull in thousands of glyphs no letter uses.
        opts.layout_features = ["ccmp", "kern", "liga", "calt", "mark", "mkmk", "rlig"]
        subsetter = subset.Subsetter(opts)
        subsetter.populate(unicodes=[ord(ch) for ch in chars])
        subsetter.subset(font)
        rename(font)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        font.save(output)
        # Renumbered on the saved file, read lazily: only the CFF table is decompiled and written again (the other
        # tables are copied as they are, so their glyph ids keep pointing at the same glyphs).
        renumbered = Path(output).with_suffix(".renumbered.otf")
        identity_cids(lazy := TTFont(output, lazy=True))
        lazy.save(renumbered)
        lazy.close()
        os.replace(renumbered, output)
        font = TTFont(output)
        covered = set(chr(cp) for cp in font.getBestCmap())
        missing = sorted(chars - covered)
        self.stdout.write(f"wrote {output}: {Path(output).stat().st_size} bytes, {len(covered)} characters")
        if missing:
            self.stdout.write(f"{len(missing)} wanted characters are not in {SOURCE_FAMILY}: {''.join(missing[:80])}")
