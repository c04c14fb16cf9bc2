"""The query parameters of the subject list (API, the counter's search, exports): see apps.core.filters."""

import django_filters
from django.db.models import Q, QuerySet

from apps.core.filters import BooleanFilter, FilterSet, RegexFilter

from .models import Subject


class SubjectFilter(FilterSet):
    """Over `subject_list(user=...)`, whose `list_entries` annotation `on_list` reads."""

    search = django_filters.CharFilter(method="filter_search", max_length=100)
    region_code = RegexFilter(regex=r"^\d{2,6}$", field_name="region_code", lookup_expr="startswith")
    on_list = BooleanFilter(method="filter_on_list", allow_null=True)

    schema_defaults = {"search": "", "region_code": ""}

    class Meta:
        model = Subject
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Subject], name: str, value: str) -> QuerySet[Subject]:
        """A name fragment, or the start of the unified social credit code."""
        return queryset.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper()))

    def filter_on_list(self, queryset: QuerySet[Subject], name: str, value: bool) -> QuerySet[Subject]:
        return queryset.filter(list_entries__gt=0) if value else queryset.filter(list_entries=0)  # type: ignore[misc]  # `list_entries` is annotated by subject_list
