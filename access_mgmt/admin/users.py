from django.contrib import admin, messages

from access_mgmt.admin.mixins import CityScopedAdminMixin, PrefillRequestUserMixin
from access_mgmt.admin.roles import UserRoleInline
from access_mgmt.models import SystemUser, Team, TeamMember, UserInvitation
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline


@admin.register(SystemUser)
class SystemUserAdmin(GatimitraModelAdmin):
    list_display = (
        "email",
        "full_name",
        "employee_id",
        "primary_team",
        "status",
        "is_staff",
        "is_superuser",
    )
    search_fields = ("email", "full_name", "mobile", "employee_id")
    ordering = ("email",)
    autocomplete_fields = ("primary_team",)
    readonly_fields = ("last_login",)
    fieldsets = (
        (None, {"fields": ("email", "full_name", "mobile", "employee_id", "status")}),
        ("Access", {"fields": ("is_staff", "is_superuser", "primary_team", "last_login")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (UserRoleInline,)


class TeamMemberInline(GatimitraTabularInline):
    model = TeamMember
    fields = ("user", "is_lead", "queues", "skills", "joined_at", "left_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "user")


@admin.register(Team)
class TeamAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    """City-scoped staff see and manage their cities' teams only."""

    list_display = ("code", "name", "team_type", "city", "vendor_name", "is_active")
    list_filter = ("team_type", "is_active", "city")
    search_fields = ("code", "name", "vendor_name")
    ordering = ("code",)
    autocomplete_fields = ("city",)
    inlines = (TeamMemberInline,)


@admin.register(TeamMember)
class TeamMemberAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    """City-scoped staff see and manage the members of their cities' teams only."""

    list_display = ("team", "user", "is_lead", "joined_at", "left_at")
    list_filter = ("is_lead", "team__team_type")
    search_fields = ("user__email", "team__code")
    ordering = ("-id",)
    autocomplete_fields = ("team", "user")
    city_scope_field = "team__city"


@admin.register(UserInvitation)
class UserInvitationAdmin(PrefillRequestUserMixin, GatimitraModelAdmin):
    list_display = (
        "email",
        "invitee_type",
        "role",
        "merchant_role",
        "scope_type",
        "parent",
        "invited_by",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    search_fields = ("email",)
    ordering = ("-id",)
    autocomplete_fields = (
        "role",
        "city",
        "zone",
        "parent",
        "store",
        "team",
        "invited_by",
        "accepted_user",
    )
    exclude = ("token_hash",)
    fieldsets = (
        (None, {"fields": ("email", "mobile", "invitee_type", "invited_by", "expires_at")}),
        (
            "What the invitee gets",
            {
                "fields": (
                    "role",
                    "merchant_role",
                    "scope_type",
                    "city",
                    "zone",
                    "team",
                    "parent",
                    "store",
                ),
                "description": (
                    "Staff: a role and a scope; fill only the target the scope type names "
                    "(none for GLOBAL). Merchant user: a merchant role, scope MERCHANT_PARENT "
                    "and the merchant parent they join."
                ),
            },
        ),
        ("Outcome", {"fields": ("accepted_at", "accepted_user", "revoked_at")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    request_user_field = "invited_by"

    def save_model(self, request, obj, form, change):
        token = None if change else obj.set_new_token()
        super().save_model(request, obj, form, change)
        if token:
            messages.warning(
                request, f"Invitation token (shown once, send it to {obj.email}): {token}"
            )
