"""The inbox pages: /workbench/notifications/ for staff and /portal/notifications/ for applicants (the same list,
each with its own navigation), mark one or all as read; and each person's delivery preferences
(…/notifications/preferences/), saved through the same service as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.requests import AuthenticatedHttpRequest
from apps.core.errors import ApplicationError
from apps.notifications.forms import PreferenceForm
from apps.notifications.models import Kind, Notification
from apps.notifications.selectors import access_notification_by_id, notifications_of, unread_count
from apps.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_of,
    preference_update,
)

STAFF, PORTAL = "workbench", "portal"


def _check_area(request: AuthenticatedHttpRequest, area: str) -> None:
    if area == STAFF and not request.user.has_perm("casework.use_workbench"):
        raise PermissionDenied


@login_required
def inbox(request: AuthenticatedHttpRequest, area: str) -> HttpResponse:
    _check_area(request, area)
    page = Paginator(notifications_of(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "area": area, "unread": unread_count(user=request.user)},
    )


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, area: str, notification_id: int) -> HttpResponse:
    _check_area(request, area)
    try:
        notification = access_notification_by_id(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    notification_mark_read(notification=notification)
    return redirect(f"notifications-{area}")


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest, area: str) -> HttpResponse:
    _check_area(request, area)
    marked = notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条消息标为已读。") % {"n": marked})
    return redirect(f"notifications-{area}")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest, area: str) -> HttpResponse:
    """Which channels beyond the inbox (e-mail, SMS) and for which kinds of event. A refusal of the service (SMS
    without a phone number) is shown on the field it concerns."""
    _check_area(request, area)
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                preference_update(user=request.user, **form.preference_values())
            except ApplicationError as exc:
                for field, reasons in (exc.fields or {"": [exc.detail]}).items():
                    for reason in reasons:
                        form.add_error(PreferenceForm.SERVICE_FIELDS.get(field), str(reason))
            else:
                messages.success(request, _("通知设置已保存。"))
                return redirect(f"notifications-{area}-preferences")
        status = 400
    else:
        form = PreferenceForm(initial=PreferenceForm.initial_of(preference_of(request.user)))
    checked = set(form["delivered_kinds"].value() or [])
    context = {
        "form": form,
        "area": area,
        "kinds": [(value, label, value in checked) for value, label in Kind.choices],
    }
    return render(request, "notifications/preferences.html", context, status=status)
