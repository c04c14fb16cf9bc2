"""The query parameters of the SLA notice list (API, pages, exports): see apps.core.filters. The task queues are not
here: which tasks a queue holds is an access rule (apps.casework.selectors), not a filter."""

import django_filters

from apps.core.filters import BooleanFilter, FilterSet

from .models import SlaNotice


class NoticeFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=SlaNotice.Kind.choices)
    open = BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", allow_null=True)

    class Meta:
        model = SlaNotice
        fields: list[str] = []
