"""The officers' credit-check page (/workbench/credit-check/): run a check inside a procedure, read its answer,
feed back the measures applied, and the list of the department's checks. Thin: the services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import ApplicationError
from apps.sanctions.forms import CreditCheckForm, FeedbackForm
from apps.sanctions.models import CreditCheck, MeasureRemoval
from apps.sanctions.selectors import (
    access_credit_check_by_id,
    access_measure_removal_by_id,
    credit_checks_visible_to,
    measure_removals_visible_to,
)
from apps.sanctions.services import credit_check_feedback, credit_check_run, measure_removal_confirm


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
    context = {
        "form": form,
        "can_run": can_run,
        "selected": selected,
        "pending": pending,
        "checks": credit_checks_visible_to(user=user).order_by("-created_at", "-id")[:100],
    }
    return render(request, "sanctions/credit_check.html", context, status=status)


@login_required
def removals_page(request):
    """Departments confirm here that they removed the measures they applied after a check, once their basis ended
    (the credit office sees every department's)."""
    user = request.user
    if not (user.has_perm("sanctions.run_credit_check") or user.has_perm("sanctions.view_creditcheck")):
        raise PermissionDenied
    removals = measure_removals_visible_to(user=user).order_by("status", "-created_at", "-id")[:200]
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
