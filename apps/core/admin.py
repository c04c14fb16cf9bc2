from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.models import OutboxMessage


class OutboxStateFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", _("待发送")), ("failing", _("发送失败，待重试")), ("sent", _("已发送"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "failing":
            return queryset.filter(sent_at__isnull=True).exclude(last_error="")
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read only: the rows are written by the services and sent by the relay (manage.py outbox_status)."""

    list_display = ["id", "task", "state", "attempts", "created_at", "available_at", "sent_at", "last_error_short"]
    list_filter = [OutboxStateFilter, "task"]
    search_fields = ["task", "dedup_key"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    ordering = ["-id"]

    @admin.display(description=_("状态"))
    def state(self, obj: OutboxMessage) -> str:
        if obj.sent_at is not None:
            return str(_("已发送"))
        return str(_("发送失败，待重试") if obj.last_error else _("待发送"))

    @admin.display(description=_("最近一次错误"))
    def last_error_short(self, obj: OutboxMessage) -> str:
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
