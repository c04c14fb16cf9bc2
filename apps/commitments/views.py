"""Commitment pages: the public register (/commitments/register/, anyone; the selector decides what is published),
the staff list, recording and fulfilment checks (/workbench/commitments/), and the representative's own commitments
and signing (/portal/commitments/). Thin: services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import Role
from apps.commitments.forms import CheckOutcomeForm, PortalCommitmentForm, StaffCommitmentForm, six_type_choices
from apps.commitments.models import SIX_TYPES, CommitmentType, FulfilmentCheck
from apps.commitments.selectors import (
    REGISTER_TYPES,
    access_fulfilment_check_by_id,
    commitment_audience,
    commitment_public_view,
    commitments_public_register,
    commitments_visible_to,
    fulfilment_checks_due,
    text_versions_in_force,
)
from apps.commitments.services import commitment_record, commitment_record_audience, fulfilment_check_record
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.subjects.selectors import subjects_represented_by


def register_page(request):
    chosen = request.GET.get("type", "")
    chosen = chosen if chosen in REGISTER_TYPES else ""
    query = request.GET.get("q", "")[:100]
    page = Paginator(commitments_public_register(type=chosen, query=query), 50).get_page(request.GET.get("page"))
    context = {
        "rows": [commitment_public_view(c) for c in page],
        "page": page,
        "types": [(t, label) for t, label in CommitmentType.choices if t in REGISTER_TYPES],
        "chosen": chosen,
        "query": query,
    }
    return render(request, "commitments/register.html", context)


def _apply_error(form, exc: ApplicationError) -> None:
    """A service's refusal on the form: on the field it names, else above the form."""
    placed = False
    for field, messages_ in exc.fields.items():
        if field in form.fields:
            for message in messages_ if isinstance(messages_, list) else [messages_]:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


def _staff_or_403(request) -> None:
    if commitment_audience(user=request.user) != "staff":
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def staff_commitments_page(request):
    """Staff: the commitments made to my department (global viewers: all), and recording one signed on paper."""
    _staff_or_403(request)
    may_record = commitment_record_audience(user=request.user) == "staff"
    form, status = StaffCommitmentForm(), 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = StaffCommitmentForm(request.POST)
        if form.is_valid():
            try:
                commitment = commitment_record(acting_user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(
                    request,
                    _("已录入信用承诺（第 %(id)s 号）。") % {"id": commitment.pk},
                )
                return redirect("commitments-staff")
        status = 400
    chosen = request.GET.get("type", "")
    chosen = chosen if chosen in SIX_TYPES else ""
    qs = commitments_visible_to(user=request.user).order_by("-signed_at", "-id")
    if chosen:
        qs = qs.filter(type=chosen)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "may_record": may_record,
        "page": page,
        "types": six_type_choices(),
        "chosen": chosen,
    }
    return render(request, "commitments/staff_list.html", context, status=status)


@login_required
def checks_page(request):
    """Staff: the fulfilment checks due (my department's; global viewers: all), overdue first, with the form to
    record each outcome."""
    _staff_or_403(request)
    today = clock.today()
    checks = list(fulfilment_checks_due(user=request.user)[:200])
    for check in checks:
        check.overdue = check.due_date < today
    may_record = commitment_record_audience(user=request.user) == "staff"
    context = {"checks": checks, "form": CheckOutcomeForm(), "may_record": may_record, "today": today}
    return render(request, "commitments/checks.html", context)


@login_required
@require_POST
def check_record(request, check_id: int):
    _staff_or_403(request)
    try:
        check = access_fulfilment_check_by_id(user=request.user, check_id=check_id)
    except FulfilmentCheck.DoesNotExist:
        raise Http404 from None
    form = CheckOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("核查结果填写有误，请检查后重新提交。"))
        return redirect("commitments-checks")
    try:
        check = fulfilment_check_record(check=check, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        if check.status == FulfilmentCheck.Status.BROKEN:
            messages.success(request, _("已认定违反承诺，并已记入该主体的失信信息。"))
        else:
            messages.success(request, _("已记录核查结果：已履约。"))
    return redirect("commitments-checks")


@login_required
@require_http_methods(["GET", "POST"])
def portal_commitments_page(request):
    """A representative: the commitments of the subjects it represents, and signing one against a matter."""
    subjects = list(subjects_represented_by(user=request.user))
    if not subjects and getattr(request.user, "role", "") != Role.APPLICANT:
        raise PermissionDenied
    form, status = PortalCommitmentForm(subjects=subjects), 200
    if request.method == "POST":
        form = PortalCommitmentForm(request.POST, subjects=subjects)
        if form.is_valid():
            values = dict(form.cleaned_data)
            values.pop("accepted")
            try:
                commitment = commitment_record(acting_user=request.user, **values)
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, _("已签署信用承诺（第 %(id)s 号）。") % {"id": commitment.pk})
                return redirect("commitments-portal")
        status = 400
    context = {
        "form": form,
        "subjects": subjects,
        "commitments": commitments_visible_to(user=request.user).order_by("-signed_at", "-id")[:200],
        "texts": [t for t in text_versions_in_force(on=clock.today()) if t.type in SIX_TYPES],
    }
    return render(request, "commitments/portal.html", context, status=status)
