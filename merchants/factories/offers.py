import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import CampaignStatus, OfferType
from merchants.factories.menus import MerchantMenuItemFactory
from merchants.factories.stores import LiveMerchantStoreFactory, MerchantStoreFactory
from merchants.models import MerchantAdCampaign, MerchantOffer, MerchantOfferItem


class MerchantOfferFactory(DjangoModelFactory):
    """20 % off up to 100 on orders above 199, for a month, at one store."""

    code = factory.Sequence(lambda n: f"SAVE20X{n}")
    parent = None
    store = factory.SubFactory(MerchantStoreFactory)
    offer_type = OfferType.PERCENT_OFF
    status = CampaignStatus.ACTIVE
    title = "20% off up to ₹100"
    discount_percent = Decimal("20.00")
    max_discount = Decimal("100.00")
    min_order_value = Decimal("199.00")
    merchant_share_percent = Decimal("100.00")
    valid_from = factory.LazyFunction(timezone.now)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + datetime.timedelta(days=30))
    usage_limit_per_customer = 3

    class Meta:
        model = MerchantOffer


class MerchantOfferItemFactory(DjangoModelFactory):
    offer = factory.SubFactory(MerchantOfferFactory)
    menu_item = factory.SubFactory(
        MerchantMenuItemFactory, category__menu__store=factory.SelfAttribute("....offer.store")
    )

    class Meta:
        model = MerchantOfferItem


class MerchantAdCampaignFactory(DjangoModelFactory):
    """A campaign of a LIVE store, shown in the store's own zone."""

    store = factory.SubFactory(LiveMerchantStoreFactory)
    zone = factory.SelfAttribute("store.zone")
    name = factory.Sequence(lambda n: f"Weekend search boost {n}")
    status = CampaignStatus.SCHEDULED
    placement = "SEARCH"
    budget = Decimal("5000.00")
    daily_budget_cap = Decimal("800.00")
    bid_per_click = Decimal("4.50")
    valid_from = factory.LazyFunction(timezone.now)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + datetime.timedelta(days=14))

    class Meta:
        model = MerchantAdCampaign
