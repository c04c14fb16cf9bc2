"""Domain errors. Services raise ApplicationError; the API turns it into a 4xx JSON body."""

from typing import Any


class ApplicationError(Exception):
    """A rule of the domain refused the operation. `code` is stable and machine-readable."""

    status_code = 400

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        fields: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail or code
        self.fields = fields or {}
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(ApplicationError):
    """The object changed under the caller (claimed by someone else, already decided)."""

    status_code = 409
