"""Unified social credit code (统一社会信用代码), GB 32100-2015, with the embedded GB 11714 organisation code."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # W_i = 3^(i-1) mod 31, i = 1..17
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # GB 11714 body characters: digits and capital letters

REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监管（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
CATEGORIES = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "N": {"1": "农村集体经济组织", "2": "农民专业合作社", "3": "个体工商户", "9": "其他"},
}
# Subjects that receive a 两书同达 notice: legal persons and unincorporated organisations, not individual households.
INDIVIDUAL_CATEGORIES = {("9", "2"), ("N", "3")}


@dataclass
class UsccError:
    code: str
    message: str
    position: int | None = None
    character: str | None = None
    expected: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class UsccResult:
    code: str
    errors: list[UsccError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def parts(self) -> dict:
        code = self.code
        authority, category = code[0], code[1]
        return {
            "registration_authority": {"code": authority, "name": REGISTRATION_AUTHORITIES.get(authority, "")},
            "category": {"code": category, "name": CATEGORIES.get(authority, {}).get(category, "")},
            "region_code": code[2:8],
            "organisation_code": f"{code[8:16]}-{code[16]}",
            "check_character": code[17],
            "is_legal_person_or_organisation": is_legal_person_or_organisation(code),
        }


# Subject.Type.INDIVIDUAL_BUSINESS (models.py imports this module, so the value is repeated here).
INDIVIDUAL_BUSINESS_TYPE = "individual_business"


def is_legal_person_or_organisation(uscc: str, *, subject_type: str = "") -> bool:
    """The one rule for "legal person or unincorporated organisation" (法人和非法人组织), as opposed to an individual
    business (个体工商户): what 两书同达 is owed to and whose name may be shown unmasked.

    The code's registration authority and category decide; a subject's recorded type, when given, must agree (an
    individual business is never an organisation, whatever its code says). A code that is not a valid GB 32100 code
    says nothing about the holder, so the answer is False: the predicate grants what only an organisation may have
    (its name shown in full), and treating an unknown holder as a person is the side that cannot leak personal data.
    Subjects and imported decisions carry validated codes, so this default never drops a 两书同达 notice they owe."""
    if subject_type == INDIVIDUAL_BUSINESS_TYPE:
        return False
    result = validate_uscc(uscc)
    return result.valid and (result.code[0], result.code[1]) not in INDIVIDUAL_CATEGORIES


def check_character(first17: str) -> str:
    total = sum(VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(body8: str) -> str | None:
    """GB 11714 check character for the 8-character body, or None if the body has a character it cannot weigh."""
    if any(ch not in ORG_ALPHABET for ch in body8):
        return None
    total = sum(ORG_ALPHABET.index(ch) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_uscc(raw: str) -> UsccResult:
    """Check a code and say exactly what is wrong: the position (1-based), the character, the expected check."""
    code = (raw or "").strip().upper()
    result = UsccResult(code=code)
    if len(code) != 18:
        result.errors.append(
            UsccError(
                "length",
                _("统一社会信用代码应为18位，实际为%(n)d位。") % {"n": len(code)},
                position=min(len(code) + 1, 19),
            )
        )
        return result
    for pos, ch in enumerate(code, start=1):
        if ch not in VALUE:
            hint = _("（不使用I、O、S、V、Z）") if ch in "IOSVZ" else ""
            result.errors.append(
                UsccError(
                    "character",
                    _("第%(pos)d位字符“%(ch)s”不允许%(hint)s。") % {"pos": pos, "ch": ch, "hint": hint},
                    position=pos,
                    character=ch,
                )
            )
            return result
    if not code[2:8].isdigit():
        result.errors.append(
            UsccError(
                "region",
                _("第3-8位行政区划码应为6位数字。"),
                position=3 + next(i for i, c in enumerate(code[2:8]) if not c.isdigit()),
            )
        )
        return result
    expected = check_character(code[:17])
    if code[17] != expected:
        result.errors.append(
            UsccError(
                "check_character",
                _("第18位校验码应为“%(exp)s”，实际为“%(got)s”。") % {"exp": expected, "got": code[17]},
                position=18,
                character=code[17],
                expected=expected,
            )
        )
        return result
    org_expected = organisation_check_character(code[8:16])
    if org_expected is None or code[16] != org_expected:
        result.errors.append(
            UsccError(
                "organisation_check",
                _("第17位（组织机构代码校验码）应为“%(exp)s”，实际为“%(got)s”。")
                % {"exp": org_expected or "?", "got": code[16]},
                position=17,
                character=code[16],
                expected=org_expected,
            )
        )
    return result


def make_uscc(authority: str, category: str, region: str, org_body: str) -> str:
    """Build a valid code from its parts (demo data and tests)."""
    org_check = organisation_check_character(org_body)
    if org_check is None:
        raise ValueError(f"organisation code body {org_body!r} has characters GB 11714 does not weigh")
    first17 = f"{authority}{category}{region}{org_body}{org_check}"
    if any(ch not in VALUE for ch in first17):
        raise ValueError(f"{first17!r} uses characters outside the GB 32100 alphabet")
    return first17 + check_character(first17)
