"""Official text is written in the office's language, whatever language the person's screen uses.

Letters, record fields and notices are legal documents kept in Chinese (settings.LANGUAGE_CODE); only what is
shown back to the person (pages, API errors) follows their language. Wrap code that builds persisted text.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.utils import translation

F = TypeVar("F", bound=Callable[..., Any])


def office_language() -> translation.override:
    return translation.override(settings.LANGUAGE_CODE)


def in_office_language(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with office_language():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
