from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_mgmt.choices import ScopeType, SystemUserStatus
from access_mgmt.models import SystemUser, Team, TeamMember, UserInvitation
from gatimitra.db.secrets import keyed_hash
from merchants.choices import MerchantUserRole


class SystemUserFactory(DjangoModelFactory):
    email = factory.Sequence(lambda n: f"staff{n}@gatimitra.test")
    full_name = factory.Faker("name", locale="en_IN")
    mobile = factory.Sequence(lambda n: f"+9198{n:08d}")
    employee_id = factory.Sequence(lambda n: f"GM{n:05d}")
    status = SystemUserStatus.ACTIVE
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    class Meta:
        model = SystemUser
        django_get_or_create = ("email",)
        skip_postgeneration_save = True


class TeamFactory(DjangoModelFactory):
    """A city operations team (of a city); ``central=True`` for a central
    L1 support team with no city."""

    code = factory.Sequence(lambda n: f"TEAM_{n:03d}")
    name = factory.LazyAttribute(
        lambda o: f"{o.city.name} city operations" if o.city else "Central operations"
    )
    team_type = "CITY_OPS"
    city = factory.SubFactory("orders.factories.ServiceCityFactory")

    class Meta:
        model = Team
        django_get_or_create = ("code",)

    class Params:
        central = factory.Trait(
            team_type="SUPPORT_L1", city=None, name="Central support L1", vendor_name="Teleperf BPO"
        )


class TeamMemberFactory(DjangoModelFactory):
    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(SystemUserFactory)
    queues = factory.LazyFunction(lambda: ["order-issues"])
    skills = factory.LazyFunction(lambda: ["hindi", "english"])

    class Meta:
        model = TeamMember


class UserInvitationFactory(DjangoModelFactory):
    """A staff invitation with a GLOBAL scope; ``city_scope=True`` scopes it
    to a city, ``merchant_user=True`` makes it a merchant owner's invitation."""

    email = factory.Sequence(lambda n: f"invitee{n}@gatimitra.test")
    role = factory.SubFactory("access_mgmt.factories.roles.SystemRoleFactory")
    token_hash = factory.Sequence(lambda n: keyed_hash(f"invitation-token-{n}"))
    invited_by = factory.SubFactory(SystemUserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    class Meta:
        model = UserInvitation

    class Params:
        city_scope = factory.Trait(
            scope_type=ScopeType.CITY,
            city=factory.SubFactory("orders.factories.ServiceCityFactory"),
        )
        merchant_user = factory.Trait(
            invitee_type="MERCHANT_USER",
            role=None,
            merchant_role=MerchantUserRole.OWNER,
            scope_type=ScopeType.MERCHANT_PARENT,
            parent=factory.SubFactory("merchants.factories.MerchantParentFactory"),
        )
