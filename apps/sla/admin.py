"""Administrators maintain the holiday calendar here. Every save goes through apps.sla.services.calendar_changed,
so the working-day index is rebuilt and open deadlines are recomputed in the same transaction."""

from django.contrib import admin
from django.utils import timezone

from apps.sla.models import CalendarDay, CalendarYear, Deadline, DeadlinePause
from apps.sla.services import calendar_changed


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    extra = 0


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "status", "notice", "source", "entered_by", "entered_at")
    list_filter = ("status",)
    readonly_fields = ("entered_by", "entered_at")
    inlines = [CalendarDayInline]

    def save_model(self, request, obj, form, change):
        obj.entered_by, obj.entered_at = request.user, timezone.now()
        if change and not obj.source:
            obj.source = "administrator"
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        calendar_changed(years=[form.instance.year], acting_user=request.user)

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        calendar_changed(years=[year], acting_user=request.user)

    def delete_queryset(self, request, queryset):
        years = list(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        calendar_changed(years=years, acting_user=request.user)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "year")
    list_filter = ("kind", "year")
    date_hierarchy = "date"
    fields = ("year", "date", "kind", "name")

    def save_model(self, request, obj, form, change):
        years = {obj.year_id}
        if change and "year" in form.changed_data:
            years.add(form.initial["year"])
        super().save_model(request, obj, form, change)
        calendar_changed(years=sorted(years), acting_user=request.user)

    def delete_model(self, request, obj):
        year = obj.year_id
        super().delete_model(request, obj)
        calendar_changed(years=[year], acting_user=request.user)

    def delete_queryset(self, request, queryset):
        years = sorted(set(queryset.values_list("year_id", flat=True)))
        super().delete_queryset(request, queryset)
        calendar_changed(years=years, acting_user=request.user)


class DeadlinePauseInline(admin.TabularInline):
    model = DeadlinePause
    fields = ("started_at", "started_on", "ended_at", "ended_on", "working_days", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Read-only: deadlines change only through the services of the case that owns them."""

    list_display = ("id", "owner_type", "owner_id", "purpose", "received_on", "due_date", "status", "provisional")
    list_filter = ("status", "provisional", "owner_type")
    search_fields = ("=owner_id", "purpose")
    inlines = [DeadlinePauseInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
