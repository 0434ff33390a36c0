from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import ServiceType, VerificationStatus
from merchants.choices import FssaiLicenceType, StoreStatus
from merchants.factories.parents import MerchantParentFactory, MerchantUserFactory, pin_code_for
from merchants.models import (
    MerchantCuisine,
    MerchantStore,
    MerchantStoreCuisine,
    MerchantStoreLink,
    MerchantStoreMedia,
    MerchantStoreServiceArea,
    MerchantUserStoreAccess,
)

#: Other apps' factories are named by dotted path and imported when first
#: used: theirs may import ours (a FOOD order needs a store), and module-level
#: imports both ways would be circular.
SERVICE_ZONE_FACTORY = "orders.factories.ServiceZoneFactory"
SERVICE_CITY_FACTORY = "orders.factories.ServiceCityFactory"


def bengaluru_zone(code="INDIRANAGAR", name="Indiranagar"):
    """A SubFactory for a zone of Bengaluru (city BLR), reused when it exists."""
    return factory.SubFactory(
        SERVICE_ZONE_FACTORY,
        city=factory.SubFactory(
            SERVICE_CITY_FACTORY,
            code="BLR",
            name="Bengaluru",
            state_name="Karnataka",
            state_code="29",
        ),
        code=code,
        name=name,
    )


class MerchantStoreFactory(DjangoModelFactory):
    """A FOOD restaurant in the Indiranagar zone of Bengaluru, in DRAFT. For a
    LIVE one use :class:`LiveMerchantStoreFactory`, which builds what the
    go-live gate asks."""

    code = factory.Sequence(lambda n: f"MS{n:05d}")
    parent = factory.SubFactory(MerchantParentFactory)
    zone = bengaluru_zone()
    status = StoreStatus.DRAFT
    service_types = factory.LazyFunction(lambda: [ServiceType.FOOD])
    store_kind = "RESTAURANT"
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.brand_name} #{n}")
    address_line1 = factory.Faker("street_name", locale="en_IN")
    locality = "Indiranagar"
    city = "Bengaluru"
    state = "Karnataka"
    pin_code = factory.Sequence(pin_code_for)
    latitude = factory.Sequence(lambda n: Decimal("12.900000") + Decimal(n % 1000) / 10_000)
    longitude = factory.Sequence(lambda n: Decimal("77.550000") + Decimal(n % 1000) / 10_000)
    contact_mobile = factory.Sequence(lambda n: f"+9197{n:08d}")
    fssai_number = factory.Sequence(lambda n: f"1{n:013d}")
    fssai_licence_type = FssaiLicenceType.STATE_LICENCE
    avg_prep_time_minutes = 20
    minimum_order_value = Decimal("99.00")
    packaging_charge = Decimal("15.00")

    class Meta:
        model = MerchantStore
        django_get_or_create = ("code",)


class LiveMerchantStoreFactory(MerchantStoreFactory):
    """A LIVE FOOD store with what the go-live gate requires: a VERIFIED FSSAI
    licence valid for a year, a VERIFIED default bank account of the store and
    an ACTIVE contract since last month. The store is created UNDER_REVIEW,
    given those rows, then moved to LIVE, as in real onboarding."""

    status = StoreStatus.LIVE
    is_accepting_orders = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from merchants.factories.documents import MerchantDocumentFactory
        from merchants.factories.payouts import (
            MerchantBankAccountFactory,
            MerchantContractFactory,
        )

        status = kwargs.pop("status")
        store = super()._create(model_class, *args, status=StoreStatus.UNDER_REVIEW, **kwargs)
        MerchantDocumentFactory(fssai=True, verified=True, store=store)
        MerchantBankAccountFactory(
            parent=None,
            store=store,
            is_default=True,
            verification_status=VerificationStatus.VERIFIED,
        )
        MerchantContractFactory(store=store)
        store.status = status
        store.went_live_at = timezone.now()
        store.save(update_fields=["status", "went_live_at", "updated_at"])
        return store


class MerchantStoreLinkFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    related_store = factory.SubFactory(
        MerchantStoreFactory, parent=factory.SelfAttribute("..store.parent")
    )
    link_kind = "SAME_OWNER_GROUP"

    class Meta:
        model = MerchantStoreLink


class MerchantUserStoreAccessFactory(DjangoModelFactory):
    merchant_user = factory.SubFactory(MerchantUserFactory)
    store = factory.SubFactory(
        MerchantStoreFactory, parent=factory.SelfAttribute("..merchant_user.parent")
    )

    class Meta:
        model = MerchantUserStoreAccess


class MerchantStoreServiceAreaFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    name = "Default radius"
    radius_m = 5000

    class Meta:
        model = MerchantStoreServiceArea


class MerchantStoreMediaFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    media_kind = "STOREFRONT"
    url = factory.Sequence(lambda n: f"https://cdn.gatimitra.test/stores/{n}/storefront.jpg")
    moderation_status = VerificationStatus.PENDING

    class Meta:
        model = MerchantStoreMedia


class MerchantCuisineFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"CUISINE_{n}")
    name = factory.Sequence(lambda n: f"Cuisine {n}")

    class Meta:
        model = MerchantCuisine
        django_get_or_create = ("code",)


class MerchantStoreCuisineFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    cuisine = factory.SubFactory(MerchantCuisineFactory)
    is_primary = True

    class Meta:
        model = MerchantStoreCuisine
