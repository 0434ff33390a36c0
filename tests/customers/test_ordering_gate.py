"""Customers place only the orders their status allows (issue 21): a
suspended, blocked or departing customer places none, and one with COD
disabled places no CASH order."""

import pytest
from django.db import IntegrityError, transaction

from customers.choices import CustomerStatus
from customers.factories import CustomerFactory
from gatimitra.enums import PaymentMethod
from orders.factories import FoodOrderFactory
from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [CustomerStatus.SUSPENDED, CustomerStatus.BLOCKED])
def test_a_customer_who_may_not_order_places_nothing(status):
    customer = CustomerFactory(status=status)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        FoodOrderFactory(customer=customer)
    assert caught.value.__cause__.diag.constraint_name == "orders_customer_may_order"
    assert f"customer {customer.pk} is {status}" in str(caught.value)


def test_cod_disabled_customers_pay_otherwise():
    customer = CustomerFactory(cod_enabled=False)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        FoodOrderFactory(customer=customer, payment_method=PaymentMethod.CASH)
    assert caught.value.__cause__.diag.constraint_name == "orders_customer_cod_enabled"
    order = FoodOrderFactory(customer=customer, payment_method=PaymentMethod.UPI)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Order.objects.filter(pk=order.pk).update(payment_method=PaymentMethod.CASH)
    assert caught.value.__cause__.diag.constraint_name == "orders_customer_cod_enabled"


def test_an_order_placed_before_a_block_stays():
    order = FoodOrderFactory()
    order.customer.status = CustomerStatus.BLOCKED
    order.customer.save()
    assert Order.objects.filter(pk=order.pk).exists()
