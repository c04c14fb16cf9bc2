"""Requests carrying NUL characters are refused before any view sees them.

PostgreSQL cannot store or even compare text containing NUL (U+0000): a query parameter or a JSON string with one
reached the database and failed there (a 500). Forms and DRF CharFields already refuse NUL; query parameters read
directly and values nested in JSON objects did not. This refuses them all with a 400 naming the parameter or field.
Uploaded files (multipart bodies) are not inspected: binary content legitimately holds NUL bytes.
"""

import json
from typing import Any

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from apps.core.api import error_body

NUL = "\x00"
MAX_JSON_SCAN_BYTES = 10 * 1024 * 1024


def _nul_path(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (or key) holding NUL in a parsed JSON value, else None."""
    if isinstance(value, str):
        return path or "body" if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here
            found = _nul_path(item, here)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._offending_field(request)
        if field is None:
            return self.get_response(request)
        message = _("不能包含空字符（U+0000）。")
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("invalid", f"{field}: {message}", {field: [message]}), status=400)
        return HttpResponseBadRequest(f"{field}: {message}".encode(), content_type="text/plain; charset=utf-8")

    @staticmethod
    def _offending_field(request) -> str | None:
        if NUL in request.path:
            return "path"
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in value for value in values):
                return key.replace(NUL, "") or "query"
        if request.content_type == "application/json" and int(request.META.get("CONTENT_LENGTH") or 0) <= (
            MAX_JSON_SCAN_BYTES
        ):
            try:
                parsed = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return None  # malformed JSON: the API's parser answers that with its own 400
            found = _nul_path(parsed)
            return found.replace(NUL, "") if found else None
        return None
