"""The *access default roles* seed loads into a fresh database, and loading
it again changes nothing."""

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from access_mgmt.models import (
    PermissionGroup,
    RoleHierarchy,
    RolePermission,
    SystemPermission,
    SystemRole,
)

pytestmark = pytest.mark.django_db

SEEDED = [PermissionGroup, SystemPermission, SystemRole, RolePermission, RoleHierarchy]
ROLES = {
    "SUPER_ADMIN",
    "CITY_OPS_MANAGER",
    "SUPPORT_AGENT",
    "FINANCE",
    "KYC_REVIEWER",
    "MERCHANT_ONBOARDING",
    "READ_ONLY_AUDITOR",
}


def _snapshot():
    return {
        model._meta.label: sorted(
            (
                {**model_to_dict(row), "created_at": row.created_at, "updated_at": row.updated_at}
                for row in model.objects.all()
            ),
            key=lambda row: row["id"],
        )
        for model in SEEDED
    }


def test_loading_twice_changes_nothing(default_roles):
    first = _snapshot()
    call_command("loaddata", "003_access_default_roles", verbosity=0)
    assert _snapshot() == first
    assert all(first.values())


def test_seed_has_the_promised_roles(default_roles):
    roles = set(SystemRole.objects.filter(is_system=True).values_list("code", flat=True))
    assert roles >= ROLES
    for code in ROLES:
        assert RolePermission.objects.filter(role__code=code, effect="ALLOW").exists(), code


def test_denials_are_explicit_rules(default_roles):
    denied = set(
        RolePermission.objects.filter(role__code="SUPPORT_AGENT", effect="DENY").values_list(
            "permission__code", flat=True
        )
    )
    assert "*.*payout*" in denied
    assert RoleHierarchy.objects.filter(
        parent_role__code="CITY_OPS_MANAGER", child_role__code="SUPPORT_AGENT"
    ).exists()
