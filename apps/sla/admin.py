"""Administrators maintain the holiday calendar here, one day or one year's status at a time, through the sla
services (never a raw save): the rest of the year is kept, the working-day index is rebuilt and open deadlines are
recomputed in the same transaction. Every change first shows how many open deadlines it would move and is saved
only when the administrator saves again (the number carried in a hidden field must still be right)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.sla.models import CalendarDay, CalendarYear, Deadline, DeadlinePause
from apps.sla.services import CalendarChange, calendar_day_remove, calendar_day_set, calendar_year_mark


class _ConfirmMovedForm(forms.ModelForm):
    """A form whose save is confirmed: the first save previews the change (dry run) and shows the number of open
    deadlines it would move; the second save, carrying that number, is the one that counts. A subclass says in
    `preview(cleaned)` which service previews its change."""

    confirm_moved = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            change = self.preview(cleaned)
        except ApplicationError as error:
            for field, problems in (error.fields or {"__all__": [error.detail]}).items():
                self.add_error(field if field in self.fields else None, problems)
            return cleaned
        self.change_preview = change
        if cleaned.get("confirm_moved") != change.deadlines_moved:
            data = self.data.copy()
            data["confirm_moved"] = str(change.deadlines_moved)
            self.data = data
            raise ValidationError(
                _("保存后将有 %(n)s 个未结期限的到期日改变。请核对后再次点击保存以确认。")
                % {"n": change.deadlines_moved},
                code="confirm",
            )
        return cleaned


class CalendarDayForm(_ConfirmMovedForm):
    class Meta:
        model = CalendarDay
        fields = ("date", "kind", "name")

    def preview(self, cleaned: dict) -> CalendarChange:
        day = cleaned.get("date") or self.instance.date
        return calendar_day_set(
            day=day,
            is_workday=cleaned.get("kind") == CalendarDay.Kind.MAKEUP_WORKDAY,
            name=cleaned.get("name", ""),
            acting_user=None,
            dry_run=True,
        )


class CalendarYearForm(_ConfirmMovedForm):
    class Meta:
        model = CalendarYear
        fields = ("year", "status", "notice")

    def preview(self, cleaned: dict) -> CalendarChange:
        return calendar_year_mark(
            year=cleaned.get("year") or self.instance.year,
            status=cleaned.get("status", ""),
            notice=cleaned.get("notice", ""),
            acting_user=None,
            dry_run=True,
        )


def _moved_message(request, change: CalendarChange) -> None:
    text = _("已保存。%(n)s 个未结期限的到期日随之改变。") % {"n": change.deadlines_moved}
    if change.estimate_kept:
        text += _("该年原按法定节日推算的 %(k)s 天节假日已一并登记，未丢失。") % {"k": change.estimate_kept}
    messages.info(request, text)


class CalendarDayInline(admin.TabularInline):
    """Shown, not edited here: each day is entered or removed on its own (节假日调整日), so that a year is never
    replaced by accident."""

    model = CalendarDay
    fields = ("date", "kind", "name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    list_display = ("year", "status", "notice", "source", "entered_by", "entered_at")
    list_filter = ("status",)
    inlines = [CalendarDayInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []  # a new year has no days yet

    def get_readonly_fields(self, request, obj=None):
        return ("year", "source", "entered_by", "entered_at") if obj else ("source", "entered_by", "entered_at")

    def save_model(self, request, obj, form, change):
        result = calendar_year_mark(
            year=obj.year, status=obj.status, notice=obj.notice, acting_user=request.user, dry_run=False
        )
        obj.refresh_from_db()
        _moved_message(request, result)

    def save_related(self, request, form, formsets, change):
        """The days are not edited on this page."""

    def has_delete_permission(self, request, obj=None):
        return False  # deleting a year would drop all its days: remove days one by one


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "kind", "name", "year")
    list_filter = ("kind", "year")
    date_hierarchy = "date"
    delete_confirmation_template = "admin/sla/calendarday/delete_confirmation.html"

    def get_readonly_fields(self, request, obj=None):
        return ("date",) if obj else ()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one day at a time, each with its number of deadlines moved
        return actions

    def save_model(self, request, obj, form, change):
        result = calendar_day_set(
            day=obj.date,
            is_workday=obj.kind == CalendarDay.Kind.MAKEUP_WORKDAY,
            name=obj.name,
            acting_user=request.user,
        )
        stored = CalendarDay.objects.get(date=obj.date)
        obj.pk, obj.year_id, obj.is_workday = stored.pk, stored.year_id, stored.is_workday
        _moved_message(request, result)

    def delete_view(self, request, object_id, extra_context=None):
        day = CalendarDay.objects.filter(pk=object_id).values_list("date", flat=True).first()
        if day is not None and request.method != "POST":
            preview = calendar_day_remove(day=day, acting_user=None, dry_run=True)
            extra_context = {**(extra_context or {}), "deadlines_moved": preview.deadlines_moved}
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        result = calendar_day_remove(day=obj.date, acting_user=request.user)
        _moved_message(request, result)

    def delete_queryset(self, request, queryset):
        for day in list(queryset.values_list("date", flat=True)):
            _moved_message(request, calendar_day_remove(day=day, acting_user=request.user))


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
