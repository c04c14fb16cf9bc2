"""Reads for reports: the monthly coverage figures (apps.reports.monthly) and who may see them, the issued monthly
reports. The monthly report's 两书同达 row comes from the decisions app."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import get_language

from apps.accounts.models import Department, User
from apps.core import clock
from apps.core.figures import cached_figure
from apps.decisions.selectors import two_documents_coverage as _two_documents_coverage
from apps.reports import monthly as _monthly
from apps.reports.models import MonthlyReport


def two_documents_coverage(*, month: date, department_id: int | None = None) -> dict[str, Any]:
    """{"month", "numerator", "denominator", "ratio", "missing": [...]} for decisions delivered in `month`."""
    return _two_documents_coverage(month=month, department_id=department_id)


# Monthly statistics ------------------------------------------------------------------------------------------------


def monthly_stats_department(*, user: User, department_code: str | None) -> Department | None:
    """The scope a user may see figures for: None means office-wide.

    Global viewers (reports.view_monthly_stats: monitors, trainers, administrators) choose any department or none;
    a department's officers and reviewers see their own department's figures (asked for nothing, they get those);
    anyone else is refused (PermissionDenied). An unknown department and one the user may not see are both
    Department.DoesNotExist (404)."""
    if not user.is_authenticated:
        raise PermissionDenied
    code = (department_code or "").strip()
    if user.has_perm("reports.view_monthly_stats"):
        return Department.objects.get(code=code) if code else None
    own = user.department if getattr(user, "department_id", None) else None
    if own is None:
        raise PermissionDenied
    if code and code != own.code:
        raise Department.DoesNotExist
    return own


def monthly_stats(*, month: date, department: Department | None = None) -> dict[str, Any]:
    """The coverage table, computed once per state of the data (apps.core.figures): a save anywhere gives the next
    read a fresh computation. Keyed also by the business date (figures of the month so far count "today") and the
    language (labels and notes are translated)."""
    return cached_figure(
        "reports.monthly",
        (month.isoformat(), department.pk if department else "all", clock.today().isoformat(), get_language()),
        lambda: _monthly.monthly_stats(month=month, department=department),
    )


def monthly_reports_visible_to(*, user: User) -> QuerySet[MonthlyReport]:
    reports = MonthlyReport.objects.select_related("department", "letter")
    if not user.is_authenticated:
        return reports.none()
    if user.has_perm("reports.view_monthly_stats"):
        return reports
    if user.department_id:
        return reports.filter(department_id=user.department_id)
    return reports.none()


def access_monthly_report_by_id(*, user: User, report_id: int) -> MonthlyReport:
    """Missing and forbidden are the same (404)."""
    report = monthly_reports_visible_to(user=user).filter(pk=report_id).first()
    if report is None:
        raise MonthlyReport.DoesNotExist
    return report


# SLA dashboard ------------------------------------------------------------------------------------------------------


def _figure(count: int, list_url: str, **extra: Any) -> dict[str, Any]:
    return {"count": count, "list_url": list_url, **extra}


def sla_dashboard(*, user: User, department: Department | None, today: date, months: int = 6) -> dict[str, Any]:
    """The SLA dashboard of `department` (None: every department): every figure is the count of a list of the API
    and carries that list's URL (`list_url`), so the two cannot disagree. The lists and their filters are casework's
    (open tasks, deadlines by state) and decisions' (two documents delivered without the notice)."""
    from urllib.parse import urlencode

    from apps.casework.selectors import board_deadline_counts, board_open_task_counts, step_key

    scope = {"department": department.code} if department else {}

    def url(path: str, **params: Any) -> str:
        query = urlencode({**params, **scope})
        return f"/api/v1/{path}?{query}" if query else f"/api/v1/{path}"

    departments = [department] if department else list(Department.objects.filter(is_active=True).order_by("code"))
    # Every open-task figure (by step and department, per officer, unassigned, total) from one grouped query over
    # the open tasks board_open_tasks lists (casework counts them by the case's department, step, owner, status).
    task_rows = board_open_task_counts(user=user, department=department)
    by_step = []
    for dept in departments:
        counts: dict[str, list[Any]] = {}
        for row in task_rows:
            if row["department_id"] == dept.pk:
                key = step_key(row["node"])
                counts.setdefault(key, [row["node"], 0])[1] += row["n"]
        for key, (node, count) in sorted(counts.items()):
            by_step.append(
                _figure(
                    count,
                    f"/api/v1/tasks?{urlencode({'queue': 'open', 'step': key, 'department': dept.code})}",
                    step=key,
                    title=str(node.task_title),
                    department={"code": dept.code, "name": dept.name},
                )
            )

    first = today.replace(day=1)
    months_shown = []
    for back in range(months - 1, -1, -1):
        year, month_index = divmod(first.year * 12 + first.month - 1 - back, 12)
        months_shown.append(date(year, month_index + 1, 1))
    # Every deadline figure in one query (board_deadline_counts counts exactly what board_deadlines lists).
    wanted: dict[str, tuple[str, date | None]] = {
        state: (state, None) for state in ("due_today", "due_tomorrow", "due_soon", "breached", "paused")
    }
    for month in months_shown:
        for state in ("closed", "closed_on_time"):
            wanted[f"{state}_{month:%Y_%m}"] = (state, month)
    counted = board_deadline_counts(user=user, department=department, figures=wanted, today=today)

    def deadlines(state: str, month: date | None = None) -> dict[str, Any]:
        params = {"state": state, **({"month": month.strftime("%Y-%m")} if month else {})}
        key = f"{state}_{month:%Y_%m}" if month else state
        return _figure(counted[key], url("breaches", **params))

    on_time = []
    for month in months_shown:
        closed = deadlines("closed", month=month)
        punctual = deadlines("closed_on_time", month=month)
        on_time.append(
            {
                "month": month.strftime("%Y-%m"),
                "closed": closed,
                "on_time": punctual,
                "ratio": round(punctual["count"] / closed["count"], 4) if closed["count"] else None,
            }
        )

    from apps.accounts.models import Role

    officers = User.objects.filter(role__in=[Role.OFFICER, Role.REVIEWER], is_active=True)
    if department is not None:
        officers = officers.filter(department=department)
    held: dict[int, int] = {}
    for row in task_rows:
        if row["status"] == "ASSIGNED" and row["owner_id"] is not None:
            held[row["owner_id"]] = held.get(row["owner_id"], 0) + row["n"]
    totals = {
        "total": sum(row["n"] for row in task_rows),
        "unassigned": sum(row["n"] for row in task_rows if row["owner_id"] is None),
    }
    workload = [
        _figure(
            held.get(officer.pk, 0),
            url("tasks", queue="open", owner=officer.username),
            owner=officer.username,
            name=str(officer),
            department=officer.department.code if officer.department else None,
        )
        for officer in officers.select_related("department").order_by("department__code", "username")
    ]
    workload.append(_figure(totals["unassigned"], url("tasks", queue="open", unassigned="true"), owner=None))

    coverage = two_documents_coverage(month=first, department_id=department.pk if department else None)
    missing_url = f"/api/v1/decisions/without-notice?{urlencode({'month': coverage['month'], **scope})}"
    return {
        "today": today,
        "department": {"code": department.code, "name": department.name} if department else None,
        "open_by_step": by_step,
        "open_total": _figure(totals["total"], url("tasks", queue="open")),
        "due_today": deadlines("due_today"),
        "due_tomorrow": deadlines("due_tomorrow"),
        "due_soon": deadlines("due_soon"),
        "breached": deadlines("breached"),
        "paused": deadlines("paused"),
        "on_time_by_month": on_time,
        "workload": workload,
        "two_documents": {
            "month": coverage["month"],
            "numerator": coverage["numerator"],
            "denominator": coverage["denominator"],
            "ratio": coverage["ratio"],
            "missing": _figure(len(coverage["missing"]), missing_url),
        },
    }
