from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from apps.accounts.authentication import token_expires_at, token_is_expired
from apps.accounts.models import Department, User
from apps.accounts.selectors import lockout_for
from apps.accounts.services import token_revoke


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region_code", "sector", "is_active"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "department", "is_active"]
    list_filter = ["role", "department"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("岗位"), {"fields": ("role", "department", "display_name", "phone")}),
    )
    actions = ["revoke_api_tokens"]

    @admin.action(description=_("撤销所选用户的 API 令牌"), permissions=["change"])
    def revoke_api_tokens(self, request, queryset):
        revoked = sum(token_revoke(user=user, acting_user=request.user) for user in queryset)
        self.message_user(
            request,
            ngettext("已撤销 %(count)d 个 API 令牌。", "已撤销 %(count)d 个 API 令牌。", revoked) % {"count": revoked},
            messages.SUCCESS,
        )


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(BaseTokenAdmin):
    """DRF's token list with the expiry; deleting a token here is revoking it (recorded in the audit chain)."""

    list_display = ("key", "user", "created", "expires_at", "expired")

    @admin.display(description=_("过期时间"))
    def expires_at(self, token):
        return token_expires_at(token)

    @admin.display(description=_("已过期"), boolean=True)
    def expired(self, token):
        return token_is_expired(token)

    def delete_model(self, request, obj):
        token_revoke(user=obj.user, acting_user=request.user)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    """django-axes' counts of failed logins (one row per username, address and browser) with the lockout they
    cause now, by the username or by the address. Deleting the rows of a username or an address lifts its lockout."""

    list_display = ["last_failure", "username_", "address", "failures", "locked_until", "path"]

    @admin.display(description=_("最近一次失败"), ordering="attempt_time")
    def last_failure(self, attempt):
        return attempt.attempt_time

    @admin.display(description=_("用户名"), ordering="username")
    def username_(self, attempt):
        return attempt.username

    @admin.display(description=_("客户端地址"), ordering="ip_address")
    def address(self, attempt):
        return attempt.ip_address

    @admin.display(description=_("失败次数"), ordering="failures_since_start")
    def failures(self, attempt):
        return attempt.failures_since_start

    @admin.display(description=_("登录入口"))
    def path(self, attempt):
        return attempt.path_info

    @admin.display(description=_("锁定至"))
    def locked_until(self, attempt):
        lockout = lockout_for(username=attempt.username, ip_address=attempt.ip_address, now=timezone.now())
        return lockout.until_minute if lockout else _("未锁定")
