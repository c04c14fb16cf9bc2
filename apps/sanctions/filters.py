"""The query parameters of the credit-check list (API, page, exports): see apps.core.filters. Who sees which checks
is apps.sanctions.selectors.credit_checks_visible_to's business: a department code here only narrows that."""

from datetime import date, datetime, time, timedelta

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.core.filters import FilterSet

from .models import CreditCheck, MatterType


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class CreditCheckFilter(FilterSet):
    uscc = django_filters.CharFilter(method="filter_uscc", max_length=18, label=_("统一社会信用代码"))
    matter_type = django_filters.ChoiceFilter(choices=MatterType.choices, label=_("事项类型"))
    department = django_filters.CharFilter(
        method="filter_department", max_length=32, label=_("核查部门"), help_text="department code"
    )
    checked_from = django_filters.DateFilter(
        method="filter_checked_from", label=_("核查日期自"), help_text="YYYY-MM-DD, inclusive (Asia/Shanghai)"
    )
    checked_to = django_filters.DateFilter(
        method="filter_checked_to", label=_("核查日期至"), help_text="YYYY-MM-DD, inclusive (Asia/Shanghai)"
    )

    class Meta:
        model = CreditCheck
        fields: list[str] = []

    def is_valid(self) -> bool:
        valid = super().is_valid()
        data = getattr(self.form, "cleaned_data", {})
        start, end = data.get("checked_from"), data.get("checked_to")
        if valid and start and end and end < start:
            self.form.add_error("checked_to", _("结束日期不能早于开始日期。"))
            return False
        code = data.get("department")
        if valid and code and not Department.objects.filter(code=code).exists():
            self.form.add_error("department", _("没有这个部门。"))
            return False
        return valid

    def filter_uscc(self, queryset: QuerySet[CreditCheck], name: str, value: str) -> QuerySet[CreditCheck]:
        return queryset.filter(uscc=value.strip().upper())

    def filter_department(self, queryset: QuerySet[CreditCheck], name: str, value: str) -> QuerySet[CreditCheck]:
        return queryset.filter(department__code=value)

    def filter_checked_from(self, queryset: QuerySet[CreditCheck], name: str, value: date) -> QuerySet[CreditCheck]:
        if value <= date.min + timedelta(days=1):  # 0001-01-01 in Asia/Shanghai is before the first UTC moment
            return queryset
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_checked_to(self, queryset: QuerySet[CreditCheck], name: str, value: date) -> QuerySet[CreditCheck]:
        if value >= date.max - timedelta(days=1):  # 9999-12-31: no day after it, and no check either
            return queryset
        return queryset.filter(created_at__lt=_start_of(value + timedelta(days=1)))
