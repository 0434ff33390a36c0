from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from access_mgmt.models import AccessPolicy, PermissionGroup, SystemPermission


class PermissionGroupFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"GROUP_{n:02d}")
    name = factory.LazyAttribute(lambda o: o.code.title())

    class Meta:
        model = PermissionGroup
        django_get_or_create = ("code",)


class SystemPermissionFactory(DjangoModelFactory):
    """``SystemPermissionFactory(code="riders.*")`` returns the existing
    permission when the code is already in the catalogue."""

    code = factory.Sequence(lambda n: f"access_mgmt.view_thing{n}")
    name = factory.LazyAttribute(lambda o: f"Permission {o.code}")
    group = factory.SubFactory(PermissionGroupFactory)

    class Meta:
        model = SystemPermission
        django_get_or_create = ("code",)


class AccessPolicyFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"REFUND_LIMIT_{n}")
    permission = factory.SubFactory(SystemPermissionFactory, code="orders.change_orderrefund")
    description = "Refunds up to Rs 2,000 need no approval."
    max_amount = Decimal("2000.00")

    class Meta:
        model = AccessPolicy
