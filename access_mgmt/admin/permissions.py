from django.contrib import admin

from access_mgmt.models import AccessPolicy, PermissionGroup, SystemPermission
from gatimitra.admin import GatimitraModelAdmin


@admin.register(PermissionGroup)
class PermissionGroupAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "display_order")
    search_fields = ("code", "name")
    ordering = ("code",)


@admin.register(SystemPermission)
class SystemPermissionAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "group", "sensitivity")
    list_filter = ("group", "sensitivity")
    search_fields = ("code", "name")
    ordering = ("code",)


@admin.register(AccessPolicy)
class AccessPolicyAdmin(GatimitraModelAdmin):
    list_display = (
        "code",
        "permission",
        "max_amount",
        "requires_approval",
        "approval_workflow",
        "is_active",
    )
    search_fields = ("code", "permission__code")
    ordering = ("code",)
    autocomplete_fields = ("permission", "approval_workflow")
