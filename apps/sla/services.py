"""Writes of the sla app: the holiday calendar (and the recompute it triggers) and deadlines with their pauses."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import ApplicationError, ConflictError
from apps.core.services import case_event_record
from apps.sla.models import CalendarDay, CalendarState, CalendarYear, Deadline, DeadlinePause, WorkingDayIndex
from apps.sla.signals import deadline_due_changed
from apps.sla.statutory import statutory_holidays
from apps.sla.workdays import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_WORKING_DAYS,
    WEEKDAY_NAMES,
    WorkingCalendar,
    business_date,
    counts_from,
    current_calendar,
    exceptions_of,
    invalidate_calendar,
    load_calendar,
)

T = TypeVar("T")

DEADLINE_NOT_OPEN = "deadline_not_open"
DEADLINE_NOT_PAUSED = "deadline_not_paused"
DEADLINE_CLOSED = "deadline_closed"


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", f"{field}: {message}", fields={field: [message]})


def _require_aware(value: Any, field: str) -> datetime:
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise _invalid(field, _("需要带时区的时间。"))
    return value


def _validate_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _invalid("year", _("年份应在 %(first)s 至 %(last)s 之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR})


# -- the calendar -------------------------------------------------------------------------------------------------


def _lock_calendar_exclusive() -> CalendarState:
    state, _created = CalendarState.objects.select_for_update().get_or_create(pk=1)
    return state


def _calendar_for_write() -> WorkingCalendar:
    """The calendar a deadline write must use. On PostgreSQL the calendar row is share-locked first, so a calendar
    change (which locks it for update and recomputes every deadline) waits for us or we wait for it; SQLite
    serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version FROM {CalendarState._meta.db_table} WHERE id = 1 FOR SHARE")  # noqa: S608
    return current_calendar(fresh=True)


class _PreviewDone(Exception):  # noqa: N818  not an error: carries a preview's result out of its rolled-back block
    def __init__(self, result: Any) -> None:
        super().__init__("preview")
        self.result = result


def _maybe_preview(change: Callable[[], T], *, dry_run: bool) -> T:
    """Run `change`; with dry_run, inside a savepoint that is rolled back: the caller learns what it would do (how
    many deadlines it would move) and nothing is kept, audit events included."""
    if not dry_run:
        return change()
    try:
        with transaction.atomic():
            raise _PreviewDone(change())
    except _PreviewDone as done:
        result: T = done.result
        return result


def _day_name(name: str | None, day: date, errors: list[str]) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors.append(_("%(day)s 需要名称（不超过100字）。") % {"day": day})
    return name


def _makeup_on_a_weekday(day: date) -> str:
    return _("%(day)s 是%(weekday)s，调休上班日只能是周六或周日。") % {
        "day": day,
        "weekday": WEEKDAY_NAMES[day.weekday()],
    }


@dataclass(frozen=True)
class CalendarChange:
    """What a calendar change did (or, with dry_run, would do)."""

    year: int
    deadlines_moved: int
    dry_run: bool
    action: str  # "year_confirmed" | "day_added" | "day_changed" | "day_removed"
    day: date | None = None
    days_in_year: int = 0  # stored exceptions of the year after the change
    estimate_kept: int = 0  # estimated holidays stored so that the first entered day does not drop them


def calendar_year_confirm(
    *,
    year: int,
    days: Iterable[tuple[date, bool, str]],
    notice: str,
    acting_user: User | None,
    source: str = "administrator",
    replace: bool = False,
    dry_run: bool = False,
) -> CalendarYear:
    """Enter or replace the State Council's arrangement for `year` and mark it confirmed.

    `days` are (date, is_workday, name): the holidays and the make-up working days (a make-up day on a weekday is
    refused, naming it). A holiday that falls on a weekend restates the weekend rule and is not stored. A year that
    already has stored days is replaced only with `replace=True` (one day is entered with calendar_day_set).
    Every open or paused deadline whose window touches the year is recomputed in the same transaction; the returned
    year carries `deadlines_recomputed` (= `change.deadlines_moved`). With dry_run nothing is kept.
    """
    _validate_year(year)
    notice = (notice or "").strip()
    if not notice:
        raise _invalid("notice", _("请填写公布该年安排的通知文号。"))
    entries, errors, seen = [], [], set()
    for day, is_workday, raw_name in days:
        if day.year != year:
            errors.append(_("%(day)s 不在 %(year)s 年内。") % {"day": day, "year": year})
        elif day in seen:
            errors.append(_("%(day)s 重复。") % {"day": day})
        elif bool(is_workday) and day.weekday() < 5:
            errors.append(_makeup_on_a_weekday(day))
        name = _day_name(raw_name, day, errors)
        seen.add(day)
        entries.append((day, bool(is_workday), name))
    if errors:
        raise ApplicationError("invalid", errors[0], fields={"days": errors})
    kept, implied = exceptions_of(sorted(entries))

    @transaction.atomic
    def change() -> CalendarYear:
        _lock_calendar_exclusive()
        before = [
            {"date": d, "is_workday": w, "name": n}
            for d, w, n in CalendarDay.objects.filter(year_id=year).values_list("date", "is_workday", "name")
        ]
        if before and not replace:
            message = _(
                "%(year)s 年已登记 %(n)s 个节假日或调休上班日：替换整年安排需明确传 replace=true；"
                "增删单日请用单日登记。"
            ) % {"year": year, "n": len(before)}
            raise ConflictError("calendar_year_exists", message, fields={"replace": [message]})
        calendar_year, _created = CalendarYear.objects.update_or_create(
            year=year,
            defaults={
                "status": CalendarYear.Status.CONFIRMED,
                "notice": notice,
                "source": source,
                "entered_by": acting_user if getattr(acting_user, "is_authenticated", False) else None,
                "entered_at": timezone.now(),
            },
        )
        CalendarDay.objects.filter(year_id=year).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(
                year_id=year,
                date=day,
                is_workday=is_workday,
                kind=CalendarDay.Kind.MAKEUP_WORKDAY if is_workday else CalendarDay.Kind.HOLIDAY,
                name=name,
            )
            for day, is_workday, name in kept
        )
        case_event_record(
            kind="calendar_year_confirmed",
            case=calendar_year,
            acting_user=acting_user,
            data={
                "notice": notice,
                "source": source,
                "replace": bool(before),
                "days": [{"date": d, "is_workday": w, "name": n} for d, w, n in kept],
                "not_stored_weekend_rule": [{"date": d, "is_workday": w, "name": n} for d, w, n in implied],
                "before": before,
            },
        )
        moved = calendar_changed(years=[year], acting_user=acting_user, record_years=False, notify=not dry_run)
        calendar_year.deadlines_recomputed = moved
        calendar_year.change = CalendarChange(
            year=year, deadlines_moved=moved, dry_run=dry_run, action="year_confirmed", days_in_year=len(kept)
        )
        return calendar_year

    return _maybe_preview(change, dry_run=dry_run)


def _year_for_one_day(year: int, acting_user: User | None) -> tuple[CalendarYear, list[tuple[date, str]]]:
    """The year row a single day is entered into. A year nobody entered yet counts the statutory estimate; its
    first stored day would replace that estimate, so the estimate is stored first (the year stays provisional):
    entering one day never drops the rest of the year."""
    calendar_year, created = CalendarYear.objects.get_or_create(
        year=year,
        defaults={
            "status": CalendarYear.Status.PROVISIONAL,
            "source": "administrator",
            "entered_by": acting_user if getattr(acting_user, "is_authenticated", False) else None,
        },
    )
    kept: list[tuple[date, str]] = []
    if calendar_year.status != CalendarYear.Status.CONFIRMED and not CalendarDay.objects.filter(year_id=year).exists():
        kept = [(d, n) for d, n in sorted(statutory_holidays(year).items()) if d.weekday() < 5]
        CalendarDay.objects.bulk_create(
            CalendarDay(year_id=year, date=d, is_workday=False, kind=CalendarDay.Kind.HOLIDAY, name=n) for d, n in kept
        )
    return calendar_year, kept


def _check_day(day: Any) -> date:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise _invalid("date", _("应为日期（YYYY-MM-DD）。"))
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _invalid("date", _("年份应在 %(first)s 至 %(last)s 之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return day


def calendar_day_set(
    *, day: date, is_workday: bool, name: str, acting_user: User | None, dry_run: bool = False
) -> CalendarChange:
    """Enter one day of a year's arrangement: a holiday on a weekday, or a make-up working day (调休上班) on a
    weekend; an entry already stored for that date is changed. The rest of the year is kept. Open deadlines
    touching the year are recomputed; the answer says how many moved. With dry_run nothing is kept."""
    day = _check_day(day)
    errors: list[str] = []
    name = _day_name(name, day, errors)
    if errors:
        raise _invalid("name", errors[0])
    if is_workday and day.weekday() < 5:
        raise _invalid("date", _makeup_on_a_weekday(day))
    if not is_workday and day.weekday() >= 5:
        raise _invalid(
            "date",
            _("%(day)s 是%(weekday)s，周末本来就不上班，无需登记为节假日。")
            % {"day": day, "weekday": WEEKDAY_NAMES[day.weekday()]},
        )

    @transaction.atomic
    def change() -> CalendarChange:
        _lock_calendar_exclusive()
        calendar_year, estimate = _year_for_one_day(day.year, acting_user)
        existing = CalendarDay.objects.filter(date=day).first()
        before = {"is_workday": existing.is_workday, "name": existing.name} if existing else None
        kind = CalendarDay.Kind.MAKEUP_WORKDAY if is_workday else CalendarDay.Kind.HOLIDAY
        if existing:
            existing.kind, existing.name = kind, name
            existing.save(update_fields=["kind", "is_workday", "name"])
        else:
            CalendarDay.objects.create(year=calendar_year, date=day, kind=kind, name=name)
        action = "day_changed" if existing else "day_added"
        case_event_record(
            kind="calendar_day_set",
            case=calendar_year,
            acting_user=acting_user,
            data={
                "date": day,
                "is_workday": bool(is_workday),
                "name": name,
                "before": before,
                "estimate_stored": [{"date": d, "name": n} for d, n in estimate],
            },
        )
        moved = calendar_changed(years=[day.year], acting_user=acting_user, record_years=False, notify=not dry_run)
        return CalendarChange(
            year=day.year,
            deadlines_moved=moved,
            dry_run=dry_run,
            action=action,
            day=day,
            days_in_year=CalendarDay.objects.filter(year_id=day.year).count(),
            estimate_kept=len(estimate),
        )

    return _maybe_preview(change, dry_run=dry_run)


def calendar_day_remove(*, day: date, acting_user: User | None, dry_run: bool = False) -> CalendarChange:
    """Remove one entered day (it becomes an ordinary weekday or weekend day again); the rest of the year is kept.
    Open deadlines touching the year are recomputed; the answer says how many moved. With dry_run nothing is
    kept."""
    day = _check_day(day)

    @transaction.atomic
    def change() -> CalendarChange:
        _lock_calendar_exclusive()
        calendar_year, estimate = _year_for_one_day(day.year, acting_user)
        existing = CalendarDay.objects.filter(date=day).first()
        if existing is None:
            message = _("%(day)s 没有登记为节假日或调休上班日。") % {"day": day}
            raise ApplicationError("not_found", message, fields={"date": [message]}, status_code=404)
        before = {"is_workday": existing.is_workday, "name": existing.name}
        existing.delete()
        case_event_record(
            kind="calendar_day_removed",
            case=calendar_year,
            acting_user=acting_user,
            data={"date": day, "before": before, "estimate_stored": [{"date": d, "name": n} for d, n in estimate]},
        )
        moved = calendar_changed(years=[day.year], acting_user=acting_user, record_years=False, notify=not dry_run)
        return CalendarChange(
            year=day.year,
            deadlines_moved=moved,
            dry_run=dry_run,
            action="day_removed",
            day=day,
            days_in_year=CalendarDay.objects.filter(year_id=day.year).count(),
            estimate_kept=len(estimate),
        )

    return _maybe_preview(change, dry_run=dry_run)


def calendar_year_mark(
    *, year: int, status: str, notice: str, acting_user: User | None, dry_run: bool = False
) -> CalendarChange:
    """Change a stored year's status (confirmed | provisional) and notice, its days untouched. Marking a year
    confirmed or provisional changes the provisional flag of deadlines touching it; the answer says how many."""
    _validate_year(year)
    if status not in CalendarYear.Status.values:
        raise _invalid("status", _("状态应为 confirmed 或 provisional。"))
    notice = (notice or "").strip()
    if status == CalendarYear.Status.CONFIRMED and not notice:
        raise _invalid("notice", _("请填写公布该年安排的通知文号。"))

    @transaction.atomic
    def change() -> CalendarChange:
        _lock_calendar_exclusive()
        calendar_year, _estimate = _year_for_one_day(year, acting_user)
        before = {"status": calendar_year.status, "notice": calendar_year.notice}
        calendar_year.status, calendar_year.notice = status, notice
        calendar_year.entered_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        calendar_year.entered_at = timezone.now()
        calendar_year.save(update_fields=["status", "notice", "entered_by", "entered_at"])
        case_event_record(
            kind="calendar_year_marked",
            case=calendar_year,
            acting_user=acting_user,
            data={"status": status, "notice": notice, "before": before},
        )
        moved = calendar_changed(years=[year], acting_user=acting_user, record_years=False, notify=not dry_run)
        return CalendarChange(
            year=year,
            deadlines_moved=moved,
            dry_run=dry_run,
            action="year_marked",
            days_in_year=CalendarDay.objects.filter(year_id=year).count(),
        )

    return _maybe_preview(change, dry_run=dry_run)


@transaction.atomic
def calendar_changed(
    *, years: list[int], acting_user: User | None, record_years: bool = True, notify: bool = True
) -> int:
    """Call after any change of the stored calendar (the services above do).

    Records what each changed year now holds (unless the caller already did), bumps the calendar version,
    rebuilds the working-day index from the first changed year on, recomputes in one pass the open and paused
    deadlines whose window touches the changed years, records an audit event and sends deadline_due_changed once
    (not when `notify` is false: a preview that will be rolled back). Returns the number of deadlines that changed.
    """
    years = sorted(set(years))
    if not years:
        return 0
    for year in years:
        _validate_year(year)
    state = _lock_calendar_exclusive()
    if record_years:
        for year in years:
            stored = CalendarYear.objects.filter(year=year).first()
            case_event_record(
                kind="calendar_year_changed",
                case_type=CalendarYear._meta.label_lower,
                case_id=year,
                acting_user=acting_user,
                data={
                    "status": stored.status if stored else None,
                    "notice": stored.notice if stored else None,
                    "days": [
                        {"date": d, "is_workday": w, "name": n}
                        for d, w, n in CalendarDay.objects.filter(year_id=year).values_list(
                            "date", "is_workday", "name"
                        )
                    ],
                },
            )
    state.version += 1
    state.save(update_fields=["version"])
    if notify:
        invalidate_calendar()
        calendar = current_calendar(fresh=True)
    else:
        # A preview: the calendar it builds is rolled back, so it must not reach the per-process cache.
        calendar = load_calendar()
    first, last = min(years), max(years)
    _rebuild_index(calendar, date(first, 1, 1))
    changed = _recompute_deadlines(span_start=date(first, 1, 1), span_end=date(last, 12, 31), version=state.version)
    case_event_record(
        kind="calendar_deadlines_recomputed",
        case_type=CalendarYear._meta.label_lower,
        case_id=first,
        acting_user=acting_user,
        data={"years": sorted(years), "calendar_version": state.version, "deadlines_changed": changed},
    )
    if changed and notify:
        deadline_due_changed.send(
            sender=Deadline, deadline_ids=None, calendar_version=state.version, years=sorted(years)
        )
    return changed


def _rebuild_index(calendar: WorkingCalendar, start: date) -> None:
    WorkingDayIndex.objects.filter(day__gte=start).delete()
    fields = (
        "day",
        "is_workday",
        "ordinal",
        "rank_before",
        "workday_rank",
        "provisional",
        "prov_ordinal",
        "prov_before",
    )
    WorkingDayIndex.objects.bulk_create(
        (WorkingDayIndex(**dict(zip(fields, row, strict=True))) for row in calendar.index_rows(start)), batch_size=2000
    )


def _recompute_deadlines(*, span_start: date, span_end: date, version: int) -> int:
    """Three set-based UPDATEs (no row goes through Python), valid on SQLite >= 3.33 and PostgreSQL:
    1. finished pauses overlapping the span get their working-day count again;
    2. their deadlines get the sum again;
    3. every live deadline whose window [counts_from, due_date] touches the span (or whose pauses did) gets
       received_on, due_date and provisional from the index; only rows that change are written, and they are
       stamped recomputed_in = version.
    """
    D = Deadline._meta.db_table  # noqa: N806
    P = DeadlinePause._meta.db_table  # noqa: N806
    I = WorkingDayIndex._meta.db_table  # noqa: N806, E741
    live = [Deadline.Status.OPEN.value, Deadline.Status.PAUSED.value]
    pauses_in_span = f"SELECT deadline_id FROM {P} WHERE ended_on IS NOT NULL AND started_on <= %s AND ended_on >= %s"  # noqa: S608
    pause_days = "CASE WHEN e.ordinal > s.ordinal THEN e.ordinal - s.ordinal ELSE 0 END"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {P} SET working_days = {pause_days}
            FROM {I} s, {I} e
            WHERE s.day = {P}.started_on AND e.day = {P}.ended_on
              AND {P}.ended_on IS NOT NULL AND {P}.started_on <= %s AND {P}.ended_on >= %s
              AND {P}.working_days <> {pause_days}
              AND {P}.deadline_id IN (SELECT id FROM {D} WHERE status IN (%s, %s))
            """,  # noqa: S608
            [span_end, span_start, *live],
        )
        if cursor.rowcount:
            cursor.execute(
                f"""
                UPDATE {D} SET paused_working_days = (
                    SELECT COALESCE(SUM(p.working_days), 0) FROM {P} p
                    WHERE p.deadline_id = {D}.id AND p.ended_on IS NOT NULL)
                WHERE status IN (%s, %s) AND id IN ({pauses_in_span})
                """,  # noqa: S608
                [*live, span_end, span_start],
            )
        provisional = "(n.prov_ordinal > b.prov_before)"
        cursor.execute(
            f"""
            UPDATE {D} SET received_on = r.day, due_date = n.day, provisional = {provisional},
                recomputed_in = %s, updated_at = %s
            FROM {I} b, {I} r, {I} n
            WHERE b.day = {D}.counts_from
              AND r.workday_rank = b.rank_before + 1
              AND n.workday_rank = b.rank_before + 1 + {D}.working_days + {D}.extended_working_days
                                   + {D}.paused_working_days
              AND {D}.status IN (%s, %s)
              AND (({D}.counts_from <= %s AND {D}.due_date >= %s) OR {D}.id IN ({pauses_in_span}))
              AND ({D}.due_date <> n.day OR {D}.received_on <> r.day OR {D}.provisional <> {provisional})
            """,  # noqa: S608
            [version, timezone.now(), *live, span_end, span_start, span_end, span_start],
        )
        moved: int = cursor.rowcount
        return moved


# -- deadlines --------------------------------------------------------------------------------------------------


def _record(deadline: Deadline, kind: str, acting_user: User | None, data: dict[str, Any]) -> None:
    """Deadline events go into the history of the case that owns the deadline."""
    case_event_record(
        kind=kind,
        case_type=deadline.owner_type,
        case_id=deadline.owner_id,
        acting_user=acting_user,
        data={"deadline_id": deadline.pk, "purpose": deadline.purpose, **data},
    )


def _lock(deadline: Deadline) -> None:
    Deadline.objects.select_for_update().filter(pk=deadline.pk).values_list("pk", flat=True).first()
    deadline.refresh_from_db()


def _refresh_due(deadline: Deadline, calendar: WorkingCalendar) -> None:
    deadline.due_date = calendar.add_working_days(deadline.received_on, deadline.budget)
    deadline.provisional = calendar.is_provisional(deadline.counts_from, deadline.due_date)


def _end_pause(deadline: Deadline, pause: DeadlinePause, at: datetime, calendar: WorkingCalendar) -> None:
    if at < pause.started_at:
        raise _invalid("at", _("恢复时间不能早于暂停时间。"))
    pause.ended_at = at
    pause.ended_on = max(calendar.received_on(at), pause.started_on)
    pause.working_days = calendar.working_days_between(pause.started_on, pause.ended_on)
    pause.save(update_fields=["ended_at", "ended_on", "working_days"])
    deadline.paused_working_days += pause.working_days


@transaction.atomic
def deadline_open(
    *,
    owner_type: str,
    owner_id: int,
    started_at: datetime,
    working_days: int,
    purpose: str = "",
    acting_user: User | None = None,
) -> Deadline:
    """Start a time limit of `working_days` working days from the event at `started_at`.

    owner_type is the owning model's label_lower (apps.core.services.case_label(case)), so the deadline's events
    land in that case's history. Raises ApplicationError (400) for bad input or dates outside 2004-2099.
    """
    _require_aware(started_at, "started_at")
    if not 0 <= working_days <= MAX_WORKING_DAYS:
        raise _invalid("working_days", _("工作日数应在 0 至 %(max)s 之间。") % {"max": MAX_WORKING_DAYS})
    calendar = _calendar_for_write()
    first = counts_from(started_at)
    received = calendar.next_working_day(first)
    due = calendar.add_working_days(received, working_days)
    deadline = Deadline(
        owner_type=owner_type,
        owner_id=owner_id,
        purpose=purpose,
        started_at=started_at,
        counts_from=first,
        received_on=received,
        working_days=working_days,
        due_date=due,
        provisional=calendar.is_provisional(first, due),
    )
    deadline.full_clean()
    deadline.save()
    _record(
        deadline,
        "deadline_opened",
        acting_user,
        {
            "started_at": started_at,
            "received_on": received,
            "working_days": working_days,
            "due_date": due,
            "provisional": deadline.provisional,
        },
    )
    return deadline


@transaction.atomic
def deadline_pause(*, deadline: Deadline, at: datetime, reason: str, acting_user: User) -> Deadline:
    """Stop the clock at `at` (补正, hearing, verification that does not count). Working days after the pause day
    up to the resume day are not counted."""
    _require_aware(at, "at")
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("请填写暂停原因。"))
    _lock(deadline)
    if deadline.status != Deadline.Status.OPEN:
        raise ConflictError(DEADLINE_NOT_OPEN, _("只有计时中的时限可以暂停。"), extra={"status": deadline.status})
    if at < deadline.started_at:
        raise _invalid("at", _("暂停时间不能早于起算事件时间。"))
    calendar = _calendar_for_write()
    started_on = max(business_date(at), deadline.received_on)
    calendar.next_working_day(started_on)  # range check
    pause = DeadlinePause.objects.create(deadline=deadline, started_at=at, started_on=started_on, reason=reason)
    deadline.status = Deadline.Status.PAUSED
    deadline.save(update_fields=["status", "updated_at"])
    _record(
        deadline,
        "deadline_paused",
        acting_user,
        {"pause_id": pause.pk, "at": at, "started_on": started_on, "reason": reason},
    )
    return deadline


@transaction.atomic
def deadline_resume(*, deadline: Deadline, at: datetime, acting_user: User) -> Deadline:
    """Restart the clock. The due date moves out by exactly the working days d with pause day < d <= resume day,
    where the resume day is the day the resuming event counts as received (after 17:00: the next working day)."""
    _require_aware(at, "at")
    _lock(deadline)
    if deadline.status != Deadline.Status.PAUSED:
        raise ConflictError(DEADLINE_NOT_PAUSED, _("该时限未暂停。"), extra={"status": deadline.status})
    calendar = _calendar_for_write()
    pause = deadline.pauses.get(ended_at__isnull=True)
    due_before = deadline.due_date
    _end_pause(deadline, pause, at, calendar)
    _refresh_due(deadline, calendar)
    deadline.status = Deadline.Status.OPEN
    deadline.save(update_fields=["status", "paused_working_days", "due_date", "provisional", "updated_at"])
    _record(
        deadline,
        "deadline_resumed",
        acting_user,
        {
            "pause_id": pause.pk,
            "at": at,
            "ended_on": pause.ended_on,
            "working_days": pause.working_days,
            "due_before": due_before,
            "due_after": deadline.due_date,
        },
    )
    if deadline.due_date != due_before:
        deadline_due_changed.send(sender=Deadline, deadline_ids=[deadline.pk], calendar_version=None, years=None)
    return deadline


@transaction.atomic
def deadline_extend(*, deadline: Deadline, extra_working_days: int, reason: str, acting_user: User) -> Deadline:
    """Add working days to the budget (an extension the rule allows, approved by someone)."""
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("请填写延长原因。"))
    if not 1 <= extra_working_days <= MAX_WORKING_DAYS:
        raise _invalid("extra_working_days", _("延长的工作日数应在 1 至 %(max)s 之间。") % {"max": MAX_WORKING_DAYS})
    _lock(deadline)
    if deadline.status == Deadline.Status.CLOSED:
        raise ConflictError(DEADLINE_CLOSED, _("时限已结束。"))
    calendar = _calendar_for_write()
    due_before = deadline.due_date
    deadline.extended_working_days += extra_working_days
    _refresh_due(deadline, calendar)
    deadline.save(update_fields=["extended_working_days", "due_date", "provisional", "updated_at"])
    _record(
        deadline,
        "deadline_extended",
        acting_user,
        {
            "extra_working_days": extra_working_days,
            "reason": reason,
            "due_before": due_before,
            "due_after": deadline.due_date,
        },
    )
    deadline_due_changed.send(sender=Deadline, deadline_ids=[deadline.pk], calendar_version=None, years=None)
    return deadline


@transaction.atomic
def deadline_close(*, deadline: Deadline, acting_user: User | None, at: datetime | None = None) -> Deadline:
    """Stop the deadline for good (the step it timed is done). A running pause ends at `at`. Records whether the
    step was done by the due date (the business date of `at` <= due_date)."""
    at = _require_aware(at or timezone.now(), "at")
    _lock(deadline)
    if deadline.status == Deadline.Status.CLOSED:
        raise ConflictError(DEADLINE_CLOSED, _("时限已结束。"))
    if deadline.status == Deadline.Status.PAUSED:
        calendar = _calendar_for_write()
        _end_pause(deadline, deadline.pauses.get(ended_at__isnull=True), at, calendar)
        _refresh_due(deadline, calendar)
    deadline.status = Deadline.Status.CLOSED
    deadline.closed_at = at
    deadline.closed_on_time = business_date(at) <= deadline.due_date
    deadline.save(
        update_fields=[
            "status",
            "closed_at",
            "closed_on_time",
            "paused_working_days",
            "due_date",
            "provisional",
            "updated_at",
        ]
    )
    _record(
        deadline,
        "deadline_closed",
        acting_user,
        {"at": at, "due_date": deadline.due_date, "on_time": deadline.closed_on_time},
    )
    return deadline
