"""Reads for reports: the monthly coverage figures (apps.reports.monthly) and who may see them, the issued monthly
reports. The monthly report's 两书同达 row comes from the decisions app."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from apps.accounts.models import Department, User
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
    return _monthly.monthly_stats(month=month, department=department)


def monthly_reports_visible_to(*, user: User) -> QuerySet[MonthlyReport]:
    reports = MonthlyReport.objects.select_related("department", "letter")
    if not user.is_authenticated:
        return reports.none()
    if user.has_perm("reports.view_monthly_stats"):
        return reports
    if getattr(user, "department_id", None):
        return reports.filter(department_id=user.department_id)
    return reports.none()


def access_monthly_report_by_id(*, user: User, report_id: int) -> MonthlyReport:
    """Missing and forbidden are the same (404)."""
    report = monthly_reports_visible_to(user=user).filter(pk=report_id).first()
    if report is None:
        raise MonthlyReport.DoesNotExist
    return report
