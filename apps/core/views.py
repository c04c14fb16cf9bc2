import sys

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from apps.core.unavailable import is_database_unavailable, unavailable_response


def home(request):
    return render(request, "core/home.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request) -> HttpResponse:
    """handler500. Django calls it inside its `except` block, so the exception is at hand: a lost database
    connection that surfaced in a middleware (the session, the user) is the 503 with Retry-After, anything else the
    500 page."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request)
