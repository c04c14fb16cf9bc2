"""API plumbing shared by every app: one error shape, pagination."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ApplicationError
from apps.core.inputs import ID_MAX  # noqa: F401  (the largest id a column holds; re-exported for max_value)
from apps.core.unavailable import is_database_unavailable, retry_after_seconds, unavailable_body


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat = [_flatten(item) for item in detail]
        return [item for sub in flat for item in (sub if isinstance(sub, list) else [sub])]
    return str(detail)


def error_body(code: str, detail: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": code, "detail": detail, "fields": fields or {}, **extra}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error leaves as {"error", "detail", "fields"} with a 4xx status; a lost database connection as a 503
    with Retry-After (apps.core.unavailable)."""
    if is_database_unavailable(exc):
        headers = {"Retry-After": str(retry_after_seconds()), "Cache-Control": "no-store"}
        return Response(unavailable_body(), status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.detail, exc.fields, **exc.extra), status=exc.status_code)
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return Response(error_body("not_found", "未找到该对象。"), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", "输入有误。", _flatten(fields)), status=400)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _flatten(detail)
        first = next(iter(fields.items()), ("", [""]))
        message = f"{first[0]}: {first[1][0] if isinstance(first[1], list) and first[1] else first[1]}"
        response.data = error_body("invalid", message, fields)
    else:
        code = getattr(exc, "default_code", "error")
        response.data = error_body(code, str(getattr(exc, "detail", exc)))
    return response


def api_not_found(request, exception=None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "没有这个接口。"), status=404)
