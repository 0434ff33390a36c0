"""The order's admin page shows what hangs off the order, inline."""

import pytest
from django.urls import reverse

from gatimitra.enums import OrderStatus
from orders.factories import (
    FoodOrderFactory,
    OrderPaymentFactory,
    OrderRefundFactory,
    RideOrderFactory,
)

pytestmark = pytest.mark.django_db

INLINES = [
    "items",
    "stops",
    "charges",
    "payments",
    "refunds",
    "rider_assignments",
    "timeline",
]


def change_page(client, superuser, order):
    client.force_login(superuser)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_order_page_shows_its_parts_inline(client, superuser):
    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    OrderRefundFactory(payment=order.payments.get(), order=order)
    page = change_page(client, superuser, order)
    for prefix in [*INLINES, "food_details"]:
        assert f'id="{prefix}-group"' in page, prefix
    assert "parcel_details-group" not in page and "ride_details-group" not in page
    assert order.charges.first().get_charge_type_display() in page


def test_ride_page_shows_its_ride_detail_and_no_items(client, superuser):
    page = change_page(client, superuser, RideOrderFactory())
    assert 'id="ride_details-group"' in page
    assert 'id="items-group"' not in page


def test_search_finds_an_order_by_its_number(client, superuser):
    order, other = FoodOrderFactory(), FoodOrderFactory()
    client.force_login(superuser)
    response = client.get(
        reverse("admin:orders_order_changelist"), {"q": order.order_number.lower()}
    )
    page = response.content.decode()
    assert order.order_number in page and other.order_number not in page


def test_payment_page_shows_its_events_and_refunds(client, superuser):
    payment = OrderPaymentFactory()
    OrderRefundFactory(payment=payment)
    client.force_login(superuser)
    page = client.get(reverse("admin:orders_orderpayment_change", args=[payment.pk])).content
    assert b'id="events-group"' in page and b'id="refunds-group"' in page
