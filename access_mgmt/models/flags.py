from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from access_mgmt.choices import PrincipalType
from access_mgmt.fields import JsonPathMatch
from access_mgmt.validators import (
    APP_VERSION,
    DOTTED_KEY,
    validate_app_version,
    validate_dotted_key,
)
from gatimitra.db.constraints import values
from gatimitra.db.expressions import TsTzRange
from gatimitra.db.fields import EnumField
from gatimitra.db.managers import NaturalKeyManager
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
                condition=Q(flag_type__in=values(FLAG_TYPES)),
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
    serve ``variant`` to ``rollout_percent`` % of principals, in one city
    (``city``) or in every city (empty)."""

    flag = models.ForeignKey(FeatureFlag, on_delete=models.CASCADE, related_name="rules")
    priority = models.PositiveSmallIntegerField()
    city = models.ForeignKey(
        "orders.ServiceCity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feature_flag_rules",
        help_text="Target one city; empty: every city.",
    )
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


#: Settings that triggers read, and the jsonpath predicate their value must
#: satisfy (CHECK ``system_settings_<name>_value``): a wrong type there would
#: make every write that reads the setting fail.
TYPED_SETTINGS = {
    "dispatch.max_batch_size": (
        "max_batch_size",
        '$.type() == "number" && $ >= 1 && $.floor() == $',
        "dispatch.max_batch_size is a whole number of orders, at least 1.",
    ),
    "cod.cash_in_hand_cap": (
        "cash_in_hand_cap",
        '$.type() == "number" && $ >= 0',
        "cod.cash_in_hand_cap is an amount in rupees (a JSON number), at least 0.",
    ),
}


def _typed_setting_constraints():
    return [
        models.CheckConstraint(
            condition=~Q(key=key) | Q(JsonPathMatch("value", predicate)),
            name=f"system_settings_{name}_value",
            violation_error_message=message,
        )
        for key, (name, predicate, message) in TYPED_SETTINGS.items()
    ]


class SystemSettingQuerySet(models.QuerySet):
    def in_effect(self, at=None):
        """The versions in effect at ``at`` (default: now)."""
        at = at or timezone.now()
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=at), effective_from__lte=at
        )

    def current(self, key, city=None, at=None, default=None):
        """The value of ``key`` in effect at ``at`` (default: now) in
        ``city`` (a ServiceCity or its id; None: platform-wide): the city's
        own version when there is one, else the platform-wide one, else
        ``default``. The same rule as ``"access_mgmt".setting_value()``."""
        city_id = getattr(city, "pk", city)
        where = Q(city__isnull=True) if city_id is None else Q(city=city_id) | Q(city__isnull=True)
        row = (
            self.in_effect(at)
            .filter(where, key=key)
            .order_by(F("city").asc(nulls_last=True))
            .values_list("value", flat=True)
            .first()
        )
        return default if row is None else row


SystemSettingManager = NaturalKeyManager.from_queryset(SystemSettingQuerySet)


class SystemSetting(TimestampedModel):
    """One version of a platform setting (COD limit, OTP TTL, max batch size,
    cash-in-hand cap): its value (JSON) and the period it is in effect,
    platform-wide (no city) or a city's own value, which wins over the
    platform-wide one in that city. The versions of one key in one city (or
    platform-wide) never overlap in time. Readers pick the version in effect
    now, the city's before the platform's (``SystemSetting.objects.current``,
    ``"access_mgmt".setting_value()`` in SQL)."""

    key = models.CharField(max_length=100, validators=[validate_dotted_key])
    city = models.ForeignKey(
        "orders.ServiceCity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="system_settings",
        help_text="The city this value is for; empty: platform-wide.",
    )
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

    objects = SystemSettingManager("key", "city__code", "version")

    class Meta:
        db_table = schema_table("access_mgmt", "system_settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=DOTTED_KEY), name="system_settings_key_format"
            ),
            models.UniqueConstraint(
                fields=["key", "city", "version"],
                nulls_distinct=False,
                name="system_settings_unique_version",
                violation_error_message="This setting already has that version (in that city).",
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
                # "=" never matches NULLs: platform-wide rows compare as city 0.
                expressions=[
                    ("key", RangeOperators.EQUAL),
                    (Coalesce("city", Value(0)), RangeOperators.EQUAL),
                    (TsTzRange("effective_from", "effective_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=(
                    "Another version of this setting (in that city) is in effect then."
                ),
            ),
            *_typed_setting_constraints(),
        ]

    def __str__(self):
        scope = self.city.code if self.city_id else "platform-wide"
        return f"{self.key} v{self.version} ({scope})"

    def natural_key(self):
        return (self.key, self.city.code if self.city_id else None, self.version)

    natural_key.dependencies = ["orders.servicecity"]  # type: ignore[attr-defined]
