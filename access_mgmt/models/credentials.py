from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from access_mgmt.validators import DJANGO_PASSWORD_HASH, SECRET_REF, validate_secret_ref
from gatimitra.db.constraints import values
from gatimitra.db.fields import EnumField, HashField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import DevicePlatform

#: Longest life of a password-reset link.
RESET_TOKEN_MAX_AGE = timedelta(hours=24)


class UserCredential(TimestampedModel):
    """The password policy state of one staff user: when the password last
    changed, whether it must change at the next sign-in, when it expires, and
    failed sign-ins in a row. The password hash itself (argon2id) is Django's
    ``system_users.password``, so it exists once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="credential",
    )
    password_changed_at = models.DateTimeField(default=timezone.now)
    must_change = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "user_credentials")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("password_changed_at")),
                name="user_credentials_expires_after_change",
                violation_error_message="A password expires after it was set.",
            ),
        ]

    def __str__(self):
        return f"credentials of {self.user}"


class PasswordHistory(TimestampedModel):
    """A password hash a user had before (Django's encoded form,
    ``<algorithm>$...``), kept so that it cannot be chosen again. A CHECK
    makes sure the column holds a hash, not a password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password_hash = models.CharField(max_length=256)

    class Meta:
        db_table = schema_table("access_mgmt", "password_history")
        verbose_name_plural = "password history"
        indexes = [
            models.Index(fields=["user", "-created_at"], name="password_history_user_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(password_hash__regex=DJANGO_PASSWORD_HASH),
                name="password_history_hash_format",
                violation_error_message="Store Django's encoded password hash, never a password.",
            ),
        ]

    def __str__(self):
        return f"password of {self.user} set {self.created_at:%Y-%m-%d}"


class PasswordResetToken(TimestampedModel):
    """A single-use password-reset link sent to a staff user: the token's
    keyed hash, its expiry (at most a day) and when it was used. Using it
    revokes the user's sessions (trigger)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_reset_tokens"
    )
    token_hash = HashField(unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "password_reset_tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at"))
                & Q(expires_at__lte=F("created_at") + RESET_TOKEN_MAX_AGE),
                name="password_reset_tokens_expiry_within_a_day",
                violation_error_message="A reset token expires within 24 hours of creation.",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(used_at__lte=F("expires_at")),
                name="password_reset_tokens_used_before_expiry",
                violation_error_message="An expired reset token cannot be used.",
            ),
        ]

    def __str__(self):
        return f"reset for {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"


MFA_FACTOR_TYPES = [
    ("TOTP", "Authenticator app (TOTP)"),
    ("WEBAUTHN", "Security key or passkey (WebAuthn)"),
]


class MfaFactor(TimestampedModel):
    """A second factor of a staff user. A TOTP factor's seed lives in a vault
    and only its reference (``secret_ref``) is stored; a WebAuthn factor is
    its credential id and public key, which are not secrets."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_factors"
    )
    factor_type = models.CharField(max_length=16, choices=MFA_FACTOR_TYPES)
    label = models.CharField(max_length=100, blank=True, default="")
    secret_ref = models.CharField(
        max_length=255, null=True, blank=True, validators=[validate_secret_ref]
    )
    credential_id = models.CharField(max_length=512, null=True, blank=True, unique=True)
    public_key = models.TextField(blank=True, default="")
    sign_count = models.PositiveBigIntegerField(default=0)
    is_primary = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "mfa_factors")
        constraints = [
            models.CheckConstraint(
                condition=Q(factor_type__in=values(MFA_FACTOR_TYPES)),
                name="mfa_factors_factor_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(secret_ref__regex=SECRET_REF),
                name="mfa_factors_secret_ref_format",
                violation_error_message="Store a kms:// or vault:// reference, never the seed.",
            ),
            models.CheckConstraint(
                condition=Q(
                    factor_type="TOTP", secret_ref__isnull=False, credential_id__isnull=True
                )
                | (
                    Q(factor_type="WEBAUTHN", secret_ref__isnull=True, credential_id__isnull=False)
                    & ~Q(public_key="")
                ),
                name="mfa_factors_material_matches_type",
                violation_error_message=(
                    "A TOTP factor has a secret reference; a WebAuthn factor a credential "
                    "id and public key."
                ),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_primary=True, disabled_at__isnull=True),
                name="mfa_factors_one_primary_per_user",
                violation_error_message="The user already has a primary factor.",
            ),
        ]

    def __str__(self):
        return f"{self.factor_type} {self.label}".strip()


class TrustedDevice(TimestampedModel):
    """A browser or device a staff user chose to trust, so sign-ins from it
    skip the second factor until it expires or is revoked. Identified by a
    keyed hash of its fingerprint."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trusted_devices"
    )
    fingerprint_hash = HashField()
    platform = EnumField(DevicePlatform, default=DevicePlatform.WEB)
    device_name = models.CharField(max_length=150, blank=True, default="")
    user_agent = models.TextField(blank=True, default="")
    last_ip = models.GenericIPAddressField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "trusted_devices")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fingerprint_hash"], name="trusted_devices_one_per_fingerprint"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="trusted_devices_expires_after_creation",
                violation_error_message="A device's trust expires after it starts.",
            ),
        ]

    def __str__(self):
        return self.device_name or f"{self.platform} device"
