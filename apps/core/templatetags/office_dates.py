"""Dates on pages in Chinese form (2026年10月21日, 2026年10月21日 10:30), never ISO timestamps.

Pages render the same Output serializers as the API, whose dates and times arrive as ISO 8601 strings; these
filters take those strings as well as date and datetime objects. Times are shown in Asia/Shanghai.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

from apps.core import clock

register = template.Library()


def _moment(value) -> datetime | date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime | date):
        return value
    text = str(value)
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text[:10])
    except ValueError:
        return None


def chinese_day(day: date) -> str:
    """date(2026, 12, 1) -> 2026年12月1日 (no leading zeros, as official documents write it)."""
    return f"{day.year}年{day.month}月{day.day}日"


@register.filter
def as_day(value, empty: str = "—") -> str:
    """2026-10-21T10:30:00+08:00 -> 2026年10月21日."""
    moment = _moment(value)
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return chinese_day(moment) if moment else empty


@register.filter
def as_minute(value, empty: str = "—") -> str:
    """2026-10-21T10:30:00+08:00 -> 2026年10月21日 10:30 (a date alone stays a date)."""
    moment = _moment(value)
    if isinstance(moment, datetime):
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return f"{chinese_day(local.date())} {local:%H:%M}"
    return chinese_day(moment) if moment else empty


@register.filter
def as_month(value, empty: str = "—") -> str:
    """ "2026-12" (or a date) -> 2026年12月."""
    text = str(value or "")
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year}年{value.month}月"
    parts = text.split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return f"{int(parts[0])}年{int(parts[1])}月"
    return text or empty


# Status codes of every case type, by how the reader should feel about them (the badge's colour).
_DONE = {"repaired", "closed", "confirmed", "replied", "approved"}
_REFUSED = {"refused", "rejected", "revoked", "withdrawn"}
_WAITING_FOR_APPLICANT = {"supplement", "awaiting_material"}


@register.filter
def badge_class(status) -> str:
    """A status code -> the badge class: ok (done), bad (refused), warn (waits for the applicant), info (in hand)."""
    code = str(status or "")
    if code in _DONE:
        return "ok"
    if code in _REFUSED:
        return "bad"
    if code in _WAITING_FOR_APPLICANT:
        return "warn"
    return "info"


@register.filter
def is_overdue(value) -> bool:
    """A due date (date or ISO string) that has passed (Asia/Shanghai today)."""
    moment = _moment(value)
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment is not None and moment < clock.today()
