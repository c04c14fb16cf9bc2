from django.contrib import admin

from apps.sanctions.models import CheckFeedback, CreditCheck, Measure


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    """Administrators maintain the lists: a change in force from a date is a new row with the same code."""

    list_display = ["code", "source_list", "title", "region_code", "effective_from", "effective_to"]
    list_filter = ["source_list"]
    search_fields = ["code", "title", "legal_basis"]

    def has_delete_permission(self, request, obj=None):
        # A measure a check offered stays: end it with effective_to instead.
        if obj is not None and obj.checks.exists():
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Checks and feedback are written only through the services (each with its audit row)."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditCheck)
class CreditCheckAdmin(ReadOnlyAdmin):
    list_display = ["id", "uscc", "matter_type", "matter_reference", "department", "on_serious_list", "created_at"]
    list_filter = ["matter_type", "department", "on_serious_list"]
    search_fields = ["uscc", "matter_reference"]


@admin.register(CheckFeedback)
class CheckFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["id", "credit_check", "measure", "applied", "given_by", "created_at"]
    list_filter = ["applied"]
