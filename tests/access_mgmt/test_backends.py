"""RoleBackend: permissions come from roles, hierarchy, DENY rules and overrides."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.utils import timezone

from access_mgmt import factories
from access_mgmt.backends import Access, RoleBackend, code_regex, forget_access
from access_mgmt.choices import PermissionEffect, SystemUserStatus

ALLOW, DENY = PermissionEffect.ALLOW, PermissionEffect.DENY
NOW = timezone.now()


@pytest.mark.parametrize(
    ("code", "perm", "matches"),
    [
        ("riders.view_rider", "riders.view_rider", True),
        ("access_mgmt.view_team", "access_mgmt.view_teammember", False),
        ("orders.view_order", "ordersXview_order", False),
        ("riders.*", "riders.delete_riderdocument", True),
        ("riders.*", "orders.view_order", False),
        ("*.view_*", "orders.view_order", True),
        ("*.view_*", "orders.change_order", False),
        ("*.*payout*", "merchants.view_merchantstorepayout", True),
        ("*.*payout*", "riders.change_riderpayout", True),
        ("*.*payout*", "orders.view_order", False),
        ("riders.view_*document*", "riders.view_riderdocument", True),
        ("riders.view_*document*", "riders.change_riderdocument", False),
        ("*.*", "anything.at_all", True),
    ],
)
def test_code_grammar(code, perm, matches):
    assert Access(role_rules=[(code, ALLOW)]).allows(perm) is matches
    assert bool(re.fullmatch(code_regex(code), perm)) is matches


def test_deny_beats_allow_and_overrides_come_on_top():
    access = Access(
        role_rules=[("riders.*", ALLOW), ("riders.delete_*", DENY)],
        override_rules=[("riders.delete_riderdocument", ALLOW), ("riders.change_rider", DENY)],
    )
    assert access.allows("riders.view_rider")
    assert not access.allows("riders.delete_rider")  # role DENY
    assert access.allows("riders.delete_riderdocument")  # break-glass override
    assert not access.allows("riders.change_rider")  # override DENY
    assert not access.allows("orders.view_order")  # nothing grants it


def test_override_deny_beats_override_allow():
    access = Access(override_rules=[("orders.*", ALLOW), ("orders.delete_*", DENY)])
    assert access.allows("orders.change_order")
    assert not access.allows("orders.delete_order")


# -- with the database --------------------------------------------------------


def _rule(role, code, effect=ALLOW):
    return factories.RolePermissionFactory(
        role=role, permission=factories.SystemPermissionFactory(code=code), effect=effect
    )


def _fresh(user):
    """The user as a new request would load it (no cached access)."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def user(db):
    return factories.SystemUserFactory(is_staff=True)


@pytest.fixture
def role(db):
    return factories.SystemRoleFactory()


def test_permissions_of_a_held_role(user, role):
    _rule(role, "riders.view_*")
    factories.UserRoleFactory(user=user, role=role)
    assert user.has_perm("riders.view_rider")
    assert not user.has_perm("riders.change_rider")


def test_deny_on_one_role_beats_allow_on_another(user):
    broad, narrow = factories.SystemRoleFactory(), factories.SystemRoleFactory()
    _rule(broad, "merchants.*")
    _rule(narrow, "*.*payout*", DENY)
    factories.UserRoleFactory(user=user, role=broad)
    factories.UserRoleFactory(user=user, role=narrow)
    assert user.has_perm("merchants.change_merchantstore")
    assert not user.has_perm("merchants.view_merchantstorepayout")


def test_parent_role_inherits_child_rules_transitively(user):
    manager, lead, agent = (factories.SystemRoleFactory() for _ in range(3))
    factories.RoleHierarchyFactory(parent_role=manager, child_role=lead)
    factories.RoleHierarchyFactory(parent_role=lead, child_role=agent)
    _rule(manager, "orders.change_*")
    _rule(agent, "customers.view_*")
    _rule(agent, "*.delete_*", DENY)
    factories.UserRoleFactory(user=user, role=manager)
    assert user.has_perm("orders.change_order")
    assert user.has_perm("customers.view_customer")  # from the grandchild
    assert not user.has_perm("orders.delete_order")  # inherited DENY

    holder_of_child = factories.SystemUserFactory()
    factories.UserRoleFactory(user=holder_of_child, role=agent)
    assert holder_of_child.has_perm("customers.view_customer")
    assert not holder_of_child.has_perm("orders.change_order")  # not inherited upwards


def test_inactive_roles_grant_nothing(user, role):
    child = factories.SystemRoleFactory(is_active=False)
    factories.RoleHierarchyFactory(parent_role=role, child_role=child)
    _rule(child, "riders.view_*")
    factories.UserRoleFactory(user=user, role=role)
    assert not user.has_perm("riders.view_rider")
    role.is_active = False
    role.save()
    _rule(role, "orders.view_*")
    assert not _fresh(user).has_perm("orders.view_order")


@pytest.mark.parametrize(
    "window",
    [
        {"valid_from": NOW - timedelta(days=10), "valid_to": NOW - timedelta(days=1)},
        {"valid_from": NOW + timedelta(days=1)},
        {"revoked_at": NOW - timedelta(hours=1)},
    ],
    ids=["expired", "not-yet-valid", "revoked"],
)
def test_assignments_outside_their_window_grant_nothing(user, role, window):
    _rule(role, "riders.view_*")
    factories.UserRoleFactory(user=user, role=role, **window)
    assert not user.has_perm("riders.view_rider")


def test_overrides_are_time_boxed(user, role):
    _rule(role, "riders.*")
    _rule(role, "riders.delete_*", DENY)
    factories.UserRoleFactory(user=user, role=role)
    delete = factories.SystemPermissionFactory(code="riders.delete_rider")
    factories.UserPermissionOverrideFactory(
        user=user,
        permission=delete,
        valid_from=NOW - timedelta(days=2),
        valid_to=NOW - timedelta(days=1),
    )
    assert not _fresh(user).has_perm("riders.delete_rider")  # expired break-glass
    override = factories.UserPermissionOverrideFactory(user=user, permission=delete)
    assert _fresh(user).has_perm("riders.delete_rider")  # current break-glass
    override.revoked_at = NOW
    override.save()
    assert not _fresh(user).has_perm("riders.delete_rider")


def test_override_deny_removes_a_role_permission(user, role):
    _rule(role, "orders.*")
    factories.UserRoleFactory(user=user, role=role)
    factories.UserPermissionOverrideFactory(
        user=user,
        permission=factories.SystemPermissionFactory(code="orders.change_orderrefund"),
        effect=DENY,
    )
    assert user.has_perm("orders.change_order")
    assert not user.has_perm("orders.change_orderrefund")


def test_locked_user_has_no_permissions_and_superuser_has_all(user, role):
    _rule(role, "*.*")
    factories.UserRoleFactory(user=user, role=role)
    user.status = SystemUserStatus.LOCKED
    assert not user.has_perm("riders.view_rider")
    assert not RoleBackend().has_module_perms(user, "access_mgmt")
    root = factories.SystemUserFactory(is_superuser=True)
    assert RoleBackend().has_perm(root, "merchants.view_merchantstorepayout")
    assert root.has_perm("anything.at_all")


def test_rules_are_read_once_per_user_object(user, role, django_assert_num_queries):
    _rule(role, "access_mgmt.view_*")
    factories.UserRoleFactory(user=user, role=role)
    with django_assert_num_queries(1):
        assert user.has_perm("access_mgmt.view_team")
        assert user.has_module_perms("access_mgmt")
        assert not user.has_perm("access_mgmt.change_team")
    _rule(role, "access_mgmt.change_team")
    assert not user.has_perm("access_mgmt.change_team")  # still this request's answer
    forget_access(user)
    assert user.has_perm("access_mgmt.change_team")


def test_all_permissions_split_into_role_and_override_ones(user, role):
    _rule(role, "access_mgmt.view_team")
    _rule(role, "merchants.view_merchantstorepayout")  # model not installed here: still listed
    factories.UserRoleFactory(user=user, role=role)
    factories.UserPermissionOverrideFactory(
        user=user, permission=factories.SystemPermissionFactory(code="access_mgmt.change_team")
    )
    assert user.get_all_permissions() == {
        "access_mgmt.view_team",
        "merchants.view_merchantstorepayout",
        "access_mgmt.change_team",
    }
    assert user.get_group_permissions() == {
        "access_mgmt.view_team",
        "merchants.view_merchantstorepayout",
    }
    assert user.get_user_permissions() == {"access_mgmt.change_team"}
    assert user.get_all_permissions(obj=role) == set()


def test_all_permissions_expand_patterns_over_installed_models(user, role):
    _rule(role, "access_mgmt.view_*")
    _rule(role, "access_mgmt.view_user*", DENY)
    factories.UserRoleFactory(user=user, role=role)
    permissions = user.get_all_permissions()
    assert "access_mgmt.view_systemuser" in permissions
    assert "access_mgmt.view_team" in permissions
    assert "access_mgmt.view_userrole" not in permissions
    assert not any(perm.startswith("access_mgmt.change_") for perm in permissions)


def test_module_permissions(user, role):
    _rule(role, "access_mgmt.view_team")
    _rule(role, "customers.view_*")
    _rule(role, "*.*payout*")
    _rule(role, "orders.*")
    _rule(role, "audit.*", DENY)
    factories.UserRoleFactory(user=user, role=role)
    assert user.has_module_perms("access_mgmt")
    # Apps without models (yet): the rules' own patterns are asked about.
    assert user.has_module_perms("customers")
    assert user.has_module_perms("merchants")  # *.*payout* may match merchant payouts
    assert user.has_module_perms("orders")
    assert not user.has_module_perms("audit")  # audit.* is denied
    assert not user.has_module_perms("sessions")  # installed, nothing granted


def test_with_perm_lists_users_holding_a_permission(user, role):
    _rule(role, "merchants.*payout*")
    factories.UserRoleFactory(user=user, role=role)
    other = factories.SystemUserFactory()
    factories.UserRoleFactory(user=other, role=factories.SystemRoleFactory())
    root = factories.SystemUserFactory(is_superuser=True)
    holders = get_user_model().objects.filter(
        pk__in=RoleBackend().with_perm("merchants.view_merchantstorepayout")
    )
    assert set(holders) == {user, root}
    without_superusers = RoleBackend().with_perm(
        "merchants.view_merchantstorepayout", include_superusers=False
    )
    assert set(without_superusers) == {user}


def test_authenticates_active_users_by_email_and_password(user):
    assert authenticate(email=user.email, password="correct horse battery staple") == user
    assert authenticate(email=user.email, password="wrong") is None
    user.status = SystemUserStatus.DISABLED
    user.save()
    assert authenticate(email=user.email, password="correct horse battery staple") is None
