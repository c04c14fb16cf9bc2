"""Pages of repair training: the trainer's workbench (/workbench/training/) and the portal (/portal/training/).
Thin: reads come from the selectors, every change from a service; a refusal is shown with its reason."""

import re
from copy import copy

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import Department
from apps.accounts.requests import AuthenticatedHttpRequest
from apps.core import clock
from apps.core.errors import ApplicationError
from apps.subjects.models import Subject
from apps.subjects.selectors import access_subject_by_uscc, subjects_represented_by
from apps.training.forms import CheckInForm, SessionForm
from apps.training.selectors import (
    RECORD_KINDS,
    access_enrollment_by_id,
    coverage_by_department,
    coverage_by_month,
    enrollments_of_user,
    invitation_candidates,
    is_trainer,
    session_invitations,
    session_list,
    session_view_for,
)
from apps.training.services import (
    CHECKIN_OPENS_BEFORE,
    SESSION_FIELDS,
    enrollment_cancel,
    enrollment_check_in,
    enrollment_create,
    enrollment_mark_attended,
    invitation_default_text,
    invitation_send,
    session_create,
    session_update,
)

# What may reach a query from a form or the address (anything else, a NUL byte included, is no match).
CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
USCC_SHAPE = re.compile(r"[0-9A-Z]{18}")


def _refusal(exc: ApplicationError) -> str:
    fields = "；".join("、".join(map(str, v)) if isinstance(v, list) else str(v) for v in exc.fields.values())
    return f"{exc.detail}（{fields}）" if fields and fields not in exc.detail else exc.detail


def _trainer_only(request: AuthenticatedHttpRequest) -> None:
    if not is_trainer(request.user):
        raise PermissionDenied


def _session_or_404(request: AuthenticatedHttpRequest, session_id: int):
    try:
        return session_view_for(user=request.user, session_id=session_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _enrollment_or_404(request: AuthenticatedHttpRequest, enrollment_id: int):
    try:
        return access_enrollment_by_id(user=request.user, enrollment_id=enrollment_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _subject_or_refuse(request: AuthenticatedHttpRequest, uscc: str) -> Subject | None:
    try:
        return access_subject_by_uscc(user=request.user, uscc=uscc)
    except Subject.DoesNotExist:
        messages.error(
            request, _("您不是统一社会信用代码为 %(uscc)s 的主体的代理人（或该主体未登记）。") % {"uscc": uscc[:32]}
        )
        return None


# Workbench ---------------------------------------------------------------------------------------------------------


def _invitation_filters(request: HttpRequest) -> dict:
    """The who-to-invite filters of the workbench; a value that is not one of the choices is ignored."""
    region = request.GET.get("region", "").strip()
    department = request.GET.get("department", "").strip()
    record_kind = request.GET.get("record_kind", "").strip()
    return {
        "region_code": region if region.isdigit() and 2 <= len(region) <= 6 else "",
        "department": Department.objects.filter(code=department).first() if CODE.fullmatch(department) else None,
        "record_kind": record_kind if record_kind in dict(RECORD_KINDS) else "",
    }


def _chart_data(months) -> dict:
    return {
        "months": [f"{m.month.year}年{m.month.month}月" for m in months],
        "trained": [m.numerator for m in months],
        "population": [m.denominator for m in months],
        "ratio": [None if m.ratio is None else round(m.ratio * 100, 1) for m in months],
        "target": None if months[-1].target is None else round(months[-1].target * 100, 1),
        "labels": {
            "trained": _("已参加培训"),
            "population": _("名单内在营主体"),
            "ratio": _("覆盖率（%）"),
            "target": _("目标"),
            "count": _("户数"),
        },
    }


@login_required
def workbench_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _trainer_only(request)
    filters = _invitation_filters(request)
    region = filters["region_code"]
    months = coverage_by_month(last=clock.today().replace(day=1), region_code=region)
    invitations = invitation_candidates(**filters)
    coverage = months[-1]
    query = f"month={coverage.month:%Y-%m}" + (f"&region={region}" if region else "")
    context = {
        "upcoming": session_list(when="upcoming"),
        "past": session_list(when="past")[:20],
        "coverage": coverage,
        "months": months,
        "chart_data": _chart_data(months),
        "by_department": coverage_by_department(month=coverage.month, region_code=region)[1:],
        "target_label": "—" if coverage.target is None else f"{coverage.target * 100:g}%",
        "export_query": query,
        "invitations": invitations[:100],
        "invitation_count": invitations.count(),
        "region": region,
        "filters": filters,
        "departments": Department.objects.order_by("code"),
        "record_kinds": RECORD_KINDS,
        "invite_sessions": session_list(when="upcoming", now=timezone.now()),
        "form": SessionForm(),
    }
    return render(request, "training/workbench.html", context)


@login_required
@require_POST
def workbench_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Invite the ticked subjects to a session; the refusal (nothing ticked, all invited already...) is shown."""
    _trainer_only(request)
    session_id = request.POST.get("session", "")
    try:
        view = session_view_for(user=request.user, session_id=int(session_id))
    except (ValueError, ObjectDoesNotExist):
        messages.error(request, _("请选择要邀请参加的场次。"))
        return redirect("training-workbench")
    codes = [code.strip().upper() for code in request.POST.getlist("subjects")]
    codes = [code for code in codes if USCC_SHAPE.fullmatch(code)]
    subjects = list(Subject.objects.filter(uscc__in=codes))
    try:
        sent = invitation_send(
            session=view.session, subjects=subjects, text=request.POST.get("text", ""), acting_user=request.user
        )
    except ApplicationError as exc:
        messages.error(request, _refusal(exc))
        return redirect("training-workbench")
    messages.success(
        request,
        _("已向 %(n)d 户主体发出“%(topic)s”的培训邀请（站内消息，并按各代理人的设置发送邮件或短信）。")
        % {"n": len(sent), "topic": view.session.topic},
    )
    return redirect("training-workbench-session", view.session.pk)


@login_required
@require_POST
def workbench_session_new(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def workbench_session(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
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
    context = {
        "view": view,
        "form": form,
        "invitations": session_invitations(session=view.session),
        "default_text": invitation_default_text(view.session),
    }
    return render(request, "training/session.html", context)


def _checkin_window(session, now=None) -> str:
    """open, not_open or ended: whether the code (and its QR) is accepted now."""
    now = now or timezone.now()
    if now < session.starts_at - CHECKIN_OPENS_BEFORE:
        return "not_open"
    return "ended" if now > session.ends_at else "open"


@login_required
def workbench_qr(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The page the coordinator shows at the session: the check-in code and a QR code of the check-in address."""
    _trainer_only(request)
    view = _session_or_404(request, session_id)
    url = (
        settings.PUBLIC_BASE_URL + reverse("training-portal-qr-checkin", args=[view.pk]) + f"?code={view.checkin_code}"
    )
    context = {
        "view": view,
        "qr_svg": segno.make_qr(url, error="m").svg_inline(scale=8, border=2),
        "checkin_url": url,
        "window": _checkin_window(view.session),
        "opens_at": view.starts_at - CHECKIN_OPENS_BEFORE,
    }
    return render(request, "training/qr.html", context)


@login_required
@require_POST
def workbench_enrol(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
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
def workbench_attend(request: AuthenticatedHttpRequest, enrollment_id: int) -> HttpResponse:
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


def _own_subject(request: AuthenticatedHttpRequest, uscc: str) -> Subject | None:
    subject = subjects_represented_by(user=request.user).filter(uscc=uscc.strip().upper()).first()
    if subject is None:
        messages.error(request, _("您不是该主体的代理人。"))
    return subject


@login_required
@require_POST
def portal_enrol(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
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
def portal_cancel(request: AuthenticatedHttpRequest, enrollment_id: int) -> HttpResponse:
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
def portal_checkin(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
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


@login_required
@require_http_methods(["GET", "POST"])
def portal_qr_checkin(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """Where the QR shown at the session leads: the representative picks the enterprise it attends for and checks
    in with the code the QR carries. A refusal is shown on the page with its reason and a 4xx status."""
    view = _session_or_404(request, session_id)
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()[:16]
    mine = [e for e in enrollments_of_user(user=request.user).filter(session_id=view.pk)]
    status, error = 200, ""
    if request.method == "POST":
        uscc = request.POST.get("subject", "").strip().upper()
        subject = (
            subjects_represented_by(user=request.user).filter(uscc=uscc).first() if USCC_SHAPE.fullmatch(uscc) else None
        )
        if subject is None:
            status, error = 403, _("您不是该主体的代理人，不能为其签到。")
        elif not code:
            status, error = 400, _("缺少签到码，请重新扫描现场二维码或输入签到码。")
        else:
            try:
                enrollment_check_in(session=view.session, subject=subject, code=code, acting_user=request.user)
            except ApplicationError as exc:
                status, error = exc.status_code, _refusal(exc)
            else:
                messages.success(request, _("%(name)s 签到成功，培训证明已出具。") % {"name": subject.name})
                return redirect("training-portal")
    context = {
        "view": view,
        "code": code,
        "enrollments": mine,
        "error": error,
        "window": _checkin_window(view.session),
        "opens_at": view.starts_at - CHECKIN_OPENS_BEFORE,
    }
    return render(request, "training/qr_checkin.html", context, status=status)
