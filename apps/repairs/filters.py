"""The query parameters of the repair lists (API, pages, exports): see apps.core.filters."""

import django_filters
from django.db.models import QuerySet

from apps.core.filters import FilterSet

from .models import RepairCase, SanctionLift


class RepairFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=RepairCase.Status.choices)
    uscc = django_filters.CharFilter(method="filter_uscc", max_length=18)

    class Meta:
        model = RepairCase
        fields: list[str] = []

    def filter_uscc(self, queryset: QuerySet[RepairCase], name: str, value: str) -> QuerySet[RepairCase]:
        return queryset.filter(subject__uscc=value.upper())


class SanctionLiftFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=SanctionLift.Status.choices)

    class Meta:
        model = SanctionLift
        fields: list[str] = []
