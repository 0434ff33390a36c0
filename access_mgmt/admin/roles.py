from django.contrib import admin

from access_mgmt.admin.mixins import PrefillRequestUserMixin
from access_mgmt.models import (
    RoleHierarchy,
    RolePermission,
    SystemRole,
    UserAccessScope,
    UserPermissionOverride,
    UserRole,
)
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline


class RolePermissionInline(GatimitraTabularInline):
    model = RolePermission
    fields = ("permission", "effect")
    autocomplete_fields = ("permission",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("role", "permission")


class ChildRoleInline(GatimitraTabularInline):
    model = RoleHierarchy
    fk_name = "parent_role"
    fields = ("child_role",)
    autocomplete_fields = ("child_role",)
    verbose_name = "inherited role"
    verbose_name_plural = "inherited roles (this role includes their permissions)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent_role", "child_role")


@admin.register(SystemRole)
class SystemRoleAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "is_system", "is_active")
    search_fields = ("code", "name")
    ordering = ("code",)
    inlines = (RolePermissionInline, ChildRoleInline)


@admin.register(RolePermission)
class RolePermissionAdmin(GatimitraModelAdmin):
    list_display = ("role", "permission", "effect")
    list_filter = ("effect", "role")
    search_fields = ("role__code", "permission__code")
    ordering = ("-id",)
    autocomplete_fields = ("role", "permission")


@admin.register(RoleHierarchy)
class RoleHierarchyAdmin(GatimitraModelAdmin):
    list_display = ("parent_role", "child_role")
    search_fields = ("parent_role__code", "child_role__code")
    ordering = ("-id",)
    autocomplete_fields = ("parent_role", "child_role")


class UserRoleInline(GatimitraTabularInline):
    model = UserRole
    fk_name = "user"
    fields = ("role", "valid_from", "valid_to", "revoked_at", "revoke_reason", "approval")
    autocomplete_fields = ("role",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "role")


SCOPE_TARGET_FIELDS = ("city", "zone", "parent", "store", "team")


class UserAccessScopeInline(GatimitraTabularInline):
    model = UserAccessScope
    fields = ("scope_type", *SCOPE_TARGET_FIELDS)
    autocomplete_fields = SCOPE_TARGET_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*SCOPE_TARGET_FIELDS)


@admin.register(UserRole)
class UserRoleAdmin(PrefillRequestUserMixin, GatimitraModelAdmin):
    list_display = ("user", "role", "valid_from", "valid_to", "revoked_at", "granted_by")
    list_filter = ("role",)
    search_fields = ("user__email", "role__code")
    ordering = ("-id",)
    autocomplete_fields = ("user", "role", "granted_by", "revoked_by")
    inlines = (UserAccessScopeInline,)
    request_user_field = "granted_by"


@admin.register(UserAccessScope)
class UserAccessScopeAdmin(GatimitraModelAdmin):
    list_display = ("user_role", "scope_type", "target")
    search_fields = (
        "user_role__user__email",
        "city__code",
        "zone__code",
        "parent__code",
        "store__code",
        "team__code",
    )
    ordering = ("-id",)
    list_select_related = ("user_role__user", "user_role__role", *SCOPE_TARGET_FIELDS)
    autocomplete_fields = ("user_role", *SCOPE_TARGET_FIELDS)


@admin.register(UserPermissionOverride)
class UserPermissionOverrideAdmin(PrefillRequestUserMixin, GatimitraModelAdmin):
    list_display = ("user", "permission", "effect", "valid_from", "valid_to", "revoked_at")
    search_fields = ("user__email", "permission__code")
    ordering = ("-id",)
    autocomplete_fields = ("user", "permission", "granted_by")
    request_user_field = "granted_by"
