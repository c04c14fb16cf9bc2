"""Dates on pages as officials read them (2026-10-21, 2026-10-21 10:30), never ISO timestamps.

Pages render the same Output serializers as the API, whose dates and times arrive as ISO 8601 strings; these
filters take those strings as well as date and datetime objects. Times are shown in Asia/Shanghai.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

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


@register.filter
def as_day(value, empty: str = "—") -> str:
    """2026-10-21T10:30:00+08:00 -> 2026-10-21."""
    moment = _moment(value)
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment.isoformat() if moment else empty


@register.filter
def as_minute(value, empty: str = "—") -> str:
    """2026-10-21T10:30:00+08:00 -> 2026-10-21 10:30 (a date alone stays a date)."""
    moment = _moment(value)
    if isinstance(moment, datetime):
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return local.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat() if moment else empty
