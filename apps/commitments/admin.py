from django.contrib import admin

from apps.commitments.models import Commitment, CommitmentTextVersion


@admin.register(CommitmentTextVersion)
class CommitmentTextVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "type", "title", "effective_from", "effective_to", "violation_severity"]
    list_filter = ["type"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    """Read-only: commitments change only through the services."""

    list_display = ["id", "type", "subject", "signer_name", "signed_at", "fulfilment_status"]
    list_filter = ["type", "fulfilment_status"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
