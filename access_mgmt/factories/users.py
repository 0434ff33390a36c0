import factory
from factory.django import DjangoModelFactory

from access_mgmt.choices import SystemUserStatus
from access_mgmt.models import SystemUser


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
