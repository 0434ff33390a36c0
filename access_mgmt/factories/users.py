from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_mgmt.choices import SystemUserStatus
from access_mgmt.models import SystemUser, Team, TeamMember, UserInvitation
from gatimitra.db.secrets import keyed_hash


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
    code = factory.Sequence(lambda n: f"TEAM_{n:03d}")
    name = factory.LazyAttribute(lambda o: f"{o.city} city operations")
    team_type = "CITY_OPS"

    class Meta:
        model = Team
        django_get_or_create = ("code",)

    class Params:
        city = factory.Faker("city", locale="en_IN")


class TeamMemberFactory(DjangoModelFactory):
    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(SystemUserFactory)
    queues = factory.LazyFunction(lambda: ["order-issues"])
    skills = factory.LazyFunction(lambda: ["hindi", "english"])

    class Meta:
        model = TeamMember


class UserInvitationFactory(DjangoModelFactory):
    email = factory.Sequence(lambda n: f"invitee{n}@gatimitra.test")
    role = factory.SubFactory("access_mgmt.factories.roles.SystemRoleFactory")
    token_hash = factory.Sequence(lambda n: keyed_hash(f"invitation-token-{n}"))
    invited_by = factory.SubFactory(SystemUserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    class Meta:
        model = UserInvitation
