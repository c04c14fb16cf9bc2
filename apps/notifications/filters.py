"""The query parameters of the inbox (API, pages): see apps.core.filters."""

from django.db.models import QuerySet

from apps.core.filters import BooleanFilter, FilterSet

from .models import Notification


class NotificationFilter(FilterSet):
    unread = BooleanFilter(method="filter_unread")

    schema_defaults = {"unread": False}

    class Meta:
        model = Notification
        fields: list[str] = []

    def filter_unread(self, queryset: QuerySet[Notification], name: str, value: bool) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=True) if value else queryset
