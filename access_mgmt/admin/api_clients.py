from django.contrib import admin, messages

from access_mgmt.admin.mixins import PrefillRequestUserMixin
from access_mgmt.models import ApiClient, ApiClientPermission, ApiKey, IpAllowlist, RateLimitPolicy
from gatimitra.admin import GatimitraModelAdmin, ReadOnlyTabularInline
from gatimitra.enums import IntegrationStatus


class ApiKeyInline(ReadOnlyTabularInline):
    model = ApiKey
    fields = ("key_prefix", "expires_at", "last_used_at", "rotated_at", "revoked_at")


@admin.register(ApiClient)
class ApiClientAdmin(GatimitraModelAdmin):
    list_display = ("name", "client_id", "client_type", "status", "parent", "contact_email")
    search_fields = ("name", "client_id")
    ordering = ("client_id",)
    autocomplete_fields = ("parent",)
    inlines = (ApiKeyInline,)


@admin.register(ApiKey)
class ApiKeyAdmin(PrefillRequestUserMixin, GatimitraModelAdmin):
    """Adding a key generates it and shows it once; only its prefix and hash are kept."""

    list_display = (
        "key_prefix",
        "api_client",
        "expires_at",
        "last_used_at",
        "rotated_at",
        "revoked_at",
    )
    search_fields = ("key_prefix", "api_client__name")
    ordering = ("-id",)
    autocomplete_fields = ("api_client", "revoked_by", "created_by")
    exclude = ("key_hash",)
    request_user_field = "created_by"

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "key_prefix", "last_used_at"]

    def save_model(self, request, obj, form, change):
        key = None
        if not change:
            key = obj.set_new_key(live=obj.api_client.status != IntegrationStatus.SANDBOX)
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(request, f"API key (shown once, store it now): {key}")


@admin.register(ApiClientPermission)
class ApiClientPermissionAdmin(GatimitraModelAdmin):
    list_display = ("api_client", "permission", "effect")
    list_filter = ("effect",)
    search_fields = ("api_client__name", "permission__code")
    ordering = ("-id",)
    autocomplete_fields = ("api_client", "permission", "granted_by")


@admin.register(RateLimitPolicy)
class RateLimitPolicyAdmin(GatimitraModelAdmin):
    list_display = (
        "code",
        "api_client",
        "route_pattern",
        "principal_type",
        "requests_per_window",
        "window_seconds",
        "burst",
        "is_active",
    )
    search_fields = ("code", "route_pattern")
    ordering = ("code",)
    autocomplete_fields = ("api_client",)


@admin.register(IpAllowlist)
class IpAllowlistAdmin(GatimitraModelAdmin):
    list_display = ("cidr", "purpose", "api_client", "role", "description", "is_active")
    list_filter = ("purpose", "is_active")
    search_fields = ("description", "api_client__name", "role__code")
    ordering = ("-id",)
    autocomplete_fields = ("api_client", "role", "created_by")
