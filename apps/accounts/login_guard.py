"""Login throttling on top of django-axes: the client address axes counts by, when a lockout ends, and what the
token API and the login pages answer while it lasts.

django-axes counts the failures (its AccessAttempt rows, one per username, address and browser) and refuses every
login while LOGIN_FAILURE_LIMIT failures of the username, or of the address, fall within LOGIN_LOCKOUT_MINUTES of
now (settings.AXES_*). When that ends is read from its rows by apps.accounts.selectors.lockout_for.
"""

from datetime import timedelta

from axes.helpers import get_client_username
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from apps.accounts.selectors import Lockout, lockout_for
from apps.core.api import error_body

LOGIN_LOCKED = "login_locked"


def client_ip(request: HttpRequest) -> str:
    """The client's address as every rate limit of the product counts it (REST_FRAMEWORK["NUM_PROXIES"]): the
    connection's address, or X-Forwarded-For read only as deep as the proxies we run in front of us."""
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # it reads request.META only


def lockout_of_request(request: HttpRequest, credentials: dict | None = None) -> Lockout:
    """The lockout axes has just applied to this request (it set request.axes_locked_out)."""
    at = getattr(request, "axes_attempt_time", None) or timezone.now()
    found = lockout_for(username=get_client_username(request, credentials), ip_address=client_ip(request), now=at)
    # axes refused on the same rows a moment ago; should they have expired in between, a minute is a fair answer.
    return found or Lockout(until=at + timedelta(minutes=1))


def locked_api_response(lockout: Lockout) -> JsonResponse:
    seconds = lockout.retry_after()
    response = JsonResponse(
        error_body(LOGIN_LOCKED, lockout.message(), retry_after=seconds),
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(seconds)
    return response


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """settings.AXES_LOCKOUT_CALLABLE: what a login refused by axes answers (429, Retry-After). An API request gets
    the error body; a page (our login page, the admin's) gets the login form again with the time to try again."""
    lockout = lockout_of_request(request, credentials)
    if request.path.startswith("/api/"):
        return locked_api_response(lockout)
    username = get_client_username(request, credentials) or ""
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next", request.GET.get("next", "")),
        "lockout": lockout.message(),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(lockout.retry_after())
    return response
