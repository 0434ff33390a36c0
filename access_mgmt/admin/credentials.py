from django.contrib import admin

from access_mgmt.models import (
    MfaFactor,
    PasswordHistory,
    PasswordResetToken,
    TrustedDevice,
    UserCredential,
)
from gatimitra.admin import GatimitraModelAdmin, ReadOnlyModelAdmin


@admin.register(UserCredential)
class UserCredentialAdmin(GatimitraModelAdmin):
    list_display = ("user", "password_changed_at", "must_change", "expires_at", "failed_attempts")
    list_filter = ("must_change",)
    search_fields = ("user__email",)
    ordering = ("-pk",)
    autocomplete_fields = ("user",)


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(ReadOnlyModelAdmin):
    """Written by the password-change flow; the hashes are never shown."""

    list_display = ("user", "created_at")
    search_fields = ("user__email",)
    ordering = ("-id",)
    exclude = ("password_hash",)


@admin.register(PasswordResetToken)
class PasswordResetTokenAdmin(ReadOnlyModelAdmin):
    """Issued by the reset flow, which mails the token; only its hash is kept."""

    list_display = ("user", "created_at", "expires_at", "used_at", "requested_ip")
    search_fields = ("user__email",)
    ordering = ("-id",)
    exclude = ("token_hash",)


@admin.register(MfaFactor)
class MfaFactorAdmin(GatimitraModelAdmin):
    list_display = ("user", "factor_type", "label", "is_primary", "verified_at", "disabled_at")
    list_filter = ("factor_type", "is_primary")
    search_fields = ("user__email", "label")
    ordering = ("-id",)
    autocomplete_fields = ("user",)


@admin.register(TrustedDevice)
class TrustedDeviceAdmin(GatimitraModelAdmin):
    list_display = ("user", "device_name", "platform", "last_seen_at", "expires_at", "revoked_at")
    search_fields = ("user__email", "device_name")
    ordering = ("-id",)
    autocomplete_fields = ("user",)
    readonly_fields = ("user", "platform", "user_agent", "last_ip", "last_seen_at")
    exclude = ("fingerprint_hash",)

    def has_add_permission(self, request):
        return False  # devices become trusted by signing in on them
