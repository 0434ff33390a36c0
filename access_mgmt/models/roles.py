from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from access_mgmt.choices import PermissionEffect, ScopeType
from access_mgmt.validators import UPPER_CODE, validate_upper_code
from gatimitra.db.expressions import TsTzRange
from gatimitra.db.fields import EnumField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table


class SystemRole(TimestampedModel):
    """A role of the catalogue (SUPER_ADMIN, CITY_OPS_MANAGER, SUPPORT_AGENT,
    FINANCE...): a named set of permission rules that users are assigned.
    System roles come from the *access default roles* seed; custom roles are
    made by admins. An inactive role grants nothing."""

    code = models.CharField(max_length=64, unique=True, validators=[validate_upper_code])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    is_system = models.BooleanField(
        default=False, help_text="Defined by the platform seed rather than by an admin."
    )
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("access_mgmt", "system_roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=UPPER_CODE), name="system_roles_code_format"
            ),
        ]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


class RolePermission(TimestampedModel):
    """One rule of a role: the role ALLOWs or DENYs one permission (or every
    permission a pattern matches). A DENY beats any ALLOW."""

    role = models.ForeignKey(SystemRole, on_delete=models.CASCADE, related_name="permission_rules")
    permission = models.ForeignKey(
        "access_mgmt.SystemPermission", on_delete=models.PROTECT, related_name="role_rules"
    )
    effect = EnumField(PermissionEffect, default=PermissionEffect.ALLOW)

    objects = NaturalKeyManager("role__code", "permission__code")

    class Meta:
        db_table = schema_table("access_mgmt", "role_permissions")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "permission"],
                name="role_permissions_one_rule_per_permission",
                violation_error_message="The role already has a rule for this permission.",
            ),
        ]

    def __str__(self):
        return f"{self.role} {self.effect} {self.permission}"

    def natural_key(self):
        return (self.role.code, self.permission.code)

    natural_key.dependencies = ["access_mgmt.systemrole", "access_mgmt.systempermission"]  # type: ignore[attr-defined]


class RoleHierarchy(TimestampedModel):
    """An inheritance edge: the parent role includes everything the child
    role has (its ALLOW and DENY rules, and its own children's). The edges
    form a directed acyclic graph; a trigger refuses an edge that closes a
    cycle."""

    parent_role = models.ForeignKey(
        SystemRole, on_delete=models.CASCADE, related_name="child_edges"
    )
    child_role = models.ForeignKey(
        SystemRole, on_delete=models.CASCADE, related_name="parent_edges"
    )

    objects = NaturalKeyManager("parent_role__code", "child_role__code")

    class Meta:
        db_table = schema_table("access_mgmt", "role_hierarchy")
        verbose_name = "role hierarchy edge"
        constraints = [
            models.UniqueConstraint(
                fields=["parent_role", "child_role"], name="role_hierarchy_one_edge_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(parent_role=F("child_role")),
                name="role_hierarchy_no_self_edge",
                violation_error_message="A role cannot inherit from itself.",
            ),
        ]

    def __str__(self):
        return f"{self.parent_role} > {self.child_role}"

    def natural_key(self):
        return (self.parent_role.code, self.child_role.code)

    natural_key.dependencies = ["access_mgmt.systemrole"]  # type: ignore[attr-defined]


class UserRole(TimestampedModel):
    """One assignment of a role to a staff user, valid from ``valid_from``
    until ``valid_to`` (open-ended when empty) unless revoked earlier, and the
    approval request that granted it. Revoking it revokes the user's sessions
    (trigger)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.ForeignKey(SystemRole, on_delete=models.PROTECT, related_name="assignments")
    approval = models.ForeignKey(
        "access_mgmt.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="granted_roles",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_granted",
    )
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_revoked",
    )
    revoke_reason = models.TextField(blank=True, default="")

    class Meta:
        db_table = schema_table("access_mgmt", "user_roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lt=F("valid_to")),
                name="user_roles_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True) | Q(revoked_at__isnull=False),
                name="user_roles_revoker_has_time",
                violation_error_message="A revoked assignment records when it was revoked.",
            ),
            # The same role twice for overlapping periods would make revoking
            # one of them meaningless.
            ExclusionConstraint(
                name="user_roles_no_overlapping_assignments",
                expressions=[
                    ("user", RangeOperators.EQUAL),
                    ("role", RangeOperators.EQUAL),
                    (TsTzRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                condition=Q(revoked_at__isnull=True),
                violation_error_message="The user already holds this role in that period.",
            ),
        ]

    def __str__(self):
        return f"{self.user} as {self.role}"

    def is_valid_at(self, moment):
        return (
            self.revoked_at is None
            and self.valid_from <= moment
            and (self.valid_to is None or moment < self.valid_to)
        )


#: The target column each scope type names (GLOBAL names none).
SCOPE_TARGETS = {
    ScopeType.CITY: "city",
    ScopeType.ZONE: "zone",
    ScopeType.MERCHANT_PARENT: "parent",
    ScopeType.MERCHANT_STORE: "store",
    ScopeType.TEAM: "team",
}


def scope_target_matches_type():
    """The condition "exactly the target column named by ``scope_type`` is
    set, the others are null" (GLOBAL: none is set), shared by access
    scopes and staff invitations."""

    def only(column):
        return Q(**{f"{name}__isnull": name != column for name in SCOPE_TARGETS.values()})

    condition = Q(scope_type=ScopeType.GLOBAL) & only(None)
    for scope_type, column in SCOPE_TARGETS.items():
        condition |= Q(scope_type=scope_type) & only(column)
    return condition


class UserAccessScope(TimestampedModel):
    """The data a role assignment applies to: everything (GLOBAL), or one
    city, zone, merchant parent, merchant store or team. Exactly the target
    column the scope type names is set. An assignment without scope rows
    covers everything, as a GLOBAL one does."""

    user_role = models.ForeignKey(UserRole, on_delete=models.CASCADE, related_name="scopes")
    scope_type = EnumField(ScopeType, default=ScopeType.GLOBAL)
    team = models.ForeignKey(
        "access_mgmt.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_scopes",
    )
    city = models.ForeignKey(
        "orders.ServiceCity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_scopes",
    )
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_scopes",
    )
    parent = models.ForeignKey(
        "merchants.MerchantParent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_scopes",
    )
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_scopes",
    )

    class Meta:
        db_table = schema_table("access_mgmt", "user_access_scopes")
        constraints = [
            models.CheckConstraint(
                condition=scope_target_matches_type(),
                name="user_access_scopes_target_matches_type",
                violation_error_message="The scope's target must match its type.",
            ),
            models.UniqueConstraint(
                fields=["user_role", "scope_type", "team", "city", "zone", "parent", "store"],
                nulls_distinct=False,
                name="user_access_scopes_unique_target",
                violation_error_message="The assignment already has this scope.",
            ),
        ]

    def __str__(self):
        target = self.target
        return f"{self.scope_type} {target}" if target is not None else self.scope_type

    @property
    def target(self):
        """The city, zone, merchant parent, store or team scoped to (None: GLOBAL)."""
        column = SCOPE_TARGETS.get(self.scope_type)
        return getattr(self, column) if column else None


class UserPermissionOverride(TimestampedModel):
    """A time-boxed grant or denial of one permission (or pattern) to one
    user, outside their roles: break-glass access, or a temporary block. It
    always ends (``valid_to``) and always says why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="permission_overrides"
    )
    permission = models.ForeignKey(
        "access_mgmt.SystemPermission", on_delete=models.PROTECT, related_name="user_overrides"
    )
    effect = EnumField(PermissionEffect)
    reason = models.TextField()
    approval = models.ForeignKey(
        "access_mgmt.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="granted_overrides",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overrides_granted",
    )
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "user_permission_overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")),
                name="user_permission_overrides_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="user_permission_overrides_reason_given",
                violation_error_message="An override says why it is needed.",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.effect} {self.permission}"
