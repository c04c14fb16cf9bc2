"""The inbox pages: /workbench/notifications/ for staff and /portal/notifications/ for applicants (the same list,
each with its own navigation), mark one or all as read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.requests import AuthenticatedHttpRequest
from apps.notifications.models import Notification
from apps.notifications.selectors import access_notification_by_id, notifications_of, unread_count
from apps.notifications.services import notification_mark_read, notifications_mark_all_read

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
