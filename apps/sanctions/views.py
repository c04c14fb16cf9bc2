"""The officers' credit-check page (/workbench/credit-check/): run a check inside a procedure, read its answer,
feed back the measures applied, and the list of the department's checks. Thin: the services decide."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import Department
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.core.exports import export_links
from apps.core.models import normalise_data
from apps.sanctions.exports import case_report_xlsx
from apps.sanctions.filters import CreditCheckFilter
from apps.sanctions.forms import CreditCheckForm, FeedbackForm
from apps.sanctions.models import CreditCheck, MatterType, MeasureRemoval
from apps.sanctions.selectors import (
    MonthInvalid,
    access_credit_check_by_id,
    access_measure_removal_by_id,
    case_report_department_for,
    case_report_departments,
    case_report_due_date,
    case_report_figures,
    case_reports_visible_to,
    credit_checks_visible_to,
    measure_removals_visible_to,
    month_is_over,
    month_parse,
)
from apps.sanctions.services import (
    case_report_submit,
    credit_check_feedback,
    credit_check_run,
    measure_removal_confirm,
)


def _check_or_404(request, raw_id, *, for_feedback: bool = False) -> CreditCheck:
    try:
        return access_credit_check_by_id(user=request.user, check_id=int(raw_id), for_feedback=for_feedback)
    except (TypeError, ValueError, CreditCheck.DoesNotExist):
        raise Http404 from None


def _redirect(check: CreditCheck) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('sanctions-credit-check')}?check={check.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def credit_check_page(request):
    user = request.user
    can_run = user.has_perm("sanctions.run_credit_check") and user.department_id is not None
    if not (can_run or user.has_perm("sanctions.view_creditcheck")):
        raise PermissionDenied
    form, status = CreditCheckForm(), 200
    if request.method == "POST" and request.POST.get("action") == "feedback":
        check = _check_or_404(request, request.POST.get("check"), for_feedback=True)
        feedback = FeedbackForm(request.POST)
        if feedback.is_valid():
            try:
                credit_check_feedback(
                    credit_check=check,
                    measure_id=feedback.cleaned_data["measure"],
                    applied=feedback.cleaned_data["applied"],
                    note=feedback.cleaned_data["note"],
                    acting_user=user,
                )
            except ApplicationError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("已反馈措施实施情况。"))
        else:
            messages.error(request, _("反馈内容有误，请检查后重新提交。"))
        return _redirect(check)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        form = CreditCheckForm(request.POST)
        if form.is_valid():
            try:
                check = credit_check_run(acting_user=user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.detail)
            else:
                return _redirect(check)
        status = 400
    selected = _check_or_404(request, request.GET["check"]) if request.GET.get("check") else None
    pending = []
    if selected is not None:
        given = {f.measure_id for f in selected.feedback.all()}
        may_feed_back = can_run and selected.department_id == user.department_id
        pending = [m for m in selected.answer.get("measures", []) if m["id"] not in given] if may_feed_back else []
    # The list below: the API list's filters (GET /api/v1/credit-checks), and its files with the same filters.
    filters = CreditCheckFilter(request.GET, queryset=credit_checks_visible_to(user=user))
    checks = list(filters.qs.order_by("-created_at", "-id")[:100]) if filters.is_valid() else []
    params = {name: request.GET.get(name, "").strip() for name in CreditCheckFilter.base_filters}
    office = user.has_perm("sanctions.view_creditcheck")
    if filters.errors and status == 200:
        status = 400
    context = {
        "form": form,
        "can_run": can_run,
        "selected": selected,
        "pending": pending,
        "checks": checks,
        "filters": filters,
        "params": params,
        "filter_errors": filters.errors,
        "matter_types": MatterType.choices,
        "departments": Department.objects.filter(is_active=True).order_by("code") if office else [],
        "export_links": export_links(reverse("api-credit-checks"), params) if checks else [],
    }
    return render(request, "sanctions/credit_check.html", context, status=status)


@login_required
def removals_page(request):
    """Departments confirm here that they removed the measures they applied after a check, once their basis ended
    (the credit office sees every department's)."""
    user = request.user
    if not (user.has_perm("sanctions.run_credit_check") or user.has_perm("sanctions.view_creditcheck")):
        raise PermissionDenied
    removals = list(measure_removals_visible_to(user=user).order_by("status", "-created_at", "-id")[:200])
    today = clock.today()
    for removal in removals:
        removal.overdue = removal.overdue_on(today)
    context = {"removals": removals, "pending": MeasureRemoval.Status.PENDING, "my_department": user.department_id}
    return render(request, "sanctions/removals.html", context)


@login_required
@require_POST
def removal_confirm(request, removal_id: int):
    try:
        removal = access_measure_removal_by_id(user=request.user, removal_id=removal_id)
    except MeasureRemoval.DoesNotExist:
        raise Http404 from None
    try:
        measure_removal_confirm(removal=removal, acting_user=request.user, note=request.POST.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("已确认解除惩戒措施。"))
    return redirect("sanctions-removals")


def _last_month() -> str:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _report_scope(request, params) -> tuple[Department | None, date | None, str]:
    user = request.user
    if not (user.has_perm("sanctions.run_credit_check") or user.has_perm("sanctions.view_creditcheck")):
        raise PermissionDenied
    code = params.get("department", "")
    department = None
    if code or (user.department_id and user.has_perm("sanctions.run_credit_check")):
        try:
            department = case_report_department_for(user=user, department_code=code)
        except Department.DoesNotExist:
            raise Http404 from None
    try:
        month, error = month_parse(params.get("month") or _last_month()), ""
    except MonthInvalid as exc:
        month, error = None, str(exc)
    return department, month, error


@login_required
@require_http_methods(["GET", "POST"])
def case_reports_page(request):
    """The monthly joint-sanction case report: a department reads its month and submits it (the PDF letter is made
    then); the credit office sees which departments reported, late or not at all, and reads each."""
    params = request.POST if request.method == "POST" else request.GET
    department, month, error = _report_scope(request, params)
    if request.method == "POST":
        if department is None or month is None:
            raise Http404
        try:
            case_report_submit(department=department, month=month, acting_user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("案例月报已报送信用办。"))
        query = urlencode({"month": f"{month:%Y-%m}", "department": department.code})
        return HttpResponseRedirect(f"{reverse('sanctions-case-reports')}?{query}")
    context: dict = {"month": params.get("month") or _last_month(), "error": error, "department": department}
    if month is not None:
        today = timezone.localdate()
        reports = {r.department_id: r for r in case_reports_visible_to(user=request.user).filter(month=month)}
        context["due_date"] = case_report_due_date(month)
        context["overdue"] = today > context["due_date"]
        context["over"] = month_is_over(month, today=today)
        if request.user.has_perm("sanctions.view_creditcheck"):
            context["departments"] = [(d, reports.get(d.pk)) for d in case_report_departments()]
        if department is not None:
            report = reports.get(department.pk)
            context["report"] = report
            context["figures"] = report.figures if report else case_report_figures(department=department, month=month)
            context["can_submit"] = (
                report is None
                and context["over"]
                and request.user.department_id == department.pk
                and request.user.has_perm("sanctions.run_credit_check")
            )
    return render(request, "sanctions/case_reports.html", context, status=400 if error else 200)


@login_required
def case_report_xlsx_download(request):
    department, month, error = _report_scope(request, request.GET)
    if department is None or month is None:
        raise Http404
    report = case_reports_visible_to(user=request.user).filter(department=department, month=month).first()
    figures = report.figures if report else normalise_data(case_report_figures(department=department, month=month))
    response = HttpResponse(
        case_report_xlsx(figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="case-report-{department.code}-{month:%Y-%m}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
