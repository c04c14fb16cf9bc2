from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region_code", "sector", "is_active"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "department", "is_active"]
    list_filter = ["role", "department"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("岗位"), {"fields": ("role", "department", "display_name", "phone")}))
