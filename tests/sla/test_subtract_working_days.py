"""The backward working-day step: the n-th working day before a date, against the chinese-calendar package."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.sla.models import CalendarDay
from apps.sla.services import calendar_day_set
from apps.sla.workdays import (
    CalendarRangeError,
    WorkingCalendar,
    add_working_days,
    is_working_day,
    subtract_working_days,
    working_days_between,
)
from tests.sla.test_workdays import HYPOTHESIS


def naive_subtract(day: date, n: int) -> date:
    while n:
        day -= timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


@pytest.mark.django_db
@HYPOTHESIS
@given(day=st.dates(min_value=date(2004, 4, 1), max_value=date(2026, 12, 31)), n=st.integers(min_value=0, max_value=60))
def test_n_working_days_before_is_the_nth_working_day_back(day, n):
    back = subtract_working_days(day, n)
    assert back == naive_subtract(day, n)
    if n:
        assert is_working_day(back)
        assert working_days_between(back, day) == n - (not is_working_day(day))


@pytest.mark.django_db
@HYPOTHESIS
@given(day=st.dates(min_value=date(2004, 4, 1), max_value=date(2026, 9, 30)), n=st.integers(min_value=0, max_value=60))
def test_it_undoes_add_working_days_from_a_working_day(day, n):
    start = add_working_days(day, 1) if not is_working_day(day) else day
    assert subtract_working_days(add_working_days(start, n), n) == start


@pytest.mark.django_db
def test_holidays_and_make_up_days():
    # National Day 2026: 10/1-10/7 off, Saturday 10/10 a make-up working day.
    assert subtract_working_days(date(2026, 10, 8), 1) == date(2026, 9, 30)
    assert subtract_working_days(date(2026, 10, 12), 1) == date(2026, 10, 10)
    assert subtract_working_days(date(2026, 10, 12), 3) == date(2026, 10, 8)
    # From a Sunday: the day itself is not counted, Friday is the first working day back.
    assert subtract_working_days(date(2026, 11, 22), 1) == date(2026, 11, 20)
    assert subtract_working_days(date(2026, 11, 22), 0) == date(2026, 11, 22)
    with pytest.raises(ValueError):
        subtract_working_days(date(2026, 11, 22), -1)


@pytest.mark.django_db
def test_range_is_checked():
    with pytest.raises(CalendarRangeError):
        subtract_working_days(date(2004, 1, 5), 10)
    with pytest.raises(CalendarRangeError):
        subtract_working_days(date(2003, 12, 31), 1)
    assert subtract_working_days(date(2099, 12, 31), 1) == date(2099, 12, 30)


@pytest.mark.django_db
def test_an_administrators_change_is_seen_through_the_cache(users):
    monday = date(2026, 12, 7)
    assert subtract_working_days(monday, 1) == date(2026, 12, 4)
    calendar_day_set(day=date(2026, 12, 4), is_workday=False, name="测试假日", acting_user=users["admin"])
    assert CalendarDay.objects.filter(date=date(2026, 12, 4), is_workday=False).exists()
    assert subtract_working_days(monday, 1) == date(2026, 12, 3)


def test_pure_calendar_steps_back_over_estimated_holidays():
    calendar = WorkingCalendar(years={}, days={})
    assert calendar.subtract_working_days(date(2027, 1, 4), 1) == date(2026, 12, 31)  # 元旦 estimated, then weekend
