"""Working-day arithmetic (工作日计算): the only place in the project that does it.

Rules (docs/sla.md has the long form):
- A working day is Monday-Friday, except the holidays of the State Council's arrangement for that year, plus the
  weekend make-up working days (调休上班) of that arrangement.
- A year without a confirmed arrangement uses weekends plus the fixed statutory dates (apps.sla.statutory), and
  every result whose window touches such a year is `provisional`.
- `received_on(moment)`: an event at or after office closing time (settings.SLA_OFFICE_CLOSES_AT, default 17:00
  Asia/Shanghai) counts from the next calendar day; an event on a non-working day is received on the next working
  day. Before opening time counts as that day.
- `add_working_days(d, n)` is the n-th working day after d; d itself is never counted; n == 0 gives d.
  `subtract_working_days(d, n)` is the step backwards: the n-th working day before d, on the same terms.

`WorkingCalendar` is pure (built from plain data); the module-level functions use the calendar of the database,
cached per process and reloaded when the calendar version row changes (checked at most every
settings.SLA_CALENDAR_RECHECK_SECONDS, and on every call from a service that writes).
"""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from apps.core.clock import business_date as business_date  # re-exported: sla callers read it here
from apps.core.errors import ApplicationError
from apps.sla.statutory import statutory_holidays

BUSINESS_TZ = ZoneInfo(settings.TIME_ZONE)  # business dates and office hours (Asia/Shanghai)
FIRST_DAY = date(2004, 1, 1)
LAST_DAY = date(2099, 12, 31)
FIRST_YEAR, LAST_YEAR = FIRST_DAY.year, LAST_DAY.year
MAX_WORKING_DAYS = 3650
DEFAULT_OFFICE_CLOSES_AT = dtime(17, 0)

KIND_WORKDAY = "workday"
KIND_WEEKEND = "weekend"
KIND_HOLIDAY = "holiday"
KIND_MAKEUP = "makeup_workday"

SOURCE_CONFIRMED = "confirmed"
SOURCE_DRAFT = "draft"  # days entered for a year that is not confirmed yet
SOURCE_ESTIMATED = "estimated"  # the fixed statutory dates, computed

WEEKDAY_NAMES = (
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
)


def holiday_label(name: str) -> str:
    """A holiday's name (stored in Chinese, as the State Council publishes it) in the reader's language."""
    return _(name) if name else ""


def _day_span(first: str, last: str) -> str:
    return (
        first if first == last else pgettext("a span of days", "%(first)s 至 %(last)s") % {"first": first, "last": last}
    )


def _list(items: Iterable[str]) -> str:
    return pgettext("list separator", "；").join(items)


def _sentences(lines: list[str]) -> str:
    """Chinese sentences follow each other without a space; other languages need one."""
    return ("" if (get_language() or "zh-hans").startswith("zh") else " ").join(lines)


class CalendarRangeError(ApplicationError):
    """A date or a result outside the range the calendar supports (2004-2099)."""

    def __init__(self, detail: str = "", *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(
            "invalid",
            detail
            or _("日期超出工作日历支持的范围（%(first)s 至 %(last)s）。") % {"first": FIRST_DAY, "last": LAST_DAY},
            fields=fields,
            status_code=400,
        )


def office_closes_at() -> dtime:
    value = getattr(settings, "SLA_OFFICE_CLOSES_AT", DEFAULT_OFFICE_CLOSES_AT)
    return dtime.fromisoformat(value) if isinstance(value, str) else value


def counts_from(moment: date | datetime) -> date:
    """The first calendar date on which an event can be received: its own date, or the next one after closing time."""
    if isinstance(moment, datetime):
        local = moment.astimezone(BUSINESS_TZ) if moment.tzinfo is not None and moment.utcoffset() is not None else None
        if local is None:
            raise ValueError("naive datetime: time is always timezone-aware")
        if local.time() >= office_closes_at():
            return local.date() + timedelta(days=1)
        return local.date()
    return moment


@dataclass(frozen=True, slots=True)
class DayInfo:
    kind: str  # KIND_*
    name: str  # holiday name for holidays and make-up days, "" otherwise
    source: str  # SOURCE_*


def _group_runs(items: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """(first, last, reason) for runs of consecutive days with the same reason."""
    runs: list[tuple[str, str, str]] = []
    for item in items:
        day = date.fromisoformat(item["date"])
        if runs and runs[-1][2] == item["reason"] and date.fromisoformat(runs[-1][1]) + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], item["date"], item["reason"])
        else:
            runs.append((item["date"], item["date"], item["reason"]))
    return runs


class WorkingCalendar:
    """An immutable index of working days over FIRST_DAY..LAST_DAY.

    `_ordinal[i]` is the number of working days from FIRST_DAY through day i (inclusive); `_ranks[k - 1]` is the
    proleptic ordinal of the k-th working day. So "the n-th working day after d" is one array read.
    """

    def __init__(
        self,
        *,
        years: Mapping[int, str],
        days: Mapping[date, tuple[bool, str]],
        version: int = 0,
    ) -> None:
        """years: year -> "confirmed" | "provisional" (missing means provisional); days: the stored exceptions
        to the weekend rule, date -> (is_workday, name)."""
        self.version = version
        self.provisional_years = frozenset(
            y for y in range(FIRST_YEAR, LAST_YEAR + 1) if years.get(y) != SOURCE_CONFIRMED
        )
        info: dict[date, DayInfo] = {}
        years_with_rows = {d.year for d in days}
        for day, (is_workday, name) in days.items():
            if not FIRST_DAY <= day <= LAST_DAY:
                continue
            source = SOURCE_CONFIRMED if day.year not in self.provisional_years else SOURCE_DRAFT
            info[day] = DayInfo(KIND_MAKEUP if is_workday else KIND_HOLIDAY, name, source)
        for year in sorted(self.provisional_years - years_with_rows):
            for day, name in statutory_holidays(year).items():
                info[day] = DayInfo(KIND_HOLIDAY, name, SOURCE_ESTIMATED)
        self._info = info

        self._first = FIRST_DAY.toordinal()
        self._size = LAST_DAY.toordinal() - self._first + 1
        work = bytearray(self._size)
        ordinal = array("l", [0]) * self._size
        ranks = array("l")
        count = 0
        for i in range(self._size):
            proleptic = self._first + i
            day_info = info.get(date.fromordinal(proleptic)) if info else None
            if day_info is not None:
                is_work = day_info.kind == KIND_MAKEUP
            else:
                is_work = (proleptic - 1) % 7 < 5  # date.fromordinal(1) is a Monday
            if is_work:
                work[i] = 1
                count += 1
                ranks.append(proleptic)
            ordinal[i] = count
        self._work, self._ordinal, self._ranks, self._count = bytes(work), ordinal, ranks, count

    # -- lookups -------------------------------------------------------------------------------------------------

    def _index(self, day: date, field: str = "date") -> int:
        i = day.toordinal() - self._first
        if not 0 <= i < self._size:
            raise CalendarRangeError(
                fields={
                    field: [
                        _("日期 %(day)s 超出支持范围（%(first)s 至 %(last)s）。")
                        % {"day": day, "first": FIRST_DAY, "last": LAST_DAY}
                    ]
                }
            )
        return i

    def _rank_day(self, rank: int, field: str) -> date:
        if rank > self._count:
            raise CalendarRangeError(
                _("计算结果超出工作日历支持的范围（至 %(last)s）。") % {"last": LAST_DAY},
                fields={field: [_("计算结果超出工作日历支持的范围（至 %(last)s）。") % {"last": LAST_DAY}]},
            )
        return date.fromordinal(self._ranks[rank - 1])

    def is_working_day(self, day: date) -> bool:
        return self._work[self._index(day)] == 1

    def next_working_day(self, day: date) -> date:
        """The first working day on or after `day`."""
        i = self._index(day)
        return self._rank_day(self._ordinal[i] - self._work[i] + 1, "date")

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after `day` (`day` itself is not counted). n == 0 gives `day`."""
        if n < 0:
            raise ValueError("n must be >= 0")
        i = day.toordinal() - self._first
        if not 0 <= i < self._size:
            self._index(day)
        if n == 0:
            return day
        k = self._ordinal[i] + n
        if k > self._count:
            return self._rank_day(k, "working_days")
        return date.fromordinal(self._ranks[k - 1])

    def subtract_working_days(self, day: date, n: int) -> date:
        """The n-th working day before `day` (`day` itself is not counted). n == 0 gives `day`.

        The backward step of add_working_days: for a working day r, subtract_working_days(add_working_days(r, n), n)
        is r; and when `day` is a working day, there are exactly n working days d with result < d <= day."""
        if n < 0:
            raise ValueError("n must be >= 0")
        i = self._index(day)
        if n == 0:
            return day
        k = self._ordinal[i] - self._work[i] - n + 1  # rank of the n-th working day before `day`
        if k < 1:
            raise CalendarRangeError(
                _("计算结果超出工作日历支持的范围（自 %(first)s 起）。") % {"first": FIRST_DAY},
                fields={
                    "working_days": [_("计算结果超出工作日历支持的范围（自 %(first)s 起）。") % {"first": FIRST_DAY}]
                },
            )
        return date.fromordinal(self._ranks[k - 1])

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days d with start < d <= end (negative when end < start)."""
        return self._ordinal[self._index(end)] - self._ordinal[self._index(start)]

    def received_on(self, moment: date | datetime) -> date:
        """The business date an event counts as received (see the module docstring)."""
        return self.next_working_day(counts_from(moment))

    def is_provisional(self, start: date, end: date) -> bool:
        return any(y in self.provisional_years for y in range(start.year, end.year + 1))

    def provisional_years_between(self, start: date, end: date) -> list[int]:
        return [y for y in range(start.year, end.year + 1) if y in self.provisional_years]

    def day_info(self, day: date) -> DayInfo:
        found = self._info.get(day)
        if found is not None:
            return found
        self._index(day)
        return DayInfo(KIND_WEEKEND if day.weekday() >= 5 else KIND_WORKDAY, "", SOURCE_CONFIRMED)

    def reason(self, day: date) -> str:
        """Why a day is what it is, in words: 周末, the holiday's name, 调休上班日, or "" for an ordinary working day."""
        info = self.day_info(day)
        if info.kind == KIND_WORKDAY:
            return ""
        if info.kind == KIND_WEEKEND:
            holiday = self._holiday_around(day)
            return _("周末（%(name)s假期）") % {"name": holiday_label(holiday)} if holiday else _("周末")
        if info.kind == KIND_MAKEUP:
            text = _("调休上班日（%(name)s）") % {"name": holiday_label(info.name)} if info.name else _("调休上班日")
        else:
            text = holiday_label(info.name) or _("节假日")
        if info.source == SOURCE_ESTIMATED:
            return f"{text}：{_('按固定法定节假日推算（当年安排未公布）')}"
        if info.source == SOURCE_DRAFT:
            return f"{text}：{_('暂定安排（尚未确认）')}"
        return text

    def _holiday_around(self, day: date) -> str:
        """The holiday whose run of days off a weekend day belongs to (国庆 10/1-10/7 contains a weekend)."""
        for step in (-1, 1):
            probe = day
            for _i in range(10):
                probe = probe + timedelta(days=step)
                if not FIRST_DAY <= probe <= LAST_DAY:
                    break
                info = self.day_info(probe)
                if info.kind == KIND_HOLIDAY:
                    return info.name
                if info.kind != KIND_WEEKEND:
                    break
        return ""

    def days(self, start: date, end: date) -> Iterator[tuple[date, bool, DayInfo]]:
        i, j = self._index(start, "from"), self._index(end, "to")
        for k in range(i, j + 1):
            day = date.fromordinal(self._first + k)
            yield day, self._work[k] == 1, self.day_info(day)

    # -- explanation ---------------------------------------------------------------------------------------------

    def explain(self, start: date | datetime, working_days: int, *, extra_working_days: int = 0) -> dict[str, Any]:
        """Everything a person needs to check a deadline by hand: see explain_deadline()."""
        if isinstance(start, datetime):
            local = start.astimezone(BUSINESS_TZ)
            start_day, start_text = local.date(), local.isoformat()
        else:
            start_day, start_text = start, start.isoformat()
        self._index(start_day, "start")
        first = counts_from(start)
        self._index(first, "start")
        received = self.next_working_day(first)
        total = working_days + extra_working_days
        due = self.add_working_days(received, total)
        skipped, makeup = [], []
        for day, is_work, info in self.days(start_day, due):
            if not is_work:
                skipped.append({"date": day.isoformat(), "reason": self.reason(day)})
            elif info.kind == KIND_MAKEUP and day > received:
                makeup.append({"date": day.isoformat(), "reason": self.reason(day)})
        provisional_years = self.provisional_years_between(first, due)
        lines = self._explanation_lines(
            start, start_day, first, received, working_days, extra_working_days, due, skipped, makeup, provisional_years
        )
        return {
            "start": start_text,
            "received_on": received.isoformat(),
            "working_days": working_days,
            "due_date": due.isoformat(),
            "provisional": bool(provisional_years),
            "provisional_years": provisional_years,
            "skipped": skipped,
            "makeup_workdays": makeup,
            "explanation": _sentences(lines),
        }

    def _explanation_lines(
        self,
        start: date | datetime,
        start_day: date,
        first: date,
        received: date,
        working_days: int,
        extra_working_days: int,
        due: date,
        skipped: list[dict[str, str]],
        makeup: list[dict[str, str]],
        provisional_years: list[int],
    ) -> list[str]:
        lines = []
        if isinstance(start, datetime):
            local = start.astimezone(BUSINESS_TZ)
            lines.append(
                _("起算事件时间：%(at)s（%(weekday)s）。")
                % {"at": local.strftime("%Y-%m-%d %H:%M"), "weekday": WEEKDAY_NAMES[local.weekday()]}
            )
            if first != start_day:
                lines.append(
                    _("该时间在办公时间结束（%(close)s）之后，视为次日收到。")
                    % {"close": office_closes_at().strftime("%H:%M")}
                )
        else:
            lines.append(
                _("起算日期：%(day)s（%(weekday)s）。")
                % {"day": start_day, "weekday": WEEKDAY_NAMES[start_day.weekday()]}
            )
        if received != first:
            lines.append(
                _("%(day)s 不是工作日（%(reason)s），顺延至下一个工作日 %(received)s 视为收到。")
                % {"day": first, "reason": self.reason(first), "received": received}
            )
        else:
            lines.append(_("收到日为 %(received)s（工作日）。") % {"received": received})
        total = working_days + extra_working_days
        if total == 0:
            lines.append(_("期限为 0 个工作日，截止日即收到日 %(due)s。") % {"due": due})
        else:
            if extra_working_days:
                lines.append(
                    _("时限 %(n)s 个工作日，因延长和暂停另加 %(extra)s 个工作日。")
                    % {"n": working_days, "extra": extra_working_days}
                )
            lines.append(
                _("收到当日不计入，自次日起计算 %(n)s 个工作日，截止日为 %(due)s（%(weekday)s）。")
                % {"n": total, "due": due, "weekday": WEEKDAY_NAMES[due.weekday()]}
            )
        if skipped:
            runs = _list(f"{_day_span(a, b)} {r}" for a, b, r in _group_runs(skipped))
            lines.append(_("期间共跳过 %(count)s 个非工作日：%(runs)s。") % {"count": len(skipped), "runs": runs})
        if makeup:
            lines.append(
                _("调休上班日照常计入：%(days)s。") % {"days": _list(f"{m['date']} {m['reason']}" for m in makeup)}
            )
        if provisional_years:
            lines.append(
                _("%(years)s 年的节假日安排尚未确认，按周末和固定法定节假日推算，结果为暂定；安排录入后将自动重算。")
                % {"years": pgettext("enumeration comma", "、").join(str(y) for y in provisional_years)}
            )
        return lines

    # -- the database index ------------------------------------------------------------------------------------

    def index_rows(self, start: date = FIRST_DAY) -> Iterator[tuple[date, bool, int, int, int | None, bool, int, int]]:
        """Rows of WorkingDayIndex from `start` on: (day, is_workday, ordinal, rank_before, workday_rank,
        provisional, prov_ordinal, prov_before). The counts are cumulative from FIRST_DAY."""
        begin = self._index(start)
        prov_count = 0
        for k in range(self._size):
            day = date.fromordinal(self._first + k)
            provisional = day.year in self.provisional_years
            prov_before = prov_count
            prov_count += provisional
            if k < begin:
                continue
            is_work = self._work[k] == 1
            ordinal = self._ordinal[k]
            yield (
                day,
                is_work,
                ordinal,
                ordinal - is_work,
                ordinal if is_work else None,
                provisional,
                prov_count,
                prov_before,
            )


def build_calendar(
    *, years: Mapping[int, str], days: Mapping[date, tuple[bool, str]], version: int = 0
) -> WorkingCalendar:
    return WorkingCalendar(years=years, days=days, version=version)


def exceptions_of(
    days: Iterable[tuple[date, bool, str]],
) -> tuple[list[tuple[date, bool, str]], list[tuple[date, bool, str]]]:
    """Split (date, is_workday, name) into the exceptions to the weekend rule (stored) and the rest (implied)."""
    kept: list[tuple[date, bool, str]] = []
    implied: list[tuple[date, bool, str]] = []
    for day, is_workday, name in days:
        (kept if is_workday == (day.weekday() >= 5) else implied).append((day, is_workday, name))
    return kept, implied


# -- the calendar of the database, cached per process ----------------------------------------------------------


class _Cache:
    lock = threading.Lock()
    calendar: WorkingCalendar | None = None
    checked_at = 0.0
    recheck_seconds = 0.0  # read from settings at each version check, not on the hot path


def _recheck_seconds() -> float:
    return float(getattr(settings, "SLA_CALENDAR_RECHECK_SECONDS", 2.0))


def _database_version() -> int:
    from apps.sla.models import CalendarState

    return CalendarState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def load_calendar() -> WorkingCalendar:
    """Build the calendar from the database. The version is read first, so a concurrent change makes the result
    look older than it is and gets reloaded, never the other way round."""
    from apps.sla.models import CalendarDay, CalendarYear

    version = _database_version()
    years = dict(CalendarYear.objects.values_list("year", "status"))
    days = {
        day: (is_workday, name)
        for day, is_workday, name in CalendarDay.objects.values_list("date", "is_workday", "name")
    }
    return WorkingCalendar(years=years, days=days, version=version)


def current_calendar(*, fresh: bool = False) -> WorkingCalendar:
    """The calendar of the database. `fresh=True` checks the version now (services that write use it)."""
    calendar = _Cache.calendar
    now = time.monotonic()
    if calendar is not None and not fresh and now - _Cache.checked_at < _Cache.recheck_seconds:
        return calendar
    with _Cache.lock:
        _Cache.recheck_seconds = _recheck_seconds()
        version = _database_version()
        calendar = _Cache.calendar
        if calendar is None or calendar.version != version:
            calendar = load_calendar()
            _Cache.calendar = calendar
        _Cache.checked_at = now
        return calendar


def invalidate_calendar() -> None:
    _Cache.calendar = None
    _Cache.checked_at = 0.0


# -- the public functions ----------------------------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    return current_calendar().is_working_day(day)


def next_working_day(day: date) -> date:
    """The first working day on or after `day`."""
    return current_calendar().next_working_day(day)


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day`; `day` itself is not counted; n == 0 gives `day`."""
    return current_calendar().add_working_days(day, n)


def subtract_working_days(day: date, n: int) -> date:
    """The n-th working day before `day`; `day` itself is not counted; n == 0 gives `day`."""
    return current_calendar().subtract_working_days(day, n)


def working_days_between(start: date, end: date) -> int:
    """The number of working days d with start < d <= end."""
    return current_calendar().working_days_between(start, end)


def received_on(moment: date | datetime) -> date:
    """The business date an event at `moment` (aware datetime, or a date meaning during office hours) is received."""
    return current_calendar().received_on(moment)


def day_reason(day: date) -> str:
    return current_calendar().reason(day)


def is_provisional(start: date, end: date) -> bool:
    """Whether any day in start..end lies in a year without a confirmed arrangement."""
    return current_calendar().is_provisional(start, end)


def explain_deadline(start: date | datetime, working_days: int) -> dict[str, Any]:
    """{"start", "received_on", "working_days", "due_date", "provisional", "provisional_years", "skipped":
    [{"date", "reason"}], "makeup_workdays": [{"date", "reason"}], "explanation"} for `working_days` working days
    from an event at `start`. Raises CalendarRangeError outside 2004-2099."""
    if working_days < 0 or working_days > MAX_WORKING_DAYS:
        raise ApplicationError(
            "invalid",
            _("工作日数应在 0 至 %(max)s 之间。") % {"max": MAX_WORKING_DAYS},
            fields={"working_days": [_("工作日数应在 0 至 %(max)s 之间。") % {"max": MAX_WORKING_DAYS}]},
        )
    return current_calendar().explain(start, working_days)
