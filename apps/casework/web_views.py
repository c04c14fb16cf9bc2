"""Plain pages of the workbench that are not a Viewflow view."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from apps.casework.selectors import notices_visible_to


def notices(request):
    """Due-soon notices and breach escalations the user may see (monitors: all departments)."""
    if not request.user.has_perm("casework.use_workbench"):
        raise PermissionDenied
    return render(request, "casework/notices.html", {"notices": notices_visible_to(user=request.user)[:200]})
