"""List filters as django-filter FilterSets: one definition of a list's query parameters serves its API (a 400 naming
the field on bad input), the API's OpenAPI parameters, and any plain Django view over the same list (a page, an export
with "the same filters as the page"):

    filterset = RepairFilter(request.GET, queryset=repairs_visible_to(user=request.user))
    rows = filterset.qs if filterset.is_valid() else RepairCase.objects.none()  # errors: filterset.errors

The API reads them with `filter_or_400`. The FilterSet only narrows a queryset it is given: who may see which rows is
the selector's business (`<entity>s_visible_to`), never the filter's.
"""

from typing import Any, ClassVar, TypeVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter
from rest_framework.fields import BooleanField as DrfBooleanField

M = TypeVar("M", bound=Model)


class StrictBooleanField(forms.Field):
    """A yes/no parameter spelled as the API always read it (true/false, 1/0, yes/no, on/off); anything else is an
    error, where django-filter's own boolean would quietly mean "no filter". With `allow_null`, blank or "null"
    means "either"."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("必须是有效的布尔值。")}

    def __init__(self, *, allow_null: bool = False, **kwargs: Any) -> None:
        self.allow_null = allow_null
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values or (self.allow_null and value in DrfBooleanField.NULL_VALUES):
            return None
        if isinstance(value, str) and value.lower() in DrfBooleanField.TRUE_VALUES:
            return True
        if isinstance(value, str) and value.lower() in DrfBooleanField.FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.Filter):
    """A whole number (django-filter's NumberFilter is a decimal)."""

    field_class = forms.IntegerField


class RegexFilter(django_filters.CharFilter):
    field_class = forms.RegexField


class FilterSet(django_filters.FilterSet):
    """An empty parameter is no filter, as a page's form sends it; one of spaces only is refused like any other bad
    value, as the API always did (`?uscc=%20` is a 400), except for a boolean with `allow_null`.

    `schema_defaults` documents what an absent parameter means (OpenAPI `default`); an absent parameter never filters.
    """

    schema_defaults: ClassVar[dict[str, Any]] = {}

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.is_bound:
            for name, filter_ in self.filters.items():
                raw = self.data.get(name) if name in self.data else None
                if not isinstance(raw, str) or not raw or raw.strip() or name in self.form.errors:
                    continue
                if not getattr(filter_.field, "allow_null", False):
                    self.form.add_error(name, ValidationError(_("不能为空。"), code="blank"))
                    valid = False
        return valid


def filter_or_400(filterset_class: type[FilterSet], *, request: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """The list narrowed by the request's query parameters; a bad one is a 400 naming the field."""
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs


def filter_parameters(filterset_class: type[FilterSet]) -> list[OpenApiParameter]:
    """The OpenAPI query parameters of a FilterSet, for `@extend_schema(parameters=...)` on an APIView (drf-spectacular
    reads FilterSets by itself only on generic list views)."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        field = filter_.field
        schema: dict[str, Any] = {"type": "string"}
        help_text = filter_.extra.get("help_text") or ""
        description: Any = help_text
        if isinstance(field, forms.ChoiceField):
            choices = [(value, label) for value, label in field.choices if value != ""]  # type: ignore[union-attr,misc]  # a ChoiceField's choices are a list of pairs here
            schema["enum"] = [value for value, _label in choices]
            template = "\n".join(f"* `{value}` - {{}}" for value, _label in choices)
            labels = [label for _value, label in choices]
            description = (
                format_lazy("{}\n\n" + template, help_text, *labels) if help_text else format_lazy(template, *labels)
            )
        elif isinstance(field, StrictBooleanField):
            schema = {"type": "boolean", "nullable": True} if field.allow_null else {"type": "boolean"}
        elif isinstance(field, forms.IntegerField):
            schema = {"type": "integer", "format": "int64"}
            if field.min_value is not None:
                schema["minimum"] = field.min_value
            if field.max_value is not None:
                schema["maximum"] = field.max_value
        elif isinstance(field, forms.RegexField):
            schema["pattern"] = field.regex.pattern
        elif isinstance(field, forms.CharField) and field.max_length:
            schema["maxLength"] = field.max_length
        if schema["type"] == "string":
            schema["minLength"] = 1  # as the API always described it (an empty value is no filter)
        parameters.append(
            OpenApiParameter(
                name,
                type=schema,
                location=OpenApiParameter.QUERY,
                required=False,
                description=description,
                default=filterset_class.schema_defaults.get(name),
            )
        )
    return parameters
