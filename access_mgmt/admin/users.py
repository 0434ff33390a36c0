from django.contrib import admin

from access_mgmt.models import SystemUser
from gatimitra.admin import GatimitraModelAdmin


@admin.register(SystemUser)
class SystemUserAdmin(GatimitraModelAdmin):
    list_display = ("email", "full_name", "employee_id", "status", "is_staff", "is_superuser")
    search_fields = ("email", "full_name", "mobile", "employee_id")
    ordering = ("email",)
    readonly_fields = ("last_login",)
    fieldsets = (
        (None, {"fields": ("email", "full_name", "mobile", "employee_id", "status")}),
        ("Access", {"fields": ("is_staff", "is_superuser", "last_login")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
