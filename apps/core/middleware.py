"""JSON bodies and query strings are checked before any view sees them.

NUL characters: PostgreSQL cannot store or even compare text containing NUL (U+0000): a query parameter or a JSON
string with one reached the database and failed there (a 500). Forms and DRF CharFields already refuse NUL; query
parameters read directly and values nested in JSON objects did not. This refuses them all with a 400 naming the
parameter or field. Uploaded files (multipart bodies) are not inspected: binary content legitimately holds NUL bytes.

Nesting: a JSON body nested deeper than MAX_JSON_DEPTH (no request of this product comes near it) is refused with a
400 on every URL; parsing one nested past the interpreter's recursion limit raised RecursionError (a 500). The API's
JSON parser (apps.core.parsers) refuses the same for bodies too large for this scan.
"""

import json
import logging
from typing import Any

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.core.api import error_body
from apps.core.errors import ApplicationError
from apps.core.unavailable import is_database_unavailable, unavailable_response

logger = logging.getLogger(__name__)

NUL = "\x00"
MAX_JSON_SCAN_BYTES = 10 * 1024 * 1024
MAX_JSON_DEPTH = 64


class TooDeep(ValueError):
    """A JSON body nested deeper than MAX_JSON_DEPTH: refused with a 400 naming `body`."""


def _nul_path(value: Any) -> str | None:
    """The dotted path of the first string (or key) holding NUL in a parsed JSON value, else None. Walks without
    recursion; raises TooDeep past MAX_JSON_DEPTH."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise TooDeep(path)
        if isinstance(item, str):
            if NUL in item:
                return path or "body"
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                here = f"{path}.{key}" if path else str(key)
                if NUL in str(key):
                    return here
                children.append((child, here, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item)]))
    return None


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            field = self._offending_field(request)
        except TooDeep:
            message = _("JSON 嵌套不能超过 %(depth)d 层。") % {"depth": MAX_JSON_DEPTH}
            return self._refuse(request, "body", message)
        if field is None:
            return self.get_response(request)
        return self._refuse(request, field, _("不能包含空字符（U+0000）。"))

    @staticmethod
    def _refuse(request, field: str, message: str):
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("invalid", f"{field}: {message}", {field: [message]}), status=400)
        return render(request, "400.html", {"detail": f"{field}: {message}"}, status=400)

    @staticmethod
    def _offending_field(request) -> str | None:
        if NUL in request.path:
            return "path"
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in value for value in values):
                return key.replace(NUL, "") or "query"
        if request.content_type == "application/json" and _content_length(request) <= MAX_JSON_SCAN_BYTES:
            try:
                parsed = json.loads(request.body or b"null")
            except RecursionError:
                raise TooDeep("body") from None
            except (ValueError, UnicodeDecodeError):
                return None  # malformed JSON: the API's parser answers that with its own 400
            found = _nul_path(parsed)
            return found.replace(NUL, "") if found else None
        return None


def _content_length(request) -> int:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else MAX_JSON_SCAN_BYTES + 1


class ApplicationErrorPageMiddleware:
    """A domain or input error (ApplicationError, e.g. apps.core.inputs.InputError) that leaves an HTML view is
    the 4xx page naming the field and reason, not a 500. The API answers these itself (apps.core.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        context = {"detail": exception.detail, "fields": exception.fields}
        return render(request, "400.html", context, status=exception.status_code)


class DatabaseUnavailableMiddleware:
    """A view that met a lost or refused database connection answers 503 with Retry-After, not a 500 traceback
    (apps.core.unavailable says why and where else the same answer is given)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)
