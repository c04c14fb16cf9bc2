"""Working-day arithmetic against the chinese-calendar package, which the seed migration was built from."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.sla import workdays
from apps.sla.models import WorkingDayIndex
from apps.sla.statutory import statutory_holidays
from apps.sla.workdays import (
    CalendarRangeError,
    WorkingCalendar,
    add_working_days,
    counts_from,
    current_calendar,
    explain_deadline,
    is_working_day,
    received_on,
    working_days_between,
)

SH = ZoneInfo("Asia/Shanghai")
SEEDED = (date(2004, 1, 1), date(2026, 12, 31))
HYPOTHESIS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def naive_add(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def all_days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_package_facts_this_suite_relies_on():
    assert chinese_calendar.is_workday(date(2026, 2, 28))  # a make-up Saturday
    assert [chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 11)] == [False] * 7 + [True] * 3
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


@pytest.mark.django_db
def test_every_seeded_day_agrees_with_chinese_calendar():
    mismatches = [d for d in all_days(*SEEDED) if is_working_day(d) != chinese_calendar.is_workday(d)]
    assert mismatches == []
    assert sum(1 for _ in all_days(*SEEDED)) == 8401


@pytest.mark.django_db
def test_working_day_index_table_agrees_with_chinese_calendar():
    rows = dict(WorkingDayIndex.objects.filter(day__lte=SEEDED[1]).values_list("day", "is_workday"))
    assert len(rows) == 8401
    assert all(rows[d] == chinese_calendar.is_workday(d) for d in all_days(*SEEDED))
    assert WorkingDayIndex.objects.count() == (date(2099, 12, 31) - date(2004, 1, 1)).days + 1


@pytest.mark.django_db
def test_make_up_saturday_counts():
    assert is_working_day(date(2026, 2, 28))
    assert add_working_days(date(2026, 2, 27), 1) == date(2026, 2, 28)
    assert not is_working_day(date(2026, 3, 1))


@pytest.mark.django_db
@HYPOTHESIS
@given(day=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30)), n=st.integers(min_value=0, max_value=60))
def test_n_working_days_end_on_the_nth_working_day_after(day, n):
    due = add_working_days(day, n)
    assert due == naive_add(day, n)
    assert working_days_between(day, due) == n
    if n:
        assert is_working_day(due)


@pytest.mark.django_db
@HYPOTHESIS
@given(a=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)), span=st.integers(0, 400))
def test_working_days_between_counts_a_exclusive_b_inclusive(a, span):
    b = min(a + timedelta(days=span), SEEDED[1])
    expected = sum(chinese_calendar.is_workday(d) for d in all_days(a + timedelta(days=1), b))
    assert working_days_between(a, b) == expected
    assert working_days_between(b, a) == -expected


@pytest.mark.django_db
@HYPOTHESIS
@given(
    moment=st.datetimes(
        min_value=datetime(2004, 1, 2),
        max_value=datetime(2026, 12, 1),
        timezones=st.sampled_from([SH, UTC, ZoneInfo("America/New_York")]),
    ),
)
def test_received_on_is_the_next_working_day_from_the_local_date(moment):
    local = moment.astimezone(SH)
    day = local.date() + timedelta(days=1 if local.time() >= time(17) else 0)
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    assert received_on(moment) == day


@pytest.mark.django_db
def test_after_office_hours_counts_from_the_next_working_day():
    friday_evening = datetime(2026, 11, 20, 18, 30, tzinfo=SH)
    assert counts_from(friday_evening) == date(2026, 11, 21)
    assert received_on(friday_evening) == date(2026, 11, 23)
    assert received_on(datetime(2026, 11, 20, 16, 59, tzinfo=SH)) == date(2026, 11, 20)
    assert received_on(datetime(2026, 11, 20, 8, 0, tzinfo=SH)) == date(2026, 11, 20)  # before opening: that day
    assert received_on(datetime(2026, 11, 20, 9, 0, tzinfo=UTC)) == date(2026, 11, 23)  # 17:00 in Shanghai
    explained = explain_deadline(friday_evening, 1)
    assert explained["received_on"] == "2026-11-23"
    assert explained["due_date"] == "2026-11-24"
    assert "17:00" in explained["explanation"]


@pytest.mark.django_db
def test_saturday_filing_with_one_working_day_is_due_tuesday():
    saturday = date(2026, 11, 21)
    explained = explain_deadline(datetime(2026, 11, 21, 10, 0, tzinfo=SH), 1)
    assert (explained["received_on"], explained["due_date"]) == ("2026-11-23", "2026-11-24")
    assert explain_deadline(saturday, 1)["due_date"] == "2026-11-24"
    assert "2026-11-21 不是工作日" in explain_deadline(saturday, 1)["explanation"]


@pytest.mark.django_db
def test_zero_working_days_is_due_on_the_day_received():
    assert explain_deadline(date(2026, 11, 21), 0)["due_date"] == "2026-11-23"
    assert add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 21)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 21), -1)


@pytest.mark.django_db
def test_national_day_2026_explained():
    explained = explain_deadline(date(2026, 9, 30), 5)
    assert explained["due_date"] == "2026-10-13" == naive_add(date(2026, 9, 30), 5).isoformat()
    skipped = {item["date"]: item["reason"] for item in explained["skipped"]}
    assert [d for d in skipped] == [f"2026-10-0{i}" for i in range(1, 8)] + ["2026-10-11"]
    assert skipped["2026-10-01"] == "国庆节"
    assert skipped["2026-10-03"] == "周末（国庆节假期）"
    assert skipped["2026-10-11"] == "周末"
    assert explained["makeup_workdays"] == [{"date": "2026-10-10", "reason": "调休上班日（国庆节）"}]
    assert explained["provisional"] is False


@pytest.mark.django_db
def test_a_year_without_arrangement_uses_weekends_and_fixed_dates_and_is_provisional():
    explained = explain_deadline(date(2026, 12, 29), 5)
    # 12/30, 12/31, (1/1 元旦, 1/2-1/3 weekend), 1/4, 1/5, 1/6
    assert explained["due_date"] == "2027-01-06"
    assert explained["provisional"] is True
    assert explained["provisional_years"] == [2027]
    assert "按固定法定节假日推算（当年安排未公布）" in explained["skipped"][0]["reason"]
    assert not explain_deadline(date(2026, 12, 1), 5)["provisional"]


@pytest.mark.django_db
def test_far_future_dates_do_not_crash():
    assert is_working_day(date(2099, 12, 31))  # a Thursday
    assert not is_working_day(date(2099, 10, 1))
    assert explain_deadline(date(2099, 1, 1), 20)["provisional"] is True
    with pytest.raises(CalendarRangeError):
        add_working_days(date(2099, 12, 30), 10)
    with pytest.raises(CalendarRangeError):
        is_working_day(date(2100, 1, 1))
    with pytest.raises(CalendarRangeError):
        explain_deadline(date(2003, 12, 31), 1)


@pytest.mark.parametrize("year", range(2004, 2027))
def test_statutory_estimates_are_holidays_in_every_published_arrangement(year):
    assert all(not chinese_calendar.is_workday(day) for day in statutory_holidays(year))


def test_statutory_holidays_follow_the_2025_revision():
    days = statutory_holidays(2027)
    assert days[date(2027, 2, 5)] == "春节"  # 除夕: 春节 2027 is 2/6
    assert [d for d, n in days.items() if n == "春节"] == [date(2027, 2, 5) + timedelta(days=i) for i in range(4)]
    assert {d for d, n in days.items() if n == "劳动节"} == {date(2027, 5, 1), date(2027, 5, 2)}
    assert days[date(2027, 4, 5)] == "清明节"
    assert days[date(2027, 6, 9)] == "端午节"
    assert days[date(2027, 9, 15)] == "中秋节"
    assert len(days) == 13
    assert len(statutory_holidays(2024)) == 11


def test_pure_calendar_needs_no_database():
    calendar = WorkingCalendar(years={}, days={})
    assert calendar.is_provisional(date(2026, 1, 1), date(2026, 1, 2))
    assert not calendar.is_working_day(date(2026, 1, 1))  # 元旦 estimated
    assert calendar.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)


@pytest.mark.django_db
def test_cache_is_reused_until_the_version_changes(django_assert_num_queries):
    current_calendar(fresh=True)
    with django_assert_num_queries(0):
        for _ in range(100):
            add_working_days(date(2026, 3, 2), 10)
    with django_assert_num_queries(1):
        current_calendar(fresh=True)
    workdays._Cache.checked_at = 0.0
    with django_assert_num_queries(1):
        add_working_days(date(2026, 3, 2), 10)
