from django.db import models
from django.db.models import Q

from access_mgmt.validators import (
    PERMISSION_CODE,
    UPPER_CODE,
    validate_permission_code,
    validate_upper_code,
)
from gatimitra.db.constraints import values
from gatimitra.db.fields import MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table


class PermissionGroup(TimestampedModel):
    """A module that groups permissions in the admin UI (Orders, Riders,
    Merchants, Customers, Finance, Access, Audit, Platform)."""

    code = models.CharField(max_length=64, unique=True, validators=[validate_upper_code])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    display_order = models.PositiveSmallIntegerField(default=0)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("access_mgmt", "permission_groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=UPPER_CODE), name="permission_groups_code_format"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


SENSITIVITY_LEVELS = [
    ("LOW", "Low: reads non-personal data"),
    ("MEDIUM", "Medium: changes operational data or reads personal data"),
    ("HIGH", "High: moves money or deletes"),
    ("CRITICAL", "Critical: grants access or does everything"),
]


class SystemPermission(TimestampedModel):
    """One permission of the catalogue. ``code`` is what Django's
    ``user.has_perm()`` asks for, ``<app_label>.<codename>``
    (``orders.change_orderrefund``), or a pattern of such codes with ``*``
    wildcards (``riders.*``, ``*.view_*``, ``*.*payout*``) that grants or
    denies every permission it matches (``access_mgmt.backends.RoleBackend``)."""

    code = models.CharField(max_length=150, unique=True, validators=[validate_permission_code])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    group = models.ForeignKey(PermissionGroup, on_delete=models.PROTECT, related_name="permissions")
    sensitivity = models.CharField(max_length=16, choices=SENSITIVITY_LEVELS, default="LOW")

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("access_mgmt", "system_permissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=PERMISSION_CODE),
                name="system_permissions_code_format",
                violation_error_message=(
                    "A permission code is <app_label>.<codename>, with * as a wildcard."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sensitivity__in=values(SENSITIVITY_LEVELS)),
                name="system_permissions_sensitivity_valid",
            ),
        ]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["access_mgmt.permissiongroup"]  # type: ignore[attr-defined]

    @property
    def is_pattern(self):
        return "*" in self.code


class AccessPolicy(TimestampedModel):
    """An attribute condition attached to a permission, evaluated by service
    code when the permission is used: e.g. refunds up to Rs 2,000 need no
    approval (``max_amount`` + ``requires_approval``), or PII stays masked
    unless a grant exists (``condition``)."""

    code = models.CharField(max_length=64, unique=True, validators=[validate_upper_code])
    permission = models.ForeignKey(
        SystemPermission, on_delete=models.PROTECT, related_name="policies"
    )
    description = models.TextField(blank=True, default="")
    condition = models.JSONField(
        default=dict, blank=True, help_text="Attribute conditions, e.g. {'city_in': [...]}."
    )
    max_amount = MoneyField(
        null=True, blank=True, help_text="Up to this amount the action needs no approval."
    )
    requires_approval = models.BooleanField(default=False)
    approval_workflow = models.ForeignKey(
        "access_mgmt.ApprovalWorkflow",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
    )
    priority = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("access_mgmt", "access_policies")
        verbose_name_plural = "access policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=UPPER_CODE), name="access_policies_code_format"
            ),
            models.CheckConstraint(
                condition=Q(requires_approval=False) | Q(approval_workflow__isnull=False),
                name="access_policies_approval_names_workflow",
                violation_error_message="A policy that requires approval names the workflow.",
            ),
        ]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)
