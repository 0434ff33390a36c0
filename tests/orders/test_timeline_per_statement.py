"""orders 0026: the first timeline row of every order a statement inserts
comes from one statement trigger (a transition table) instead of one INSERT
per order.

The rows written are those of 0003's row trigger, put back for comparison:
single-row and multi-row INSERT and COPY, with and without an actor. Status
changes still write their row per order, and a STATUS_CHANGE row written
by hand is still refused with the same message."""

from importlib import import_module

import pytest
from django.db import IntegrityError, connection, transaction

from gatimitra.enums import ActorType, OrderStatus
from orders import sql
from orders.factories import FoodOrderFactory, ParcelOrderFactory, RideOrderFactory
from orders.models import Order, OrderTimeline
from orders.timeline import status_actor

m0026 = import_module("orders.migrations.0026_record_inserted_orders_timeline_per_statement")
#: 0003's row trigger put back for comparison (dropping a trigger of an
#: audited table is audited maintenance, rolled back with the test).
PUT_BACK_0003 = [m0026.MAINTENANCE.format(way="test"), *m0026.TIMELINE_PER_ROW]

INSERT, UPDATE = 4, 16  # pg_trigger.tgtype bits
ROW = 1

COMPARED = (
    "event",
    "from_status",
    "status",
    "actor_type",
    "actor_user_id",
    "actor_ref_id",
    "note",
    "latitude",
    "longitude",
)


class RolledBack(Exception):
    pass


def timeline_rows(write, trigger_sql):
    """The timeline rows of the orders ``write()`` returns (in the order it
    wrote them), with the timeline triggers ``trigger_sql`` leaves in place;
    everything rolled back. An order is named by its place in that list."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for statement in trigger_sql:
                    cursor.execute(statement)
                cursor.execute("SELECT statement_timestamp()")
                (started,) = cursor.fetchone()
            order_ids = [order.pk for order in write()]
            entries = list(
                OrderTimeline.objects.filter(order_id__in=order_ids)
                .order_by("id")
                .values("order_id", "created_at", "updated_at", *COMPARED)
            )
            raise RolledBack
    except RolledBack:
        pass
    assert entries, "the write recorded no timeline row"
    for entry in entries:
        # clock_timestamp(), per row, both ways: written during the write.
        assert entry.pop("created_at") >= started and entry.pop("updated_at") >= started
        entry["order_id"] = order_ids.index(entry["order_id"])
    return entries


def assert_recorded_alike(write):
    now = timeline_rows(write, [])
    before = timeline_rows(write, PUT_BACK_0003)
    assert now == before
    return now


def copies_of(orders):
    """``orders`` inserted again by one multi-row INSERT ... SELECT (new
    order numbers: 9 for the 2 of the year after the prefix); the new orders in the order
    they were inserted."""
    columns = [
        field.column
        for field in Order._meta.concrete_fields
        if field.column not in ("id", "order_number")
    ]
    listed = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO orders.orders (order_number, {listed}) "
            f"SELECT left(order_number, 2) || '9' || substr(order_number, 4), {listed} "
            "FROM orders.orders "
            "WHERE id = ANY(%s) ORDER BY id RETURNING id",
            [[order.pk for order in orders]],
        )
        return [Order(pk=pk) for (pk,) in cursor.fetchall()]


def test_the_reverse_is_0003s_trigger():
    assert m0026.ROW_TRIGGER_ON_INSERT_OR_UPDATE in sql.STATUS_MACHINE


@pytest.mark.django_db
def test_inserts_fire_the_statement_trigger_and_updates_the_row_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgtype FROM pg_trigger WHERE tgrelid = 'orders.orders'::regclass "
            "AND tgname LIKE 'orders_status_timeline%%'"
        )
        tgtype = dict(cursor.fetchall())
    assert tgtype["orders_status_timeline"] & (ROW | UPDATE) == ROW | UPDATE
    assert not tgtype["orders_status_timeline"] & INSERT
    assert tgtype["orders_status_timeline_inserted"] & (ROW | INSERT) == INSERT


@pytest.mark.django_db
class TestSameRows:
    def test_one_order(self):
        rows = assert_recorded_alike(lambda: [FoodOrderFactory()])
        assert rows[0]["event"] == "STATUS_CHANGE" and rows[0]["from_status"] is None

    def test_one_order_with_an_actor(self):
        def write():
            with status_actor(
                ActorType.RIDER, actor_ref_id=77, note="picked", latitude=12.9, longitude=77.6
            ):
                return [RideOrderFactory(status=OrderStatus.SEARCHING_RIDER)]

        rows = assert_recorded_alike(write)
        assert rows[0]["actor_type"] == ActorType.RIDER and rows[0]["actor_ref_id"] == 77

    def test_several_orders_in_one_insert(self):
        def write():
            orders = [ParcelOrderFactory(), FoodOrderFactory(status=OrderStatus.CONFIRMED)]
            with status_actor(ActorType.SYSTEM_USER, note="imported"):
                return orders + copies_of(orders)

        rows = assert_recorded_alike(write)
        assert [row["order_id"] for row in rows] == [0, 1, 2, 3]
        assert rows[3]["note"] == "imported" and rows[3]["status"] == OrderStatus.CONFIRMED

    def test_several_orders_by_copy(self):
        def write():
            orders = [ParcelOrderFactory(), RideOrderFactory()]
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE copied ON COMMIT DROP AS "
                    "SELECT * FROM orders.orders WHERE id = ANY(%s) ORDER BY id",
                    [[order.pk for order in orders]],
                )
                cursor.execute(
                    "UPDATE copied SET "
                    "order_number = left(order_number, 2) || '9' || substr(order_number, 4), "
                    "id = nextval(pg_get_serial_sequence('orders.orders', 'id'))"
                )
                cursor.execute("SELECT id FROM copied ORDER BY id")
                copied = [Order(pk=pk) for (pk,) in cursor.fetchall()]
                with cursor.copy("COPY copied TO STDOUT") as out:
                    payload = b"".join(bytes(chunk) for chunk in out)
                with cursor.copy("COPY orders.orders FROM STDIN") as into:
                    into.write(payload)
            return orders + copied

        rows = assert_recorded_alike(write)
        assert len(rows) == 4

    def test_status_changes_after_the_insert(self):
        def write():
            order = FoodOrderFactory()
            with status_actor(ActorType.MERCHANT_USER, actor_ref_id=5):
                order.move_to(OrderStatus.CONFIRMED)
                order.move_to(OrderStatus.PREPARING)
            return [order]

        rows = assert_recorded_alike(write)
        assert [(row["from_status"], row["status"]) for row in rows] == [
            (None, OrderStatus.CREATED),
            (OrderStatus.CREATED, OrderStatus.CONFIRMED),
            (OrderStatus.CONFIRMED, OrderStatus.PREPARING),
        ]


def refusal(order, trigger_sql):
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for statement in trigger_sql:
                    cursor.execute(statement)
            OrderTimeline.objects.create(
                order=order, event="STATUS_CHANGE", status=OrderStatus.CANCELLED
            )
    except IntegrityError as error:
        return error.__cause__.diag.constraint_name, str(error).splitlines()[0]
    return None


@pytest.mark.django_db
def test_a_status_change_row_by_hand_is_refused_alike():
    order = FoodOrderFactory()
    now = refusal(order, [])
    assert now == refusal(order, PUT_BACK_0003)
    assert now is not None and now[0] == "order_timeline_status_change_by_trigger"
