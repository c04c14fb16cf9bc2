"""Business time: the office's dates are calendar dates in settings.TIME_ZONE (Asia/Shanghai), whatever time zone a
request may have activated. `today()` is the one "today" of the project; `business_date()` is the date of a moment."""

from datetime import date, datetime, timedelta, tzinfo

from django.utils import timezone


def business_timezone() -> tzinfo:
    """settings.TIME_ZONE as a tzinfo (Django caches it and drops the cache when the setting changes)."""
    return timezone.get_default_timezone()


def business_date(moment: datetime) -> date:
    """The business calendar date of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: time is always timezone-aware")
    return moment.astimezone(business_timezone()).date()


def today() -> date:
    """Today's business date."""
    return business_date(timezone.now())


def first_of_next_month(day: date) -> date:
    """The first day of the month after `day`'s month (month arithmetic in one place: reports, deadlines, rules)."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
