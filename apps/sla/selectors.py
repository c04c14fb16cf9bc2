"""Reads of the sla app: deadlines and their explanations, the calendar by year and by day."""

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core import clock
from apps.sla.models import CalendarYear, Deadline
from apps.sla.workdays import (
    BUSINESS_TZ,
    KIND_HOLIDAY,
    KIND_MAKEUP,
    SOURCE_ESTIMATED,
    WorkingCalendar,
    current_calendar,
)


def _local(moment: datetime | None) -> str | None:
    return moment.astimezone(BUSINESS_TZ).isoformat() if moment else None


def access_deadline_by_id(*, user: User, deadline_id: int, perm: str = "sla.view_deadline") -> Deadline:
    """The only way an interface obtains a Deadline. Missing and forbidden are indistinguishable."""
    deadline = Deadline.objects.filter(pk=deadline_id).first()
    if deadline is None or not (user.has_perm(perm) or user.has_perm(perm, deadline)):
        raise Deadline.DoesNotExist
    return deadline


def deadlines_for_owner(*, owner_type: str, owner_id: int) -> QuerySet[Deadline]:
    return Deadline.objects.filter(owner_type=owner_type, owner_id=owner_id).prefetch_related("pauses")


def deadlines_affected(
    *, deadline_ids: list[int] | None = None, calendar_version: int | None = None, **_signal_kwargs: Any
) -> QuerySet[Deadline]:
    """The deadlines a deadline_due_changed signal is about: call it with the signal's keyword arguments."""
    if deadline_ids is not None:
        return Deadline.objects.filter(pk__in=deadline_ids)
    if calendar_version is not None:
        return Deadline.objects.filter(recomputed_in=calendar_version)
    return Deadline.objects.none()


def deadline_remaining_working_days(*, deadline: Deadline, on: date | None = None) -> int:
    """Working days left until the due date, counted from `on` (default: today in Asia/Shanghai); negative when
    overdue. A paused deadline is frozen at its pause day."""

    calendar = current_calendar()
    if deadline.status == Deadline.Status.PAUSED:
        pause = deadline.pauses.filter(ended_at__isnull=True).first()
        on = pause.started_on if pause else on
    return working_days_left(due_date=deadline.due_date, on=on, calendar=calendar)


def working_days_left(*, due_date: date, on: date | None = None, calendar: WorkingCalendar | None = None) -> int:
    """Working days from `on` (default: today in Asia/Shanghai) until `due_date`; negative when overdue. The queues
    show it beside each step's due date."""
    calendar = calendar or current_calendar()
    on = on or clock.today()
    if on <= due_date:
        return calendar.working_days_between(on, due_date)
    return -calendar.working_days_between(due_date, on)


def deadline_explain(deadline: Deadline) -> dict[str, Any]:
    """The deadline's dates, the days skipped and why, the make-up days counted, and the ledger of pauses."""
    calendar = current_calendar()
    explained = calendar.explain(
        deadline.started_at,
        deadline.working_days,
        extra_working_days=deadline.extended_working_days + deadline.paused_working_days,
    )
    pauses = [
        {
            "id": pause.pk,
            "started_at": _local(pause.started_at),
            "started_on": pause.started_on.isoformat(),
            "ended_at": _local(pause.ended_at),
            "ended_on": pause.ended_on.isoformat() if pause.ended_on else None,
            "reason": pause.reason,
            "working_days": pause.working_days,
        }
        for pause in deadline.pauses.all()  # Meta.ordering: started_at, id (and a prefetch is used)
    ]
    lines = [explained["explanation"]]
    if deadline.extended_working_days:
        lines.append(_("已延长 %(n)s 个工作日。") % {"n": deadline.extended_working_days})
    if pauses:
        finished = [p for p in pauses if p["ended_on"]]
        lines.append(
            _("共暂停 %(count)s 次，不计入 %(days)s 个工作日（暂停日之后至恢复日，含恢复日），截止日相应顺延。")
            % {"count": len(pauses), "days": deadline.paused_working_days}
        )
        for p in finished:
            lines.append(
                _("%(start)s 暂停至 %(end)s：%(n)s 个工作日（%(reason)s）。")
                % {"start": p["started_on"], "end": p["ended_on"], "n": p["working_days"], "reason": p["reason"]}
            )
    if deadline.status == Deadline.Status.PAUSED:
        lines.append(_("时限当前已暂停，截止日在恢复前不再计算，恢复后按暂停的工作日顺延。"))
    if deadline.status == Deadline.Status.CLOSED:
        lines.append(_("时限已结束。"))
    return {
        "id": deadline.pk,
        "owner_type": deadline.owner_type,
        "owner_id": deadline.owner_id,
        "purpose": deadline.purpose,
        "status": deadline.status,
        "start": explained["start"],
        "received_on": deadline.received_on.isoformat(),
        "working_days": deadline.working_days,
        "extended_working_days": deadline.extended_working_days,
        "paused_working_days": deadline.paused_working_days,
        "due_date": deadline.due_date.isoformat(),
        "running": deadline.status == Deadline.Status.OPEN,
        "provisional": deadline.provisional,
        "provisional_years": explained["provisional_years"],
        "skipped": explained["skipped"],
        "makeup_workdays": explained["makeup_workdays"],
        "pauses": pauses,
        "closed_at": _local(deadline.closed_at),
        "closed_on_time": deadline.closed_on_time,
        "explanation": "".join(lines),
    }


def calendar_year_detail(*, year: int) -> dict[str, Any]:
    """The arrangement of a year as stored, or, for a year nobody entered, the statutory estimate in use."""
    calendar = current_calendar()
    stored = CalendarYear.objects.filter(year=year).select_related("entered_by").first()
    days: list[dict[str, Any]] = []
    for day, is_work, info in calendar.days(date(year, 1, 1), date(year, 12, 31)):
        if info.kind in (KIND_HOLIDAY, KIND_MAKEUP):
            days.append(
                {
                    "date": day.isoformat(),
                    "is_workday": is_work,
                    "kind": info.kind,
                    "name": info.name,
                    "reason": calendar.reason(day),
                }
            )
    estimated = any(calendar.day_info(date.fromisoformat(d["date"])).source == SOURCE_ESTIMATED for d in days)
    return {
        "year": year,
        "status": stored.status if stored else CalendarYear.Status.PROVISIONAL.value,
        "notice": stored.notice if stored else "",
        "source": stored.source if stored else "",
        "entered_by": str(stored.entered_by) if stored and stored.entered_by else None,
        "entered_at": _local(stored.entered_at) if stored else None,
        "estimated": estimated,
        "working_days": sum(1 for _d, is_work, _i in calendar.days(date(year, 1, 1), date(year, 12, 31)) if is_work),
        "days": days,
    }


def calendar_days(*, start: date, end: date) -> list[dict[str, Any]]:
    """Every day of start..end with whether it is a working day and why not."""
    calendar = current_calendar()
    return [
        {
            "date": day.isoformat(),
            "is_workday": is_work,
            "kind": info.kind,
            "reason": calendar.reason(day),
            "provisional": day.year in calendar.provisional_years,
        }
        for day, is_work, info in calendar.days(start, end)
    ]
