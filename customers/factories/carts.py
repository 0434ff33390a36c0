from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.factories._data import DISHES, SEARCHES
from customers.factories.customers import CustomerAddressFactory, CustomerFactory
from customers.models import (
    CustomerCart,
    CustomerCartItem,
    CustomerFavourite,
    CustomerSearchHistory,
)
from gatimitra.enums import ServiceType


class CustomerCartFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    service_type = ServiceType.FOOD
    status = "ACTIVE"
    address = factory.SubFactory(
        CustomerAddressFactory, customer=factory.SelfAttribute("..customer")
    )
    item_total = Decimal("0.00")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=6))

    class Meta:
        model = CustomerCart


class CustomerCartItemFactory(DjangoModelFactory):
    cart = factory.SubFactory(CustomerCartFactory)
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
    customer = factory.SubFactory(CustomerFactory)
    target_type = "STORE"

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
