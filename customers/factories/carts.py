from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.factories._data import DISHES, SEARCHES
from customers.factories._links import MENU_ITEM_FACTORY, STORE_FACTORY, when
from customers.factories.customers import CustomerAddressFactory, CustomerFactory
from customers.models import (
    CustomerCart,
    CustomerCartItem,
    CustomerFavourite,
    CustomerSearchHistory,
)
from gatimitra.enums import ServiceType


class CustomerCartFactory(DjangoModelFactory):
    """A cart; a FOOD cart (the default) is from a new store."""

    customer = factory.SubFactory(CustomerFactory)
    service_type = ServiceType.FOOD
    store = when(lambda o: o.service_type == ServiceType.FOOD, factory.SubFactory(STORE_FACTORY))
    status = "ACTIVE"
    address = factory.SubFactory(
        CustomerAddressFactory, customer=factory.SelfAttribute("..customer")
    )
    item_total = Decimal("0.00")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=6))

    class Meta:
        model = CustomerCart


class CustomerCartItemFactory(DjangoModelFactory):
    """A line of a FOOD cart: a new menu item of the cart's store."""

    cart = factory.SubFactory(CustomerCartFactory)
    menu_item = factory.SubFactory(
        MENU_ITEM_FACTORY,
        # Evaluated in the menu factory (item > category > menu): "...." is this line.
        category__menu__store=factory.SelfAttribute("....cart.store"),
        name=factory.SelfAttribute("..item_name"),
    )
    item_name = factory.LazyAttribute(lambda o: o.dish[0])
    unit_price = factory.LazyAttribute(lambda o: Decimal(o.dish[1]))
    quantity = 2
    addons = factory.LazyFunction(lambda: [{"name": "Extra raita", "price": "30.00"}])
    addons_total = Decimal("30.00")

    class Params:
        dish = factory.Iterator(DISHES)

    class Meta:
        model = CustomerCartItem


class CustomerFavouriteFactory(DjangoModelFactory):
    """A favourite store, or with ``target_type="MENU_ITEM"`` a favourite item."""

    customer = factory.SubFactory(CustomerFactory)
    target_type = "STORE"
    store = when(lambda o: o.target_type == "STORE", factory.SubFactory(STORE_FACTORY))
    menu_item = when(lambda o: o.target_type == "MENU_ITEM", factory.SubFactory(MENU_ITEM_FACTORY))

    class Meta:
        model = CustomerFavourite


class CustomerSearchHistoryFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    service_type = ServiceType.FOOD
    query = factory.Iterator(SEARCHES)
    result_count = 24
    latitude = Decimal("12.971891")
    longitude = Decimal("77.641154")

    class Meta:
        model = CustomerSearchHistory
