"""Values from outside (query parameters, JSON values, imported cells) parsed in one place.

Every entry point reads numbers, months and amounts through these functions, so the same shapes are refused the
same way everywhere: a 400 (InputError, an ApplicationError) naming the field and the reason, never a 500. Refused
before any arithmetic: digits past any column's range (`2026-99999999999999999999`, which overflowed `date()`),
NaN/sNaN/Infinity (Decimal comparisons on them raise), exponents (`1e999999`), floats that are not finite.
"""

import math
import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError

# The largest id a database column holds (bigint). Beyond it, SQLite raises OverflowError on a lookup.
ID_MAX = 2**63 - 1

_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_MAX_TEXT = 64


class InputError(ApplicationError):
    """A value from outside is not of the expected shape or range: 400, naming the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__("invalid", f"{field}: {reason}", fields={field: [reason]})
        self.field = field
        self.reason = reason


def _text(raw: Any) -> str:
    return unicodedata.normalize("NFKC", str(raw)).strip()


def parse_int(raw: Any, *, field: str, minimum: int | None = None, maximum: int = ID_MAX) -> int:
    """A whole number in [minimum, maximum] from an int or its decimal digits (no exponent, no fraction)."""
    if isinstance(raw, bool):
        raise InputError(field, _("应为整数。"))
    if isinstance(raw, int):
        value = raw
    else:
        text = _text(raw)
        if not _INTEGER.fullmatch(text):
            raise InputError(field, _("应为整数。"))
        value = int(text)
    if (minimum is not None and value < minimum) or value > maximum:
        low = "" if minimum is None else minimum
        raise InputError(field, _("应在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": maximum})
    return value


def parse_id(raw: Any, *, field: str = "id") -> int:
    return parse_int(raw, field=field, minimum=1, maximum=ID_MAX)


def parse_year(raw: Any, *, field: str = "year", minimum: int = 1900, maximum: int = 9999) -> int:
    return parse_int(raw, field=field, minimum=minimum, maximum=maximum)


def parse_month(raw: Any, *, field: str = "month") -> date:
    """ "YYYY-MM" (a four-digit year) to the first day of that month."""
    text = _text(raw)
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise InputError(field, _("月份格式应为 YYYY-MM，如 2026-10。"))
    return date(int(match[1]), int(match[2]), 1)


def optional_month(raw: Any, *, field: str = "month") -> date | None:
    return None if raw in (None, "") else parse_month(raw, field=field)


def parse_decimal(
    raw: Any,
    *,
    field: str,
    places: int = 2,
    minimum: Decimal | None = Decimal(0),
    below: Decimal | None = Decimal("1e12"),
    round_places: bool = False,
) -> Decimal:
    """A finite decimal written plainly (digits, one point; no exponent, NaN or Infinity) in [minimum, below), with
    at most `places` decimals (or rounded to them with round_places)."""
    if isinstance(raw, bool):
        raise InputError(field, _("应为数字。"))
    if isinstance(raw, float):
        if not math.isfinite(raw) or abs(raw) >= 1e15:
            raise InputError(field, _("应为有限的数字。"))
        raw = repr(raw) if "e" not in repr(raw) else f"{raw:.{places + 2}f}"
    text = raw if isinstance(raw, Decimal) and raw.is_finite() else _text(raw)
    if isinstance(text, str) and (len(text) > _MAX_TEXT or not _PLAIN_DECIMAL.fullmatch(text)):
        raise InputError(field, _("“%(value)s”不是有效的数字。") % {"value": text[:20]})
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(field, _("“%(value)s”不是有效的数字。") % {"value": str(text)[:20]}) from None
    if (minimum is not None and value < minimum) or (below is not None and value >= below):
        raise InputError(field, _("应不小于 %(low)s 且小于 %(high)s。") % {"low": minimum, "high": below})
    step = Decimal(1).scaleb(-places)
    if round_places:
        return value.quantize(step, rounding=ROUND_HALF_UP)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise InputError(field, _("最多 %(places)d 位小数。") % {"places": places})
    return value
