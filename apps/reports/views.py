"""The credit office's monthly page (/workbench/stats/monthly/): the coverage table for a month, the reports issued
for it, and (for those allowed) issuing one. Thin: the figures come from the selectors, issuing from the service."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Department
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.reports.monthly import MonthError, parse_month
from apps.reports.selectors import monthly_reports_visible_to, monthly_stats, monthly_stats_department
from apps.reports.services import monthly_report_issue


def _last_month() -> str:
    return (clock.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


@login_required
@require_http_methods(["GET", "POST"])
def monthly_page(request):
    params = request.POST if request.method == "POST" else request.GET
    raw_month = params.get("month") or _last_month()
    code = params.get("department", "")
    try:
        department = monthly_stats_department(user=request.user, department_code=code)
    except Department.DoesNotExist:
        raise Http404 from None
    error, stats, month = "", None, None
    try:
        month = parse_month(raw_month)
    except MonthError as exc:
        error = str(exc)
    if request.method == "POST" and month is not None:
        if not request.user.has_perm("reports.issue_monthly_report"):
            raise PermissionDenied
        try:
            report, created = monthly_report_issue(
                month=month, department=department, acting_user=request.user, reissue=params.get("reissue") == "1"
            )
        except ApplicationError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request,
                _("已生成第%(n)d期月报。") % {"n": report.issue_no} if created else _("该月已有月报，未重复生成。"),
            )
        query = urlencode({"month": raw_month, "department": department.code if department else ""})
        return HttpResponseRedirect(f"{reverse('reports-monthly')}?{query}")
    reports = []
    if month is not None:
        stats = monthly_stats(month=month, department=department)
        reports = monthly_reports_visible_to(user=request.user).filter(month=month, department=department)
    choose_department = request.user.has_perm("reports.view_monthly_stats")
    xlsx_query = urlencode({"month": raw_month, **({"department": department.code} if department else {})})
    context = {
        "xlsx_url": f"{reverse('api-stats-monthly-xlsx')}?{xlsx_query}",
        "csv_url": f"{reverse('api-stats-monthly')}?{xlsx_query}&format=csv",
        "month": raw_month,
        "error": error,
        "stats": stats,
        "reports": reports,
        "department": department,
        "departments": Department.objects.filter(is_active=True).order_by("code") if choose_department else [],
        "can_issue": request.user.has_perm("reports.issue_monthly_report") and stats is not None and stats["complete"],
    }
    return render(request, "reports/monthly.html", context, status=400 if error else 200)


_DEADLINE_PAGES = ("due_today", "due_tomorrow", "due_soon", "breached", "paused")


@login_required
def sla_dashboard_page(request):
    """/workbench/dashboard/: the figures of GET /api/v1/stats/sla as cards and ECharts charts; each links to its
    list (the breach page for deadlines, the API list for tasks and decisions)."""
    from apps.casework.selectors import sla_board_department
    from apps.reports.selectors import sla_dashboard

    try:
        department = sla_board_department(user=request.user, department_code=request.GET.get("department"))
    except Department.DoesNotExist:
        raise Http404 from None
    figures = sla_dashboard(user=request.user, department=department, today=clock.today())
    suffix = f"&department={department.code}" if department else ""
    for state in _DEADLINE_PAGES:
        figures[state]["page_url"] = f"{reverse('casework-breaches')}?state={state}{suffix}"
    cards = [
        (_("未办结环节"), figures["open_total"]["count"], figures["open_total"]["list_url"]),
        (_("今日到期"), figures["due_today"]["count"], figures["due_today"]["page_url"]),
        (_("明日到期"), figures["due_tomorrow"]["count"], figures["due_tomorrow"]["page_url"]),
        (_("临期"), figures["due_soon"]["count"], figures["due_soon"]["page_url"]),
        (_("已超期"), figures["breached"]["count"], figures["breached"]["page_url"]),
        (_("已暂停"), figures["paused"]["count"], figures["paused"]["page_url"]),
        (
            _("两书同达未同送"),
            figures["two_documents"]["missing"]["count"],
            figures["two_documents"]["missing"]["list_url"],
        ),
    ]
    chart_data = {
        "steps": [
            {"name": f"{f['title']}·{f['department']['name']}", "value": f["count"], "url": f["list_url"]}
            for f in figures["open_by_step"]
        ],
        "workload": [
            {"name": f.get("name") or str(_("未认领")), "value": f["count"], "url": f["list_url"]}
            for f in figures["workload"]
        ],
        "on_time": [
            {
                "name": m["month"],
                "value": round(m["ratio"] * 100, 1) if m["ratio"] is not None else None,
                "url": m["closed"]["list_url"],
            }
            for m in figures["on_time_by_month"]
        ],
        "labels": {
            "steps": str(_("各环节未办结数")),
            "workload": str(_("人员在办数")),
            "on_time": str(_("按时办结率（%）")),
        },
    }
    departments = Department.objects.filter(is_active=True) if request.user.has_perm("casework.view_slanotice") else []
    return render(
        request,
        "reports/sla_dashboard.html",
        {
            "figures": figures,
            "cards": cards,
            "chart_data": chart_data,
            "departments": departments,
            "department": department,
        },
    )
