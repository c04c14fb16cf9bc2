from django.contrib import admin

from apps.decisions.models import DecisionImport, PenaltyDecision


@admin.register(PenaltyDecision)
class PenaltyDecisionAdmin(admin.ModelAdmin):
    list_display = [
        "decision_no",
        "kind",
        "department",
        "subject",
        "decision_date",
        "notice_required",
        "delivered_on",
        "notice_delivered",
    ]
    list_filter = ["kind", "department", "notice_required", "notice_delivered"]
    search_fields = ["decision_no", "subject__uscc", "subject__name"]
    readonly_fields = [f.name for f in PenaltyDecision._meta.fields]

    def has_add_permission(self, request):  # registered through the services (record, notice, audit)
        return False


@admin.register(DecisionImport)
class DecisionImportAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "source",
        "filename",
        "total_rows",
        "created_count",
        "duplicate_count",
        "error_count",
        "created_at",
    ]
    readonly_fields = [f.name for f in DecisionImport._meta.fields]

    def has_add_permission(self, request):
        return False
