from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import ActorType, ApprovalStatus, FoodType
from merchants.choices import ItemAvailability
from merchants.factories.parents import MerchantUserFactory
from merchants.factories.stores import MerchantStoreFactory
from merchants.models import (
    MerchantItemStockEvent,
    MerchantMenu,
    MerchantMenuAddon,
    MerchantMenuAddonGroup,
    MerchantMenuCategory,
    MerchantMenuChangeRequest,
    MerchantMenuItem,
    MerchantMenuItemAddonGroup,
    MerchantMenuItemTag,
    MerchantMenuItemVariant,
)

_DISHES = [
    "Paneer Butter Masala",
    "Chicken Biryani",
    "Masala Dosa",
    "Dal Makhani",
    "Veg Hakka Noodles",
    "Butter Chicken",
    "Chole Bhature",
    "Gulab Jamun",
]


class MerchantMenuFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    name = factory.Sequence(lambda n: f"Delivery menu {n}")
    menu_kind = "DELIVERY"
    published_version = 1
    published_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = MerchantMenu


class MerchantMenuCategoryFactory(DjangoModelFactory):
    menu = factory.SubFactory(MerchantMenuFactory)
    name = factory.Sequence(lambda n: f"Main course {n}")

    class Meta:
        model = MerchantMenuCategory


class MerchantMenuItemFactory(DjangoModelFactory):
    """An item of its category's store (pass ``category__menu__store=`` to
    choose the store)."""

    category = factory.SubFactory(MerchantMenuCategoryFactory)
    store = factory.SelfAttribute("category.menu.store")
    name = factory.Iterator(_DISHES)
    description = "Slow-cooked, serves one."
    food_type = FoodType.VEG
    base_price = Decimal("249.00")
    packaging_charge = Decimal("10.00")
    gst_rate = Decimal("5.00")
    hsn_code = "996331"

    class Meta:
        model = MerchantMenuItem


class MerchantMenuItemVariantFactory(DjangoModelFactory):
    menu_item = factory.SubFactory(MerchantMenuItemFactory)
    name = factory.Sequence(lambda n: f"Full {n}")
    price = Decimal("299.00")

    class Meta:
        model = MerchantMenuItemVariant


class MerchantMenuAddonGroupFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    name = factory.Sequence(lambda n: f"Choose your bread {n}")
    min_selections = 0
    max_selections = 2

    class Meta:
        model = MerchantMenuAddonGroup


class MerchantMenuAddonFactory(DjangoModelFactory):
    addon_group = factory.SubFactory(MerchantMenuAddonGroupFactory)
    name = factory.Sequence(lambda n: f"Butter naan {n}")
    price = Decimal("45.00")
    food_type = FoodType.VEG

    class Meta:
        model = MerchantMenuAddon


class MerchantMenuItemAddonGroupFactory(DjangoModelFactory):
    menu_item = factory.SubFactory(MerchantMenuItemFactory)
    addon_group = factory.SubFactory(
        MerchantMenuAddonGroupFactory, store=factory.SelfAttribute("..menu_item.store")
    )

    class Meta:
        model = MerchantMenuItemAddonGroup


class MerchantMenuItemTagFactory(DjangoModelFactory):
    menu_item = factory.SubFactory(MerchantMenuItemFactory)
    tag = "BESTSELLER"

    class Meta:
        model = MerchantMenuItemTag


class MerchantMenuChangeRequestFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    merchant_user = factory.SubFactory(
        MerchantUserFactory, parent=factory.SelfAttribute("..store.parent")
    )
    change_kind = "PRICE_CHANGE"
    status = ApprovalStatus.PENDING
    diff = factory.LazyFunction(lambda: {"base_price": {"from": "249.00", "to": "269.00"}})
    reason = "Dairy prices went up"

    class Meta:
        model = MerchantMenuChangeRequest


class MerchantItemStockEventFactory(DjangoModelFactory):
    menu_item = factory.SubFactory(MerchantMenuItemFactory)
    availability = ItemAvailability.OUT_OF_STOCK_TODAY
    actor_type = ActorType.MERCHANT_USER
    merchant_user = factory.SubFactory(
        MerchantUserFactory, parent=factory.SelfAttribute("..menu_item.store.parent")
    )
    reason = "Paneer finished"

    class Meta:
        model = MerchantItemStockEvent
