from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_mgmt.choices import PermissionEffect, ScopeType
from access_mgmt.factories.permissions import SystemPermissionFactory
from access_mgmt.factories.users import SystemUserFactory
from access_mgmt.models import (
    RoleHierarchy,
    RolePermission,
    SystemRole,
    UserAccessScope,
    UserPermissionOverride,
    UserRole,
)


class SystemRoleFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"ROLE_{n:03d}")
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " ").title())

    class Meta:
        model = SystemRole
        django_get_or_create = ("code",)


class RolePermissionFactory(DjangoModelFactory):
    role = factory.SubFactory(SystemRoleFactory)
    permission = factory.SubFactory(SystemPermissionFactory)
    effect = PermissionEffect.ALLOW

    class Meta:
        model = RolePermission


class RoleHierarchyFactory(DjangoModelFactory):
    parent_role = factory.SubFactory(SystemRoleFactory)
    child_role = factory.SubFactory(SystemRoleFactory)

    class Meta:
        model = RoleHierarchy


class UserRoleFactory(DjangoModelFactory):
    """A role assignment that started a day ago and is open-ended."""

    user = factory.SubFactory(SystemUserFactory)
    role = factory.SubFactory(SystemRoleFactory)
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Meta:
        model = UserRole


class UserAccessScopeFactory(DjangoModelFactory):
    """A GLOBAL scope; the traits ``city_scope``, ``zone_scope``,
    ``parent_scope``, ``store_scope`` and ``team_scope`` make one of that
    type with its target."""

    user_role = factory.SubFactory(UserRoleFactory)
    scope_type = ScopeType.GLOBAL

    class Meta:
        model = UserAccessScope

    class Params:
        city_scope = factory.Trait(
            scope_type=ScopeType.CITY,
            city=factory.SubFactory("orders.factories.ServiceCityFactory"),
        )
        zone_scope = factory.Trait(
            scope_type=ScopeType.ZONE,
            zone=factory.SubFactory("orders.factories.ServiceZoneFactory"),
        )
        parent_scope = factory.Trait(
            scope_type=ScopeType.MERCHANT_PARENT,
            parent=factory.SubFactory("merchants.factories.MerchantParentFactory"),
        )
        store_scope = factory.Trait(
            scope_type=ScopeType.MERCHANT_STORE,
            store=factory.SubFactory("merchants.factories.MerchantStoreFactory"),
        )
        team_scope = factory.Trait(
            scope_type=ScopeType.TEAM,
            team=factory.SubFactory("access_mgmt.factories.users.TeamFactory"),
        )


class UserPermissionOverrideFactory(DjangoModelFactory):
    """A break-glass ALLOW valid from an hour ago until tomorrow."""

    user = factory.SubFactory(SystemUserFactory)
    permission = factory.SubFactory(SystemPermissionFactory)
    effect = PermissionEffect.ALLOW
    reason = factory.Sequence(lambda n: f"Break-glass access for incident INC-{n:05d}")
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    valid_to = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))

    class Meta:
        model = UserPermissionOverride
