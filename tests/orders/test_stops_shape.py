"""orders 0024: inserting a stop no longer queues the order-shape check.

What was refused before is refused now, with the same message, for
single-row and multi-row writes: a new order without a DROP (its own
trigger), a deleted or retyped DROP (the DELETE and UPDATE triggers)."""

import pytest
from django.db import connection

from orders import sql
from orders.choices import StopType
from orders.factories import OrderStopFactory, ParcelOrderFactory, RideOrderFactory
from orders.models import OrderStop
from orders.sqlfrozen import m0024_check_order_stops_shape_on_delete_only as m0024
from tests.fixtures.orders import check_deferred_now, deferred_refusal

INSERT, DELETE = 4, 8  # pg_trigger.tgtype bits


def test_the_reverse_is_0003s_trigger():
    assert m0024.STOPS_SHAPE_ON_INSERT_OR_DELETE[1] in sql.ORDER_SHAPE


@pytest.mark.django_db
def test_stops_are_checked_on_delete_only():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgtype FROM pg_trigger WHERE tgname = 'order_stops_shape' "
            "AND tgrelid = 'orders.order_stops'::regclass"
        )
        (tgtype,) = cursor.fetchone()
    assert tgtype & DELETE and not tgtype & INSERT


def refusal(write, trigger_sql):
    """The message ``write()`` gets at the deferred checks with the stops
    trigger created by ``trigger_sql`` (all rolled back). The orders
    ``write`` creates get new numbers each time: they read ``<new order>``."""
    refused = deferred_refusal(write, trigger_sql)
    return refused and refused[2]


def assert_refused_alike(write, expected):
    now = refusal(write, m0024.STOPS_SHAPE_ON_DELETE)
    before = refusal(write, m0024.STOPS_SHAPE_ON_INSERT_OR_DELETE)
    assert now == before
    assert now is not None and expected in now, now


@pytest.mark.django_db
class TestSameRefusals:
    def test_a_new_order_with_a_pickup_only(self):
        def write():
            order = ParcelOrderFactory(with_stops=False)
            OrderStopFactory(order=order, stop_type=StopType.PICKUP)
            return [order]

        assert_refused_alike(write, "found 1 pickup, 0 drop")

    def test_new_orders_with_pickups_only_in_one_insert(self):
        def write():
            orders = [ParcelOrderFactory(with_stops=False) for _ in range(2)]
            stops = [
                OrderStopFactory.build(order=order, stop_type=StopType.PICKUP, sequence=1)
                for order in orders
            ]
            OrderStop.objects.bulk_create(stops)
            return orders

        assert_refused_alike(write, "found 1 pickup, 0 drop")

    def test_deleting_the_drops_of_several_orders(self):
        orders = [RideOrderFactory() for _ in range(2)]

        def write():
            OrderStop.objects.filter(order__in=orders, stop_type=StopType.DROP).delete()

        assert_refused_alike(write, "found 1 pickup, 0 drop")

    def test_turning_the_only_drop_into_a_waypoint(self):
        order = RideOrderFactory()

        def write():
            OrderStop.objects.filter(order=order, stop_type=StopType.DROP).update(
                stop_type=StopType.WAYPOINT
            )

        assert_refused_alike(write, order.order_number)


@pytest.mark.django_db
def test_adding_stops_to_a_valid_order_passes():
    order = ParcelOrderFactory()
    OrderStop.objects.bulk_create(
        [
            OrderStopFactory.build(order=order, stop_type=StopType.WAYPOINT, sequence=10 + n)
            for n in range(3)
        ]
    )
    check_deferred_now()
    assert order.stops.count() == 5
