"""The query parameters of the objection list (API, pages, exports): see apps.core.filters."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet, IntegerFilter
from apps.core.inputs import ID_MAX

from .models import OPEN_STATUSES, Objection

OPEN = "open"


class ObjectionFilter(FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, _("处理中")), *Objection.Status.choices], method="filter_status"
    )
    record = IntegerFilter(field_name="record_id", min_value=1, max_value=ID_MAX)

    schema_defaults = {"status": ""}

    class Meta:
        model = Objection
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet[Objection], name: str, value: str) -> QuerySet[Objection]:
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)
