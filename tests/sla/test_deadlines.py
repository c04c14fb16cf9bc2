"""Deadlines: budget of working days plus a ledger of pauses; recompute when a year's arrangement is entered."""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import ApplicationError, ConflictError
from apps.core.models import CaseEvent
from apps.sla.models import CalendarDay, CalendarYear, Deadline, DeadlinePause, WorkingDayIndex
from apps.sla.selectors import (
    deadline_explain,
    deadline_remaining_working_days,
    deadlines_affected,
    deadlines_for_owner,
)
from apps.sla.services import (
    calendar_year_confirm,
    deadline_close,
    deadline_extend,
    deadline_open,
    deadline_pause,
    deadline_resume,
)
from apps.sla.signals import deadline_due_changed
from apps.sla.workdays import add_working_days, current_calendar, explain_deadline, working_days_between

SH = ZoneInfo("Asia/Shanghai")
OWNER = "objections.objection"

SAMPLE_2027 = [
    (date(2027, 1, 1), False, "元旦"),
    (date(2027, 1, 4), False, "测试假日"),  # not a real holiday: proves that dates move
]


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def received_signals():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    deadline_due_changed.connect(receiver)
    yield calls
    deadline_due_changed.disconnect(receiver)


def open_deadline(start, n, owner_id=1, user=None):
    return deadline_open(
        owner_type=OWNER, owner_id=owner_id, started_at=start, working_days=n, purpose="close", acting_user=user
    )


def test_open_computes_received_and_due_and_records_an_event(users):
    deadline = open_deadline(at(2026, 11, 20, 18, 30), 5, user=users["clerk"])
    assert (deadline.counts_from, deadline.received_on, deadline.due_date) == (
        date(2026, 11, 21),
        date(2026, 11, 23),
        date(2026, 11, 30),
    )
    assert deadline.status == Deadline.Status.OPEN and not deadline.provisional
    event = CaseEvent.objects.filter(case_type=OWNER, case_id=1).last()
    assert (
        event.kind == "deadline_opened" and event.data["deadline_id"] == deadline.pk and event.actor == users["clerk"]
    )
    assert event.data["due_date"] == "2026-11-30"


def test_open_rejects_bad_input(db):
    with pytest.raises(ApplicationError) as error:
        deadline_open(owner_type=OWNER, owner_id=1, started_at=datetime(2026, 11, 20, 10), working_days=5)
    assert "started_at" in error.value.fields
    with pytest.raises(ApplicationError) as error:
        open_deadline(at(2026, 11, 20), -1)
    assert "working_days" in error.value.fields
    with pytest.raises(ApplicationError):
        open_deadline(at(2100, 1, 4), 1)
    with pytest.raises(ApplicationError):
        open_deadline(at(2099, 12, 28), 10)
    assert not Deadline.objects.exists()


def test_pausing_three_working_days_moves_the_due_date_by_exactly_three(users, received_signals):
    deadline = open_deadline(at(2026, 11, 2), 10)  # Monday
    assert deadline.due_date == date(2026, 11, 16)
    deadline_pause(deadline=deadline, at=at(2026, 11, 4, 15), reason="一次性告知补正材料", acting_user=users["officer"])
    assert deadline.status == Deadline.Status.PAUSED
    assert received_signals == []
    deadline_resume(
        deadline=deadline, at=at(2026, 11, 9, 11), acting_user=users["officer"]
    )  # Thu, Fri, Mon not counted
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OPEN
    assert deadline.paused_working_days == 3
    assert deadline.due_date == add_working_days(date(2026, 11, 16), 3) == date(2026, 11, 19)
    assert working_days_between(date(2026, 11, 16), deadline.due_date) == 3
    assert received_signals == [
        {"signal": deadline_due_changed, "deadline_ids": [deadline.pk], "calendar_version": None, "years": None}
    ]
    assert list(deadlines_affected(**received_signals[0])) == [deadline]

    explained = deadline_explain(deadline)
    assert explained["pauses"] == [
        {
            "id": deadline.pauses.get().pk,
            "started_at": "2026-11-04T15:00:00+08:00",
            "started_on": "2026-11-04",
            "ended_at": "2026-11-09T11:00:00+08:00",
            "ended_on": "2026-11-09",
            "reason": "一次性告知补正材料",
            "working_days": 3,
        }
    ]
    assert explained["due_date"] == "2026-11-19"
    assert "2026-11-04 暂停至 2026-11-09：3 个工作日" in explained["explanation"]
    kinds = list(CaseEvent.objects.filter(case_type=OWNER, case_id=1).values_list("kind", flat=True))
    assert kinds == ["deadline_opened", "deadline_paused", "deadline_resumed"]


def test_resume_after_office_hours_counts_the_next_working_day_as_paused(db):
    deadline = open_deadline(at(2026, 11, 2), 10)
    deadline_pause(deadline=deadline, at=at(2026, 11, 4), reason="听证", acting_user=None)
    deadline_resume(deadline=deadline, at=at(2026, 11, 6, 18, 0), acting_user=None)  # Friday evening: received Monday
    assert deadline.pauses.get().ended_on == date(2026, 11, 9)
    assert deadline.paused_working_days == 3


def test_pause_ledger_while_paused_and_state_errors(db):
    deadline = open_deadline(at(2026, 11, 2), 10)
    with pytest.raises(ConflictError):
        deadline_resume(deadline=deadline, at=at(2026, 11, 3), acting_user=None)
    deadline_pause(deadline=deadline, at=at(2026, 11, 3), reason="外部核查", acting_user=None)
    with pytest.raises(ConflictError):
        deadline_pause(deadline=deadline, at=at(2026, 11, 4), reason="again", acting_user=None)
    explained = deadline_explain(deadline)
    assert explained["status"] == "paused" and explained["running"] is False
    assert explained["pauses"][0]["ended_on"] is None
    assert "已暂停" in explained["explanation"]
    assert deadline_remaining_working_days(deadline=deadline, on=date(2026, 11, 12)) == working_days_between(
        date(2026, 11, 3), date(2026, 11, 16)
    )
    with pytest.raises(ApplicationError):
        deadline_resume(deadline=deadline, at=at(2026, 11, 2), acting_user=None)  # before the pause


def test_pause_on_the_start_day_does_not_count_the_receipt_day_twice(db):
    deadline = open_deadline(at(2026, 11, 21), 1)  # Saturday: received Monday 11/23, due Tuesday
    deadline_pause(deadline=deadline, at=at(2026, 11, 21, 11), reason="补正", acting_user=None)
    deadline_resume(deadline=deadline, at=at(2026, 11, 25), acting_user=None)  # Tue, Wed not counted
    assert deadline.pauses.get().started_on == date(2026, 11, 23)
    assert deadline.paused_working_days == 2
    assert deadline.due_date == date(2026, 11, 26)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2026, 6, 1), timezones=st.just(SH)),
    budget=st.integers(1, 40),
    pause_after=st.integers(0, 60),
    pause_length=st.integers(0, 60),
)
@pytest.mark.django_db
def test_a_pause_moves_the_due_date_by_its_working_days(start, budget, pause_after, pause_length):
    deadline = open_deadline(start, budget)
    due_before = deadline.due_date
    pause_at = start + timedelta(days=pause_after, hours=1)
    deadline_pause(deadline=deadline, at=pause_at, reason="补正", acting_user=None)
    deadline_resume(deadline=deadline, at=pause_at + timedelta(days=pause_length), acting_user=None)
    pause = deadline.pauses.get()
    assert pause.working_days == working_days_between(pause.started_on, pause.ended_on)
    assert working_days_between(due_before, deadline.due_date) == pause.working_days
    assert deadline.due_date == add_working_days(deadline.received_on, budget + pause.working_days)


def test_extend_and_close(users, received_signals):
    deadline = open_deadline(at(2026, 11, 2), 10)
    deadline_extend(
        deadline=deadline, extra_working_days=5, reason="情况复杂，经负责人批准延长", acting_user=users["reviewer"]
    )
    assert deadline.due_date == date(2026, 11, 23)
    assert received_signals[-1]["deadline_ids"] == [deadline.pk]
    assert "已延长 5 个工作日" in deadline_explain(deadline)["explanation"]
    deadline_close(deadline=deadline, at=at(2026, 11, 23, 16), acting_user=users["reviewer"])
    assert deadline.status == Deadline.Status.CLOSED and deadline.closed_on_time is True
    with pytest.raises(ConflictError):
        deadline_close(deadline=deadline, acting_user=users["reviewer"])
    with pytest.raises(ConflictError):
        deadline_extend(deadline=deadline, extra_working_days=1, reason="x", acting_user=users["reviewer"])


def test_close_while_paused_ends_the_pause_and_late_close_is_not_on_time(db):
    deadline = open_deadline(at(2026, 11, 2), 1)
    deadline_pause(deadline=deadline, at=at(2026, 11, 2, 12), reason="补正", acting_user=None)
    deadline_close(deadline=deadline, at=at(2026, 11, 12), acting_user=None)
    pause = deadline.pauses.get()
    assert pause.ended_on == date(2026, 11, 12) and pause.working_days == 8
    assert deadline.due_date == date(2026, 11, 13) and deadline.closed_on_time is True
    late = open_deadline(at(2026, 11, 2), 1, owner_id=2)
    deadline_close(deadline=late, at=at(2026, 11, 4), acting_user=None)
    assert late.closed_on_time is False


def test_crossing_into_an_unpublished_year_is_provisional_and_moves_when_the_year_is_confirmed(users, received_signals):
    deadline = open_deadline(at(2026, 12, 29), 5)
    assert deadline.due_date == date(2027, 1, 6)  # 1/1 元旦 estimated, weekend 1/2-1/3
    assert deadline.provisional is True
    untouched = open_deadline(at(2026, 11, 2), 5, owner_id=2)
    closed = open_deadline(at(2026, 12, 29), 5, owner_id=3)
    deadline_close(deadline=closed, at=at(2026, 12, 30), acting_user=None)

    year = calendar_year_confirm(
        year=2027, days=SAMPLE_2027, notice="国办发明电〔2026〕测试号", acting_user=users["admin"]
    )

    assert year.status == CalendarYear.Status.CONFIRMED and year.deadlines_recomputed == 1
    deadline.refresh_from_db()
    assert deadline.due_date == date(2027, 1, 7)  # 12/30, 12/31, 1/5, 1/6, 1/7
    assert deadline.provisional is False
    assert explain_deadline(at(2026, 12, 29), 5)["due_date"] == "2027-01-07"
    untouched.refresh_from_db()
    assert untouched.recomputed_in is None and untouched.due_date == date(2026, 11, 9)
    closed.refresh_from_db()
    assert closed.due_date == date(2027, 1, 6) and closed.provisional is True  # history is not rewritten

    assert len(received_signals) == 1
    assert received_signals[0]["years"] == [2027] and received_signals[0]["deadline_ids"] is None
    assert list(deadlines_affected(**received_signals[0])) == [deadline]
    kinds = list(CaseEvent.objects.filter(case_type="sla.calendaryear", case_id=2027).values_list("kind", flat=True))
    assert kinds == ["calendar_year_confirmed", "calendar_deadlines_recomputed"]
    assert CalendarDay.objects.filter(year_id=2027).count() == 2


def test_confirm_replaces_the_rows_and_skips_entries_that_restate_the_weekend_rule(users):
    calendar_year_confirm(year=2027, days=SAMPLE_2027, notice="n1", acting_user=users["admin"])
    days = [(date(2027, 1, 1), False, "元旦"), (date(2027, 1, 2), False, "元旦"), (date(2027, 2, 20), True, "春节")]
    calendar_year_confirm(year=2027, days=days, notice="n2", acting_user=users["admin"], replace=True)
    stored = list(CalendarDay.objects.filter(year_id=2027).values_list("date", "kind"))
    assert stored == [(date(2027, 1, 1), "holiday"), (date(2027, 2, 20), "makeup_workday")]
    calendar = current_calendar()
    assert calendar.is_working_day(date(2027, 1, 4)) and calendar.is_working_day(date(2027, 2, 20))
    assert calendar.is_working_day(date(2027, 2, 8))  # the estimated 春节 no longer applies to a confirmed year
    assert CalendarYear.objects.get(year=2027).notice == "n2"


def test_confirm_validates(users):
    cases = [
        ({"days": [(date(2026, 1, 1), False, "元旦")], "notice": "n"}, "days"),
        ({"days": [(date(2027, 1, 1), False, "")], "notice": "n"}, "days"),
        ({"days": [(date(2027, 1, 1), False, "元旦")] * 2, "notice": "n"}, "days"),
        ({"days": [], "notice": " "}, "notice"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ApplicationError) as error:
            calendar_year_confirm(year=2027, acting_user=users["admin"], **kwargs)
        assert field in error.value.fields
    with pytest.raises(ApplicationError):
        calendar_year_confirm(year=2100, days=[], notice="n", acting_user=users["admin"])
    assert not CalendarYear.objects.filter(year=2027).exists()


def python_due(deadline):
    """What the services would compute for a deadline on the current calendar, row by row."""
    calendar = current_calendar(fresh=True)
    received = calendar.next_working_day(deadline.counts_from)
    paused = sum(calendar.working_days_between(p.started_on, p.ended_on) for p in deadline.pauses.all() if p.ended_on)
    due = calendar.add_working_days(received, deadline.working_days + deadline.extended_working_days + paused)
    return received, paused, due, calendar.is_provisional(deadline.counts_from, due)


def test_set_based_recompute_agrees_with_the_row_by_row_computation(users):
    rng = random.Random(20261229)
    for i in range(150):
        start = at(2026, 10, 1) + timedelta(days=rng.randint(0, 200), hours=rng.randint(0, 23))
        deadline = open_deadline(start, rng.randint(0, 40), owner_id=i)
        if rng.random() < 0.2:
            deadline_extend(deadline=deadline, extra_working_days=rng.randint(1, 5), reason="延长", acting_user=None)
        if rng.random() < 0.4:
            pause_at = start + timedelta(days=rng.randint(0, 20))
            deadline_pause(deadline=deadline, at=pause_at, reason="补正", acting_user=None)
            if rng.random() < 0.7:
                deadline_resume(deadline=deadline, at=pause_at + timedelta(days=rng.randint(0, 30)), acting_user=None)
    arrangement = [
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 1, 4), False, "测试假日"),
        *[(date(2027, 2, 5) + timedelta(days=i), False, "春节") for i in range(8)],
        (date(2027, 2, 20), True, "春节"),
        (date(2027, 4, 5), False, "清明节"),
    ]
    calendar_year_confirm(year=2027, days=arrangement, notice="测试", acting_user=users["admin"])
    for deadline in Deadline.objects.prefetch_related("pauses"):
        assert (
            deadline.received_on,
            deadline.paused_working_days,
            deadline.due_date,
            deadline.provisional,
        ) == python_due(deadline), deadline
        for pause in deadline.pauses.all():
            if pause.ended_on:
                assert pause.working_days == working_days_between(pause.started_on, pause.ended_on)


def test_confirming_the_current_year_recounts_finished_pauses(users):
    deadline = open_deadline(at(2026, 11, 2), 10)
    deadline_pause(deadline=deadline, at=at(2026, 11, 4), reason="补正", acting_user=None)
    deadline_resume(deadline=deadline, at=at(2026, 11, 9), acting_user=None)
    assert deadline.paused_working_days == 3
    days = [(d, w, n) for d, w, n in CalendarDay.objects.filter(year_id=2026).values_list("date", "is_workday", "name")]
    calendar_year_confirm(
        year=2026,
        days=[*days, (date(2026, 11, 5), False, "测试假日")],
        notice="更正",
        acting_user=users["admin"],
        replace=True,
    )
    deadline.refresh_from_db()
    assert DeadlinePause.objects.get().working_days == 2
    assert deadline.paused_working_days == 2
    assert deadline.due_date == date(2026, 11, 19)  # one working day fewer paused, one more holiday inside the window


def test_index_is_rebuilt_from_the_changed_year_on(users):
    calendar_year_confirm(year=2027, days=SAMPLE_2027, notice="测试", acting_user=users["admin"])
    calendar = current_calendar()
    sample = {row[0]: row for row in calendar.index_rows(date(2026, 12, 25)) if row[0] <= date(2028, 1, 10)}
    stored = WorkingDayIndex.objects.filter(day__gte=date(2026, 12, 25), day__lte=date(2028, 1, 10)).values_list(
        "day", "is_workday", "ordinal", "rank_before", "workday_rank", "provisional", "prov_ordinal", "prov_before"
    )
    assert {row[0]: tuple(row) for row in stored} == sample
    assert WorkingDayIndex.objects.get(day=date(2027, 1, 4)).is_workday is False


def test_remaining_working_days_and_owner_listing(db):
    deadline = open_deadline(at(2026, 9, 30), 5)  # due 2026-10-13
    other = open_deadline(at(2026, 9, 30), 5, owner_id=2)
    assert deadline_remaining_working_days(deadline=deadline, on=date(2026, 9, 30)) == 5
    assert deadline_remaining_working_days(deadline=deadline, on=date(2026, 10, 4)) == 5  # the holiday costs nothing
    # from 10/9: 10/10 (make-up), 10/12, 10/13
    assert deadline_remaining_working_days(deadline=deadline, on=date(2026, 10, 9)) == 3
    assert deadline_remaining_working_days(deadline=deadline, on=date(2026, 10, 13)) == 0
    assert deadline_remaining_working_days(deadline=deadline, on=date(2026, 10, 15)) == -2
    assert list(deadlines_for_owner(owner_type=OWNER, owner_id=1)) == [deadline]
    assert other not in deadlines_for_owner(owner_type=OWNER, owner_id=1)
