from django.contrib import admin

from apps.letters.models import Letter, LetterBatch, LetterBundle, LetterBundlePart, Letterhead, LetterTemplate


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "title", "effective_from", "is_active", "body_path"]
    list_filter = ["code", "is_active"]


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "code",
        "title",
        "recipient_name",
        "recipient_uscc",
        "status",
        "verification_code",
        "rendered_at",
    ]
    list_filter = ["code", "status"]
    search_fields = ["verification_code", "recipient_uscc", "recipient_name"]
    readonly_fields = [f.name for f in Letter._meta.fields]

    def has_add_permission(self, request):  # letters are created by the services, never by hand
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LetterBatch)
class LetterBatchAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "total", "done", "failed", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in LetterBatch._meta.fields]


class LetterBundlePartInline(admin.TabularInline):
    model = LetterBundlePart
    readonly_fields = ("position", "title", "letter")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LetterBundle)
class LetterBundleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "page_count", "owner_type", "owner_id", "created_at"]
    search_fields = ["sha256", "title"]
    readonly_fields = [f.name for f in LetterBundle._meta.fields]
    inlines = [LetterBundlePartInline]

    def has_add_permission(self, request):  # registered by the services when a bundle is built
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    """The 机关代字 and red header text of a department's documents (docs/letters.md, "Official form")."""

    list_display = ["department", "abbreviation", "header"]
    search_fields = ["department__name", "abbreviation"]
