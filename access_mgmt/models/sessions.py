import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from access_mgmt.choices import LoginResult, OtpPurpose, PrincipalType
from access_mgmt.validators import SECRET_REF, validate_secret_ref
from gatimitra.db.constraints import values
from gatimitra.db.fields import EnumField, HashField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import AppendOnlyModel, TimestampedModel
from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.db.tables import schema_table
from gatimitra.enums import DevicePlatform, NotificationChannel

#: CATALOG section 8, item 12: OTPs expire within 5 minutes, at most 5 attempts.
OTP_MAX_TTL = timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5
OTP_CHANNELS = [
    NotificationChannel.SMS,
    NotificationChannel.WHATSAPP,
    NotificationChannel.EMAIL,
    NotificationChannel.VOICE,
]

SESSION_REVOKE_REASONS = [
    ("LOGOUT", "Signed out"),
    ("EXPIRED", "Expired"),
    ("ROLE_REMOVED", "A role was removed"),
    ("PASSWORD_RESET", "Password reset"),
    ("ADMIN", "Revoked by an admin"),
    ("TOKEN_REUSE", "Refresh token reuse detected"),
    ("LOCKOUT", "Account locked"),
]


class AuthSession(TimestampedModel):
    """A signed-in session of any principal (staff, customer, rider, merchant
    user, API client): device, IP, when it was last seen, when it expires or
    was revoked and why. The principal is polymorphic (no FK); the session
    token is stored only as a keyed hash."""

    principal_type = EnumField(PrincipalType)
    principal_id = models.BigIntegerField()
    token_hash = HashField(unique=True)
    device_id = models.BigIntegerField(
        null=True, blank=True, help_text="The principal's device row in its domain (soft)."
    )
    device_platform = EnumField(DevicePlatform, null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True, default="")
    last_seen_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(
        max_length=16, choices=SESSION_REVOKE_REASONS, blank=True, default=""
    )

    class Meta:
        db_table = schema_table("access_mgmt", "auth_sessions")
        indexes = [
            # The admin searches sessions by principal id and by IP (exact).
            models.Index(fields=["principal_id"], name="auth_sessions_principal_id"),
            models.Index(fields=["ip_address"], name="auth_sessions_ip_address"),
            models.Index(
                fields=["principal_type", "principal_id"],
                condition=Q(revoked_at__isnull=True),
                name="auth_sessions_live",
            ),
            models.Index(fields=["expires_at"], name="auth_sessions_expires_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="auth_sessions_expires_after_creation",
                violation_error_message="A session expires after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoke_reason="")
                | Q(
                    revoked_at__isnull=False,
                    revoke_reason__in=values(SESSION_REVOKE_REASONS),
                ),
                name="auth_sessions_revocation_has_reason",
                violation_error_message="A revoked session says why, a live one has no reason.",
            ),
        ]

    def __str__(self):
        return f"{self.principal_type} {self.principal_id} session {self.pk}"


class RefreshToken(TimestampedModel):
    """One refresh token of a session, stored as a keyed hash. Tokens
    rotate: using one issues its successor in the same family; a used token
    presented again is reuse, and the whole family is revoked."""

    session = models.ForeignKey(
        AuthSession, on_delete=models.CASCADE, related_name="refresh_tokens"
    )
    family_id = models.UUIDField(default=uuid.uuid4)
    parent = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        help_text="The token this one replaced.",
    )
    token_hash = HashField(unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "refresh_tokens")
        indexes = [models.Index(fields=["family_id"], name="refresh_tokens_family")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="refresh_tokens_expires_after_creation",
                violation_error_message="A refresh token expires after it is issued.",
            ),
        ]

    def __str__(self):
        return f"refresh token {self.pk} of session {self.session_id}"


JWT_ALGORITHMS = [("RS256", "RSA SHA-256"), ("ES256", "ECDSA P-256"), ("EdDSA", "Ed25519")]


class JwtSigningKey(TimestampedModel):
    """A key that signs access tokens, for rotation: its key id (``kid``),
    algorithm and public key, when it starts and stops signing, and whether
    it was revoked. The private key lives in a KMS or vault; only its
    reference is stored."""

    kid = models.CharField(max_length=64, unique=True)
    algorithm = models.CharField(max_length=8, choices=JWT_ALGORITHMS, default="ES256")
    public_key = models.TextField(help_text="PEM, -----BEGIN PUBLIC KEY-----")
    private_key_ref = models.CharField(max_length=255, validators=[validate_secret_ref])
    activates_at = models.DateTimeField()
    retires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = NaturalKeyManager("kid")

    class Meta:
        db_table = schema_table("access_mgmt", "jwt_signing_keys")
        constraints = [
            models.CheckConstraint(
                condition=Q(kid__regex=r"^[A-Za-z0-9_-]{4,64}$"), name="jwt_signing_keys_kid_format"
            ),
            models.CheckConstraint(
                condition=Q(algorithm__in=values(JWT_ALGORITHMS)),
                name="jwt_signing_keys_algorithm_valid",
            ),
            models.CheckConstraint(
                condition=Q(public_key__startswith="-----BEGIN PUBLIC KEY-----")
                & ~Q(public_key__contains="PRIVATE KEY"),
                name="jwt_signing_keys_public_key_only",
                violation_error_message="Store the PEM public key; the private key stays in KMS.",
            ),
            models.CheckConstraint(
                condition=Q(private_key_ref__regex=SECRET_REF),
                name="jwt_signing_keys_private_key_ref_format",
            ),
            models.CheckConstraint(
                condition=Q(retires_at__isnull=True) | Q(activates_at__lt=F("retires_at")),
                name="jwt_signing_keys_valid_window",
                violation_error_message="A key retires after it activates.",
            ),
        ]

    def __str__(self):
        return self.kid

    def natural_key(self):
        return (self.kid,)


class OtpRequest(TimestampedModel):
    """A one-time password sent for sign-in or verification: where to (a
    keyed hash of the mobile or email, and a masked copy), why, by which
    channel, the code's keyed hash, expiry (at most 5 minutes) and attempts
    (at most 5). Rows are purged after 90 days."""

    principal_type = EnumField(PrincipalType, null=True, blank=True)
    principal_id = models.BigIntegerField(null=True, blank=True)
    destination_hash = HashField()
    destination_masked = models.CharField(max_length=64)
    purpose = EnumField(OtpPurpose)
    channel = EnumField(NotificationChannel, default=NotificationChannel.SMS)
    code_hash = HashField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=OTP_MAX_ATTEMPTS)
    verified_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "otp_requests")
        indexes = [
            # The admin searches OTPs by principal id (exact).
            models.Index(fields=["principal_id"], name="otp_requests_principal_id"),
            models.Index(
                fields=["destination_hash", "purpose", "-created_at"],
                name="otp_requests_destination",
            ),
            models.Index(fields=["created_at"], name="otp_requests_created_at"),
        ]
        constraints = [
            # Sign-up OTPs are sent before the principal exists.
            models.CheckConstraint(
                condition=Q(principal_type__isnull=True, principal_id__isnull=True)
                | Q(principal_type__isnull=False, principal_id__isnull=False),
                name="otp_requests_principal_pair",
                violation_error_message="principal_type and principal_id go together.",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=OTP_CHANNELS),
                name="otp_requests_channel_can_carry_otp",
                violation_error_message="OTPs go by SMS, WhatsApp, email or voice.",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1, max_attempts__lte=OTP_MAX_ATTEMPTS),
                name="otp_requests_max_attempts_capped",
                violation_error_message=f"An OTP allows 1 to {OTP_MAX_ATTEMPTS} attempts.",
            ),
            models.CheckConstraint(
                condition=Q(attempts__lte=F("max_attempts")),
                name="otp_requests_attempts_within_max",
                violation_error_message="No attempts beyond max_attempts.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at"))
                & Q(expires_at__lte=F("created_at") + OTP_MAX_TTL),
                name="otp_requests_expiry_within_5_minutes",
                violation_error_message="An OTP expires within 5 minutes of being sent.",
            ),
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True) | Q(verified_at__lte=F("expires_at")),
                name="otp_requests_verified_before_expiry",
                violation_error_message="An expired OTP cannot be verified.",
            ),
        ]

    def __str__(self):
        return f"{self.purpose} OTP to {self.destination_masked}"


LOGIN_METHODS = [
    ("PASSWORD", "Password"),
    ("OTP", "OTP"),
    ("MFA", "Second factor"),
    ("API_KEY", "API key"),
    ("REFRESH_TOKEN", "Refresh token"),
    ("SSO", "Single sign-on"),
]


class LoginAttempt(AppendOnlyModel):
    """One sign-in or OTP attempt by any principal, successful or not: the
    identifier typed (keyed hash), method, result, IP, device and risk score.
    Append-only: the database refuses UPDATE and DELETE."""

    principal_type = EnumField(PrincipalType)
    principal_id = models.BigIntegerField(
        null=True, blank=True, help_text="Empty when the identifier matched nobody."
    )
    identifier_hash = HashField()
    session = models.ForeignKey(
        AuthSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="login_attempts",
    )
    method = models.CharField(max_length=16, choices=LOGIN_METHODS)
    result = EnumField(LoginResult)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    device_id = models.BigIntegerField(null=True, blank=True)
    user_agent = models.TextField(blank=True, default="")
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "login_attempts")
        indexes = [
            models.Index(
                fields=["identifier_hash", "-created_at"], name="login_attempts_identifier"
            ),
            models.Index(
                fields=["principal_type", "principal_id", "-created_at"],
                name="login_attempts_principal",
            ),
            models.Index(fields=["ip_address", "-created_at"], name="login_attempts_ip_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=values(LOGIN_METHODS)),
                name="login_attempts_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(risk_score__lte=100), name="login_attempts_risk_score_percent"
            ),
        ]

    def __str__(self):
        return f"{self.result} {self.method} at {self.created_at:%Y-%m-%d %H:%M:%S}"


LOCKOUT_REASONS = [
    ("FAILED_ATTEMPTS", "Too many failed attempts"),
    ("OTP_ABUSE", "OTP abuse"),
    ("SUSPECTED_FRAUD", "Suspected fraud"),
    ("ADMIN_ACTION", "Locked by an admin"),
]


class AccountLockout(TimestampedModel):
    """A lockout after failed attempts or abuse: until ``locked_until``
    (permanent when empty) or until released by staff. It locks a principal,
    an identifier as typed at sign-in (its keyed hash: whether or not it
    matched an account, so a lockout says nothing about the account's
    existence), or an IP address (access_mgmt/throttle.py)."""

    principal_type = EnumField(PrincipalType)
    principal_id = models.BigIntegerField(
        null=True, blank=True, help_text="Empty for an identifier or IP lockout."
    )
    identifier_hash = HashField(
        null=True, blank=True, help_text="The email or mobile typed at sign-in (keyed hash)."
    )
    ip_address = models.GenericIPAddressField(
        null=True, blank=True, help_text="Set for a lockout of sign-ins from one IP."
    )
    reason = models.CharField(max_length=16, choices=LOCKOUT_REASONS)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lockouts_released",
    )
    note = models.TextField(blank=True, default="")

    class Meta:
        db_table = schema_table("access_mgmt", "account_lockouts")
        indexes = [
            models.Index(
                fields=["principal_type", "principal_id"],
                condition=Q(released_at__isnull=True),
                name="account_lockouts_active",
            ),
            # The sign-in throttle looks these up on every admin login.
            models.Index(
                fields=["identifier_hash"],
                condition=Q(released_at__isnull=True, identifier_hash__isnull=False),
                name="account_lockouts_by_ident",
            ),
            models.Index(
                fields=["ip_address"],
                condition=Q(released_at__isnull=True, ip_address__isnull=False),
                name="account_lockouts_by_ip",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal_id__isnull=False)
                | Q(identifier_hash__isnull=False)
                | Q(ip_address__isnull=False),
                name="account_lockouts_has_target",
                violation_error_message="A lockout locks a principal, an identifier or an IP.",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=values(LOCKOUT_REASONS)),
                name="account_lockouts_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(locked_until__isnull=True) | Q(locked_at__lt=F("locked_until")),
                name="account_lockouts_valid_window",
                violation_error_message="A lockout ends after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_at__gte=F("locked_at")),
                name="account_lockouts_released_after_locking",
                violation_error_message="A lockout is released after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | Q(released_at__isnull=False),
                name="account_lockouts_releaser_has_time",
            ),
        ]

    def __str__(self):
        if self.principal_id is not None:
            target = f"{self.principal_type} {self.principal_id}"
        elif self.ip_address:
            target = f"IP {self.ip_address}"
        else:
            target = "identifier"
        return f"{target} locked ({self.reason})"


IMPERSONATION_TARGETS = [
    PrincipalType.CUSTOMER,
    PrincipalType.RIDER,
    PrincipalType.MERCHANT_USER,
]


class ImpersonationSession(TimestampedModel):
    """A staff user acting as a customer, rider or merchant user (to see what
    they see), for a stated reason, under an approval, until it expires or
    is ended."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="impersonations"
    )
    target_type = EnumField(PrincipalType)
    target_id = models.BigIntegerField()
    session = models.ForeignKey(
        AuthSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impersonations",
    )
    approval = models.ForeignKey(
        "access_mgmt.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="impersonations",
    )
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "impersonation_sessions")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="impersonation_sessions_target"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_type__in=IMPERSONATION_TARGETS),
                name="impersonation_sessions_target_not_staff",
                violation_error_message="Staff impersonate customers, riders or merchant users.",
            ),
            models.CheckConstraint(
                condition=Q(started_at__lt=F("expires_at")),
                name="impersonation_sessions_valid_window",
                violation_error_message="An impersonation expires after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="impersonation_sessions_ended_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="impersonation_sessions_reason_given",
                violation_error_message="An impersonation says why.",
            ),
        ]

    def __str__(self):
        return f"{self.user} as {self.target_type} {self.target_id}"


BLOCKED_IDENTIFIER_KINDS = [
    ("IP", "IP address"),
    ("DEVICE_ID", "Device id"),
    ("MOBILE", "Mobile number"),
    ("EMAIL", "Email address"),
    ("UPI_VPA", "UPI VPA"),
]


class BlockedIdentifier(TimestampedModel):
    """An entry of the deny-list: an IP, device id, mobile, email or VPA that
    may not sign in, sign up or pay, until ``expires_at`` (permanent when
    empty). Kept as a keyed hash plus a masked copy, so the list leaks no
    personal data."""

    kind = models.CharField(max_length=16, choices=BLOCKED_IDENTIFIER_KINDS)
    identifier_hash = HashField()
    identifier_masked = models.CharField(max_length=64)
    reason = models.TextField()
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blocked_identifiers",
    )

    class Meta:
        db_table = schema_table("access_mgmt", "blocked_identifiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(BLOCKED_IDENTIFIER_KINDS)),
                name="blocked_identifiers_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["kind", "identifier_hash"],
                name="blocked_identifiers_one_entry_per_identifier",
                violation_error_message="This identifier is already blocked.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("created_at")),
                name="blocked_identifiers_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.identifier_masked}"

    def set_identifier(self, value):
        """Block ``value`` (an IP, device id, mobile, email or VPA): keep its
        keyed hash for lookups and a masked copy for people."""
        self.identifier_hash = keyed_hash(value)
        self.identifier_masked = mask(value)
