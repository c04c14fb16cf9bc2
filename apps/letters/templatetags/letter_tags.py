"""Filters for letter templates. Context snapshots are JSON, so dates and amounts may arrive as strings."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

register = template.Library()


def _as_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text)
            return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@register.filter
def cn_date(value, empty: str = "—") -> str:
    """2026-08-10 -> 2026年8月10日 (the form official documents use)."""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else empty


@register.filter
def cn_month(value, empty: str = "—") -> str:
    day = _as_date(value if value is None or len(str(value)) != 7 else f"{value}-01")
    return f"{day.year}年{day.month}月" if day else empty


@register.filter
def yuan(value, empty: str = "—") -> str:
    """12345.6 -> 12,345.60 元."""
    if value in (None, ""):
        return empty
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}元"


@register.filter
def percent(value, empty: str = "—") -> str:
    if value in (None, ""):
        return empty
    return f"{float(value) * 100:.1f}%"


@register.filter
def or_none(value) -> str:
    """The word official documents print for an empty item."""
    return value if value not in (None, "", [], {}) else "无"
