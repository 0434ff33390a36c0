from django import forms
from django.contrib import admin, messages

from access_mgmt.admin.mixins import PrefillRequestUserMixin
from access_mgmt.models import (
    AccountLockout,
    AuthSession,
    BlockedIdentifier,
    ImpersonationSession,
    JwtSigningKey,
    LoginAttempt,
    OtpRequest,
    RefreshToken,
)
from access_mgmt.throttle import release
from gatimitra.admin import GatimitraModelAdmin, ReadOnlyModelAdmin


@admin.register(AuthSession)
class AuthSessionAdmin(GatimitraModelAdmin):
    """Sessions are opened by sign-in; staff may only revoke one here."""

    list_display = (
        "id",
        "principal_type",
        "principal_id",
        "device_platform",
        "ip_address",
        "last_seen_at",
        "expires_at",
        "revoked_at",
        "revoke_reason",
    )
    list_filter = ("principal_type", "device_platform", "revoke_reason")
    search_fields = ("=principal_id", "=ip_address")
    ordering = ("-id",)
    readonly_fields = (
        "principal_type",
        "principal_id",
        "device_id",
        "device_platform",
        "ip_address",
        "user_agent",
        "last_seen_at",
        "expires_at",
    )
    exclude = ("token_hash",)

    def has_add_permission(self, request):
        return False


@admin.register(RefreshToken)
class RefreshTokenAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "session", "family_id", "expires_at", "used_at", "revoked_at")
    search_fields = ("=family_id", "=session_id")
    ordering = ("-id",)
    exclude = ("token_hash",)


@admin.register(JwtSigningKey)
class JwtSigningKeyAdmin(GatimitraModelAdmin):
    list_display = ("kid", "algorithm", "activates_at", "retires_at", "revoked_at")
    search_fields = ("kid",)
    ordering = ("-id",)


@admin.register(OtpRequest)
class OtpRequestAdmin(ReadOnlyModelAdmin):
    """Search by the mobile or email the OTP went to, or the principal id."""

    list_display = (
        "id",
        "purpose",
        "channel",
        "destination_masked",
        "principal_type",
        "principal_id",
        "attempts",
        "max_attempts",
        "expires_at",
        "verified_at",
    )
    list_filter = ("purpose", "channel", "principal_type")
    search_fields = ("destination_hash", "=principal_id")
    hashed_search_fields = ("destination_hash",)
    ordering = ("-id",)
    exclude = ("destination_hash", "code_hash")


@admin.register(LoginAttempt)
class LoginAttemptAdmin(GatimitraModelAdmin):
    """Search by the email or mobile that was typed, the principal id or the IP."""

    list_display = (
        "created_at",
        "principal_type",
        "principal_id",
        "method",
        "result",
        "ip_address",
        "risk_score",
    )
    list_filter = ("result", "method", "principal_type")
    search_fields = ("identifier_hash", "=principal_id", "=ip_address")
    hashed_search_fields = ("identifier_hash",)
    search_index_leads = {"principal_id": "principal_type"}
    ordering = ("-id",)
    exclude = ("identifier_hash",)


@admin.register(AccountLockout)
class AccountLockoutAdmin(GatimitraModelAdmin):
    """Lockouts by the sign-in throttle (access_mgmt/throttle.py) and by staff.
    Releasing one is the "Release" action: it records who and when, and the
    audit log keeps the change."""

    list_display = (
        "principal_type",
        "principal_id",
        "ip_address",
        "reason",
        "failed_attempts",
        "locked_at",
        "locked_until",
        "released_at",
        "released_by",
    )
    list_filter = ("principal_type", "reason")
    search_fields = ("=principal_id",)
    ordering = ("-id",)
    exclude = ("identifier_hash",)
    readonly_fields = ("released_at", "released_by")
    actions = ["release_lockouts"]

    @admin.action(description="Release the selected lockouts", permissions=["change"])
    def release_lockouts(self, request, queryset):
        released = release(queryset, by=request.user)
        for lockout in queryset.filter(released_by=request.user, released_at__isnull=False):
            self.log_change(request, lockout, [{"changed": {"fields": ["released_at"]}}])
        self.message_user(request, f"Released {released} lockout(s).", messages.SUCCESS)


@admin.register(ImpersonationSession)
class ImpersonationSessionAdmin(GatimitraModelAdmin):
    list_display = ("user", "target_type", "target_id", "started_at", "expires_at", "ended_at")
    search_fields = ("user__email", "=target_id")
    ordering = ("-id",)
    autocomplete_fields = ("user",)


class BlockedIdentifierForm(forms.ModelForm):
    identifier = forms.CharField(
        max_length=256,
        required=False,
        help_text="The IP, device id, mobile, email or VPA to block. Only its hash and a "
        "masked copy are kept.",
    )

    class Meta:
        model = BlockedIdentifier
        fields = ("kind", "identifier", "reason", "expires_at", "created_by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required when adding; an existing entry keeps its identifier.
        self.fields["identifier"].required = self.instance._state.adding

    def clean_identifier(self):
        value = self.cleaned_data["identifier"].strip()
        if value:
            self.instance.set_identifier(value)
        return value

    def clean(self):
        cleaned = super().clean()
        duplicate = BlockedIdentifier.objects.filter(
            kind=cleaned.get("kind"), identifier_hash=self.instance.identifier_hash
        ).exclude(pk=self.instance.pk)
        if self.instance.identifier_hash and duplicate.exists():
            raise forms.ValidationError("This identifier is already blocked.")
        return cleaned


@admin.register(BlockedIdentifier)
class BlockedIdentifierAdmin(PrefillRequestUserMixin, GatimitraModelAdmin):
    """Search by the plain identifier (it is hashed before the lookup)."""

    form = BlockedIdentifierForm
    list_display = ("kind", "identifier_masked", "reason", "expires_at", "created_by")
    list_filter = ("kind",)
    search_fields = ("identifier_hash",)
    hashed_search_fields = ("identifier_hash",)
    search_index_leads = {"identifier_hash": "kind"}
    ordering = ("-id",)
    autocomplete_fields = ("created_by",)
    request_user_field = "created_by"
