from django.contrib import admin

from apps.rules.models import Rule


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "value",
        "record_kind",
        "severity",
        "sector",
        "region_code",
        "effective_from",
        "effective_to",
        "source",
    ]
    list_filter = ["code", "sector"]
    search_fields = ["source", "note"]
