"""Pages of repair training: the trainer's workbench (/workbench/training/) and the portal (/portal/training/).
Thin: reads come from the selectors, every change from a service; a refusal is shown with its reason."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core import clock
from apps.core.errors import ApplicationError
from apps.subjects.models import Subject
from apps.subjects.selectors import access_subject_by_uscc, subjects_represented_by
from apps.training.forms import CheckInForm, SessionForm
from apps.training.selectors import (
    access_enrollment_by_id,
    coverage_by_month,
    enrollments_of_user,
    invitation_candidates,
    is_trainer,
    session_list,
    session_view_for,
)
from apps.training.services import (
    SESSION_FIELDS,
    enrollment_cancel,
    enrollment_check_in,
    enrollment_create,
    enrollment_mark_attended,
    session_create,
    session_update,
)


def _refusal(exc: ApplicationError) -> str:
    fields = "；".join("、".join(map(str, v)) if isinstance(v, list) else str(v) for v in exc.fields.values())
    return f"{exc.detail}（{fields}）" if fields and fields not in exc.detail else exc.detail


def _trainer_only(request: HttpRequest) -> None:
    if not is_trainer(request.user):
        raise PermissionDenied


def _session_or_404(request: HttpRequest, session_id: int):
    try:
        return session_view_for(user=request.user, session_id=session_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _enrollment_or_404(request: HttpRequest, enrollment_id: int):
    try:
        return access_enrollment_by_id(user=request.user, enrollment_id=enrollment_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _subject_or_refuse(request: HttpRequest, uscc: str) -> Subject | None:
    try:
        return access_subject_by_uscc(user=request.user, uscc=uscc)
    except Subject.DoesNotExist:
        messages.error(
            request, _("您不是统一社会信用代码为 %(uscc)s 的主体的代理人（或该主体未登记）。") % {"uscc": uscc[:32]}
        )
        return None


# Workbench ---------------------------------------------------------------------------------------------------------


@login_required
def workbench_home(request: HttpRequest) -> HttpResponse:
    _trainer_only(request)
    region = request.GET.get("region", "").strip()
    region = region if region.isdigit() and 2 <= len(region) <= 6 else ""
    months = coverage_by_month(last=clock.today().replace(day=1), region_code=region)
    invitations = invitation_candidates(region_code=region)
    context = {
        "upcoming": session_list(when="upcoming"),
        "past": session_list(when="past")[:20],
        "coverage": months[-1],
        "months": months,
        "invitations": invitations[:100],
        "invitation_count": invitations.count(),
        "region": region,
        "form": SessionForm(),
    }
    return render(request, "training/workbench.html", context)


@login_required
@require_POST
def workbench_session_new(request: HttpRequest) -> HttpResponse:
    _trainer_only(request)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = session_create(acting_user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("已新建培训场次。"))
            return redirect("training-workbench-session", session.pk)
    else:
        messages.error(request, _("场次信息有误，请检查后重新提交。"))
    return render(request, "training/session_form.html", {"form": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def workbench_session(request: HttpRequest, session_id: int) -> HttpResponse:
    _trainer_only(request)
    view = _session_or_404(request, session_id)
    form = SessionForm(instance=view.session)
    if request.method == "POST":
        # The form validates a copy: a refused edit leaves the session as it was; the service saves the change.
        form = SessionForm(request.POST, instance=copy(view.session))
        if form.is_valid():
            changes = {f: form.cleaned_data[f] for f in SESSION_FIELDS if f in form.changed_data}
            try:
                session_update(session=view.session, acting_user=request.user, **changes)
            except ApplicationError as exc:
                messages.error(request, _refusal(exc))
            else:
                messages.success(request, _("已保存场次。"))
                return redirect("training-workbench-session", session_id)
    return render(request, "training/session.html", {"view": view, "form": form})


@login_required
@require_POST
def workbench_enrol(request: HttpRequest, session_id: int) -> HttpResponse:
    _trainer_only(request)
    view = _session_or_404(request, session_id)
    subject = _subject_or_refuse(request, request.POST.get("subject", "").strip())
    if subject is not None:
        try:
            enrollment_create(
                session=view.session,
                subject=subject,
                acting_user=request.user,
                attendee_name=request.POST.get("attendee_name", "")[:100],
            )
        except ApplicationError as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("已为 %(name)s 报名。") % {"name": subject.name})
    return redirect("training-workbench-session", session_id)


@login_required
@require_POST
def workbench_attend(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    _trainer_only(request)
    enrollment = _enrollment_or_404(request, enrollment_id)
    try:
        enrollment_mark_attended(enrollment=enrollment, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("已登记 %(name)s 出席，并出具培训证明。") % {"name": enrollment.subject.name})
    return redirect("training-workbench-session", enrollment.session_id)


# Portal ------------------------------------------------------------------------------------------------------------


def portal_index(request: HttpRequest) -> HttpResponse:
    """Public: the upcoming sessions. A signed-in representative also enrols, checks in and sees its enrollments."""
    user = request.user
    represented = subjects_represented_by(user=user) if user.is_authenticated else Subject.objects.none()
    context = {
        "sessions": session_list(when="upcoming"),
        "represented": list(represented),
        "enrollments": enrollments_of_user(user=user) if user.is_authenticated else [],
        "checkin_form": CheckInForm(),
    }
    return render(request, "training/portal.html", context)


def _own_subject(request: HttpRequest, uscc: str) -> Subject | None:
    subject = subjects_represented_by(user=request.user).filter(uscc=uscc.strip().upper()).first()
    if subject is None:
        messages.error(request, _("您不是该主体的代理人。"))
    return subject


@login_required
@require_POST
def portal_enrol(request: HttpRequest, session_id: int) -> HttpResponse:
    view = _session_or_404(request, session_id)
    subject = _own_subject(request, request.POST.get("subject", ""))
    if subject is not None:
        try:
            enrollment = enrollment_create(
                session=view.session,
                subject=subject,
                acting_user=request.user,
                attendee_name=request.POST.get("attendee_name", "")[:100],
            )
        except ApplicationError as exc:
            messages.error(request, _refusal(exc))
        else:
            if enrollment.status == enrollment.Status.WAITLISTED:
                messages.warning(request, _("本场次名额已满，已为 %(name)s 登记候补。") % {"name": subject.name})
            else:
                messages.success(request, _("已为 %(name)s 报名。") % {"name": subject.name})
    return redirect("training-portal")


@login_required
@require_POST
def portal_cancel(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, enrollment_id)
    try:
        enrollment_cancel(enrollment=enrollment, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("training-portal")


@login_required
@require_POST
def portal_checkin(request: HttpRequest, session_id: int) -> HttpResponse:
    view = _session_or_404(request, session_id)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择主体并填写签到码。"))
        return redirect("training-portal")
    subject = _own_subject(request, form.cleaned_data["subject"])
    if subject is not None:
        try:
            enrollment_check_in(
                session=view.session, subject=subject, code=form.cleaned_data["code"], acting_user=request.user
            )
        except ApplicationError as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("签到成功，培训证明已出具。"))
    return redirect("training-portal")
