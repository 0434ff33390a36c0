"""orders 0027: the deferred order-shape and order-totals checks read what
they compare in one statement each.

What 0003's bodies refused is refused now, with the same message, rule and
SQLSTATE, single- and multi-row (0003's bodies put back for comparison);
an order failing two rules reports the same one; valid orders pass."""

from decimal import Decimal
from importlib import import_module

import pytest

from orders import sql
from orders.choices import StopType
from orders.factories import (
    FoodOrderFactory,
    OrderChargeFactory,
    OrderItemFactory,
    OrderStopFactory,
    ParcelOrderFactory,
    RideOrderFactory,
)
from orders.models import Order, OrderCharge, OrderStop
from tests.fixtures.orders import deferred_refusal

m0027 = import_module("orders.migrations.0027_check_order_shape_and_totals_in_one_query")


def test_the_reverse_is_0003s_bodies():
    for now, before in zip(
        m0027.CHECKS_AS_IN_0003, (sql.ORDER_SHAPE[0], sql.ORDER_TOTALS[0]), strict=True
    ):
        assert now == before.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def refusal(write, function_sql):
    """What ``write()`` gets with the check functions of ``function_sql``;
    the orders it creates read ``<new order>``."""
    return deferred_refusal(write, function_sql)


def assert_refused_alike(write, rule, *words):
    now = refusal(write, m0027.CHECKS_IN_ONE_QUERY)
    before = refusal(write, m0027.CHECKS_AS_IN_0003)
    assert now == before
    assert now is not None and now[:2] == (rule, "23514"), now
    for word in words:
        assert word in now[2], now


def assert_passes_alike(write):
    assert refusal(write, m0027.CHECKS_IN_ONE_QUERY) is None
    assert refusal(write, m0027.CHECKS_AS_IN_0003) is None


@pytest.mark.django_db
class TestShape:
    def test_a_food_order_without_its_detail(self):
        assert_refused_alike(
            lambda: [FoodOrderFactory(with_detail=False)],
            "orders_one_matching_detail",
            "found food 0, parcel 0, ride 0",
        )

    def test_a_food_order_without_items(self):
        assert_refused_alike(
            lambda: [FoodOrderFactory(with_items=False)], "orders_food_has_items", "<new order>"
        )

    def test_a_parcel_order_with_an_item(self):
        def write():
            order = ParcelOrderFactory()
            OrderItemFactory(order=order)
            return [order]

        assert_refused_alike(write, "orders_items_only_on_food", "only FOOD orders")

    def test_orders_without_a_drop_in_one_insert(self):
        def write():
            orders = [RideOrderFactory(with_stops=False) for _ in range(2)]
            OrderStop.objects.bulk_create(
                [
                    OrderStopFactory.build(order=order, stop_type=StopType.PICKUP, sequence=1)
                    for order in orders
                ]
            )
            return orders

        assert_refused_alike(write, "orders_pickup_and_drop_stops", "found 1 pickup, 0 drop")

    def test_an_order_breaking_three_rules_reports_the_first(self):
        assert_refused_alike(
            lambda: [FoodOrderFactory(with_detail=False, with_items=False, with_stops=False)],
            "orders_one_matching_detail",
        )

    def test_valid_orders_pass(self):
        assert_passes_alike(lambda: [FoodOrderFactory(), ParcelOrderFactory(), RideOrderFactory()])


@pytest.mark.django_db
class TestTotals:
    def test_a_charge_left_out_of_the_total(self):
        order = FoodOrderFactory()

        def write():
            OrderChargeFactory(order=order, amount=Decimal("15.00"), refresh_order_totals=False)
            return [order]

        assert_refused_alike(
            write, "orders_total_matches_charges", "order_charges add up to total", "<new order>"
        )

    def test_charges_of_several_orders_in_one_insert(self):
        orders = [FoodOrderFactory(), ParcelOrderFactory()]

        def write():
            OrderCharge.objects.bulk_create(
                [OrderChargeFactory.build(order=order, amount=Decimal("7.50")) for order in orders]
            )
            return orders

        assert_refused_alike(write, "orders_total_matches_charges", "<new order>")

    def test_a_total_changed_alone(self):
        order = RideOrderFactory()

        def write():
            Order.objects.filter(pk=order.pk).update(total=order.total + 1)
            return [order]

        assert_refused_alike(write, "orders_total_matches_charges", "<new order>")

    def test_totals_kept_in_step_pass(self):
        def write():
            order = FoodOrderFactory()
            OrderChargeFactory(order=order, amount=Decimal("15.00"))
            return [order]

        assert_passes_alike(write)
