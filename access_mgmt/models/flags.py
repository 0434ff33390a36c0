from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from access_mgmt.choices import PrincipalType
from access_mgmt.fields import TsTzRange
from access_mgmt.managers import NaturalKeyManager
from access_mgmt.validators import (
    APP_VERSION,
    DOTTED_KEY,
    validate_app_version,
    validate_dotted_key,
)
from gatimitra.db.fields import EnumField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import DevicePlatform, ServiceType

FLAG_TYPES = [
    ("BOOLEAN", "On/off"),
    ("VARIANT", "One of several variants"),
    ("CONFIG", "Configuration value"),
]


class FeatureFlag(TimestampedModel):
    """A feature flag: its key, type, default value, owner, and whether it is
    a kill switch (an operational off switch kept permanently, as opposed to
    a release flag that is archived once rolled out)."""

    key = models.CharField(max_length=100, unique=True, validators=[validate_dotted_key])
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True, default="")
    flag_type = models.CharField(max_length=16, choices=FLAG_TYPES, default="BOOLEAN")
    default_value = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_flags",
    )
    is_kill_switch = models.BooleanField(default=False)
    is_enabled = models.BooleanField(default=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = NaturalKeyManager("key")

    class Meta:
        db_table = schema_table("access_mgmt", "feature_flags")
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=DOTTED_KEY), name="feature_flags_key_format"
            ),
            models.CheckConstraint(
                condition=Q(flag_type__in=[value for value, _ in FLAG_TYPES]),
                name="feature_flags_flag_type_valid",
            ),
        ]

    def __str__(self):
        return self.key

    def natural_key(self):
        return (self.key,)


class FeatureFlagRule(TimestampedModel):
    """A targeting rule of a flag, tried in ``priority`` order: for requests
    matching the service, principal type, platform and app-version range,
    serve ``variant`` to ``rollout_percent`` % of principals. The rule's city
    (``city_id``) arrives with the orders domain."""

    flag = models.ForeignKey(FeatureFlag, on_delete=models.CASCADE, related_name="rules")
    priority = models.PositiveSmallIntegerField()
    service_type = EnumField(ServiceType, null=True, blank=True)
    principal_type = EnumField(PrincipalType, null=True, blank=True)
    platform = EnumField(DevicePlatform, null=True, blank=True)
    min_app_version = models.CharField(
        max_length=16, blank=True, default="", validators=[validate_app_version]
    )
    max_app_version = models.CharField(
        max_length=16, blank=True, default="", validators=[validate_app_version]
    )
    rollout_percent = models.PositiveSmallIntegerField(default=100)
    variant = models.CharField(max_length=64, default="on")
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = schema_table("access_mgmt", "feature_flag_rules")
        constraints = [
            models.UniqueConstraint(
                fields=["flag", "priority"], name="feature_flag_rules_unique_priority"
            ),
            models.CheckConstraint(
                condition=Q(rollout_percent__lte=100), name="feature_flag_rules_rollout_percent"
            ),
            models.CheckConstraint(
                condition=(Q(min_app_version="") | Q(min_app_version__regex=APP_VERSION))
                & (Q(max_app_version="") | Q(max_app_version__regex=APP_VERSION)),
                name="feature_flag_rules_app_version_format",
            ),
        ]

    def __str__(self):
        return f"{self.flag} rule {self.priority}"


class SystemSetting(TimestampedModel):
    """One version of a platform setting (COD limit, OTP TTL, max batch size,
    cash-in-hand cap): its value and the period it is in effect. Versions of
    a key never overlap in time. Per-city values (``city_id``) arrive with
    the orders domain."""

    key = models.CharField(max_length=100, validators=[validate_dotted_key])
    version = models.PositiveIntegerField(default=1)
    value = models.JSONField()
    description = models.TextField(blank=True, default="")
    effective_from = models.DateTimeField(default=timezone.now)
    effective_to = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settings_updated",
    )

    class Meta:
        db_table = schema_table("access_mgmt", "system_settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=DOTTED_KEY), name="system_settings_key_format"
            ),
            models.UniqueConstraint(
                fields=["key", "version"], name="system_settings_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="system_settings_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_from__lt=F("effective_to")),
                name="system_settings_valid_window",
                violation_error_message="effective_from must be before effective_to.",
            ),
            ExclusionConstraint(
                name="system_settings_no_overlapping_versions",
                expressions=[
                    ("key", RangeOperators.EQUAL),
                    (TsTzRange("effective_from", "effective_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="Another version of this setting is in effect then.",
            ),
        ]

    def __str__(self):
        return f"{self.key} v{self.version}"
