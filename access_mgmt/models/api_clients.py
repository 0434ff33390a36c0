import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from access_mgmt.choices import ApiClientType, PermissionEffect, PrincipalType
from access_mgmt.fields import CidrField
from access_mgmt.validators import (
    API_CLIENT_ID,
    API_KEY_PREFIX,
    UPPER_CODE,
    validate_api_client_id,
    validate_api_key_prefix,
    validate_upper_code,
)
from gatimitra.db.constraints import values
from gatimitra.db.fields import EnumField, HashField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.secrets import keyed_hash
from gatimitra.db.tables import schema_table
from gatimitra.enums import IntegrationStatus


class ApiClient(TimestampedModel):
    """A machine client of the platform's APIs: an internal service, a
    merchant's POS, a logistics provider, a payment gateway, an ONDC
    participant or a partner. A merchant's POS client names the merchant
    parent that owns it."""

    client_id = models.CharField(max_length=20, unique=True, validators=[validate_api_client_id])
    name = models.CharField(max_length=150)
    client_type = EnumField(ApiClientType)
    status = EnumField(IntegrationStatus, default=IntegrationStatus.SANDBOX)
    parent = models.ForeignKey(
        "merchants.MerchantParent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        help_text="The merchant owning a MERCHANT_POS client.",
    )
    description = models.TextField(blank=True, default="")
    contact_email = models.EmailField(blank=True, default="")
    webhook_url = models.URLField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients_created",
    )

    objects = NaturalKeyManager("client_id")

    class Meta:
        db_table = schema_table("access_mgmt", "api_clients")
        constraints = [
            models.CheckConstraint(
                condition=Q(client_id__regex=API_CLIENT_ID), name="api_clients_client_id_format"
            ),
            models.CheckConstraint(
                condition=~Q(client_type=ApiClientType.MERCHANT_POS) | Q(parent__isnull=False),
                name="api_clients_pos_names_parent",
                violation_error_message="A merchant POS client names the merchant that owns it.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.client_id,)


class ApiKey(TimestampedModel):
    """One API key of a client. Only its visible prefix (``gm_live_3kD9xQ2a``,
    shown in lists and logs) and the keyed hash of the whole key are stored.
    Keys carry scopes, may expire, and are rotated (a successor is issued,
    the old key lives until it expires) or revoked."""

    api_client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys")
    key_prefix = models.CharField(max_length=17, unique=True, validators=[validate_api_key_prefix])
    key_hash = HashField(unique=True)
    scopes = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys_revoked",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys_created",
    )

    class Meta:
        db_table = schema_table("access_mgmt", "api_keys")
        constraints = [
            models.CheckConstraint(
                condition=Q(key_prefix__regex=API_KEY_PREFIX),
                name="api_keys_prefix_format",
                violation_error_message="The prefix is gm_live_ or gm_test_ and 8 characters.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("created_at")),
                name="api_keys_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True) | Q(revoked_at__isnull=False),
                name="api_keys_revoker_has_time",
            ),
        ]

    def __str__(self):
        return self.key_prefix

    def set_new_key(self, live=True):
        """Give this row a new key and return it. The caller shows it once;
        only the prefix and the keyed hash of the whole key are stored."""
        self.key_prefix = f"gm_{'live' if live else 'test'}_{secrets.token_hex(4)}"
        key = f"{self.key_prefix}.{secrets.token_urlsafe(32)}"
        self.key_hash = keyed_hash(key)
        return key


class ApiClientPermission(TimestampedModel):
    """One rule of an API client: it is ALLOWed or DENYed one permission (or
    pattern), like a role's rules for staff."""

    api_client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="permission_rules"
    )
    permission = models.ForeignKey(
        "access_mgmt.SystemPermission", on_delete=models.PROTECT, related_name="api_client_rules"
    )
    effect = EnumField(PermissionEffect, default=PermissionEffect.ALLOW)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_client_permissions_granted",
    )

    class Meta:
        db_table = schema_table("access_mgmt", "api_client_permissions")
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "permission"],
                name="api_client_permissions_one_rule_per_permission",
                violation_error_message="The client already has a rule for this permission.",
            ),
        ]

    def __str__(self):
        return f"{self.api_client} {self.effect} {self.permission}"


class RateLimitPolicy(TimestampedModel):
    """A throttle: at most ``requests_per_window`` requests per
    ``window_seconds`` (plus ``burst``), for one API client, a route pattern,
    a principal type, or a combination of them."""

    code = models.CharField(max_length=64, unique=True, validators=[validate_upper_code])
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rate_limits",
    )
    route_pattern = models.CharField(
        max_length=200, blank=True, default="", help_text="e.g. /v1/orders/*"
    )
    principal_type = EnumField(PrincipalType, null=True, blank=True)
    requests_per_window = models.PositiveIntegerField()
    window_seconds = models.PositiveIntegerField(default=60)
    burst = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("access_mgmt", "rate_limit_policies")
        verbose_name_plural = "rate limit policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=UPPER_CODE), name="rate_limit_policies_code_format"
            ),
            models.CheckConstraint(
                condition=Q(requests_per_window__gt=0, window_seconds__gt=0),
                name="rate_limit_policies_positive_limits",
            ),
            models.CheckConstraint(
                condition=Q(api_client__isnull=False)
                | ~Q(route_pattern="")
                | Q(principal_type__isnull=False),
                name="rate_limit_policies_has_target",
                violation_error_message="A policy targets a client, a route or a principal type.",
            ),
        ]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


IP_ALLOWLIST_PURPOSES = [
    ("ADMIN_CONSOLE", "Admin console"),
    ("API_CLIENT", "API client"),
    ("PAYOUT_ENDPOINT", "Payout endpoint"),
    ("WEBHOOK", "Webhook sender"),
]


class IpAllowlist(TimestampedModel):
    """A network (CIDR) allowed to reach the admin console (for everyone, or
    only for one role), or allowed for one API client's calls, payout
    callbacks or webhooks."""

    cidr = CidrField()
    purpose = models.CharField(max_length=16, choices=IP_ALLOWLIST_PURPOSES)
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ip_allowlist",
    )
    role = models.ForeignKey(
        "access_mgmt.SystemRole",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ip_allowlist",
    )
    description = models.CharField(max_length=200, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ip_allowlist_entries",
    )

    class Meta:
        db_table = schema_table("access_mgmt", "ip_allowlists")
        verbose_name = "IP allowlist entry"
        verbose_name_plural = "IP allowlist"
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=values(IP_ALLOWLIST_PURPOSES)),
                name="ip_allowlists_purpose_valid",
            ),
            models.CheckConstraint(
                condition=Q(purpose="ADMIN_CONSOLE", api_client__isnull=True)
                | Q(
                    purpose__in=["API_CLIENT", "PAYOUT_ENDPOINT", "WEBHOOK"],
                    api_client__isnull=False,
                    role__isnull=True,
                ),
                name="ip_allowlists_target_matches_purpose",
                violation_error_message=(
                    "Admin console entries may name a role; the others name an API client."
                ),
            ),
            models.UniqueConstraint(
                fields=["purpose", "cidr", "api_client", "role"],
                nulls_distinct=False,
                name="ip_allowlists_unique_entry",
            ),
        ]

    def __str__(self):
        return f"{self.cidr} ({self.purpose})"
