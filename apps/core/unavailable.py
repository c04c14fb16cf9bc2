"""The database blinked: a request that meets a lost or refused PostgreSQL connection answers 503 with a retry hint.

When PostgreSQL restarts (a failover, an upgrade, `pg_ctl restart`) every open connection breaks and new ones are
refused for a few seconds. Django raises `OperationalError` (or `InterfaceError` on a connection already closed);
left alone that is a 500 with a traceback page. Here it is a 503 with `Retry-After` and a Chinese body (JSON under
/api/, a page otherwise) saying that nothing was saved: every write of this product runs in one transaction, so a
broken connection rolls the whole change back (`manage.py check_consistency` verifies that afterwards).

Recovery needs no restart of the application: Django marks a connection that raised as having errors and closes it
at the end of the request when it is no longer usable, and `CONN_HEALTH_CHECKS` (settings) tests a persistent
connection before the first query of the next request, so the next request opens a fresh one.

Three entry points answer it, because the error can surface in three places: DRF's exception handler
(apps.core.api, an API view), `DatabaseUnavailableMiddleware.process_exception` (any other view), and
`apps.core.views.server_error` (handler500: the error surfaced in a middleware, e.g. the session or the user).
The page is rendered without the request context: base.html would read the user and the menu from the database.
"""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

DATABASE_UNAVAILABLE = "database_unavailable"


def retry_after_seconds() -> int:
    return int(getattr(settings, "DATABASE_UNAVAILABLE_RETRY_AFTER", 5))


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Did the database connection fail (lost, refused, closed), as opposed to a query the database refused?
    Integrity and data errors are DatabaseError subclasses too but are not OperationalError/InterfaceError."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_detail() -> str:
    return _("数据库暂时无法连接，您的操作没有保存。请在 %(seconds)d 秒后重试。") % {"seconds": retry_after_seconds()}


def unavailable_body() -> dict[str, object]:
    return {
        "error": DATABASE_UNAVAILABLE,
        "detail": unavailable_detail(),
        "fields": {},
        "retry_after": retry_after_seconds(),
    }


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, the standalone 503 page otherwise."""
    seconds = retry_after_seconds()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(unavailable_body(), status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": seconds}), status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response
