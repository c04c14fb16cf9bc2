"""Official text is written in the office's language, whatever language the person's screen uses.

Letters, record fields and notices are legal documents kept in Chinese (settings.LANGUAGE_CODE); only what is
shown back to the person (pages, API errors) follows their language. Wrap code that builds persisted text.
"""

from collections.abc import Callable
from functools import cache, wraps
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


def choice_label(instance: Any, field_name: str) -> str:
    """What `instance.get_<field>_display()` gives, in the person's language, for lists of many rows: Django's
    version hashes every choice's lazy label (one translation each) on every call; this translates one."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    labels = _choice_labels(field)
    return str(labels[value]) if value in labels else str(value)


@cache
def _choice_labels(field: Any) -> dict[Any, Any]:
    return dict(field.flatchoices)
