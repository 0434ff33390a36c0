import string

import factory
from factory.django import DjangoModelFactory

from merchants.choices import MerchantEntityType, MerchantStatus, MerchantUserRole
from merchants.models import MerchantOnboardingApplication, MerchantParent, MerchantUser


def pan_for(n, holder="C"):
    """A well-formed, distinct PAN for each ``n``; the 4th letter is the
    holder type (C company, F firm, P person)."""
    letters = string.ascii_uppercase
    return f"AA{letters[(n // 260_000) % 26]}{holder}{letters[(n // 10_000) % 26]}{n % 10_000:04d}K"


def pin_code_for(n):
    """A Bengaluru-looking PIN code (560001-560099)."""
    return f"5600{n % 99 + 1:02d}"


class MerchantParentFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"MP{n:05d}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.brand_name} Foods Private Limited")
    brand_name = factory.Faker("company", locale="en_IN")
    entity_type = MerchantEntityType.PRIVATE_LIMITED
    status = MerchantStatus.ONBOARDING
    pan = factory.Sequence(pan_for)
    address_line1 = factory.Faker("street_name", locale="en_IN")
    city = "Bengaluru"
    state = "Karnataka"
    pin_code = factory.Sequence(pin_code_for)
    contact_email = factory.Sequence(lambda n: f"accounts{n}@merchant.test")
    contact_mobile = factory.Sequence(lambda n: f"+9195{n:08d}")

    class Meta:
        model = MerchantParent
        django_get_or_create = ("code",)


class MerchantUserFactory(DjangoModelFactory):
    parent = factory.SubFactory(MerchantParentFactory)
    role = MerchantUserRole.OWNER
    full_name = factory.Faker("name", locale="en_IN")
    mobile = factory.Sequence(lambda n: f"+9196{n:08d}")
    email = factory.Sequence(lambda n: f"owner{n}@merchant.test")

    class Meta:
        model = MerchantUser


class MerchantOnboardingApplicationFactory(DjangoModelFactory):
    parent = factory.SubFactory(MerchantParentFactory)
    owner = factory.SubFactory("access_mgmt.factories.SystemUserFactory")
    status = MerchantStatus.ONBOARDING
    lead_source = "FIELD_SALES"

    class Meta:
        model = MerchantOnboardingApplication
