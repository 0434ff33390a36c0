"""orders 0030: an INSERT queues the deferred order-shape and order-totals
checks once per statement, and they run once per batch, set-based.

Every write here is refused (or passes) the same way with 0030 as with the
per-row triggers it replaced (its reverse applied in the same, rolled back,
transaction): message, SQLSTATE, CONSTRAINT; single-row ORM writes,
multi-row writes, COPY, writes after ``SET CONSTRAINTS ALL IMMEDIATE``,
savepoints rolled back, a second statement after the checks fired, several
bad orders in one statement. The queue is empty once the checks ran, and
belongs to its owner alone."""

from decimal import Decimal

import factory.random
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import DatabaseDefault

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
from orders.models import OrderCharge, OrderStop
from orders.sqlfrozen import m0024_check_order_stops_shape_on_delete_only as m0024
from orders.sqlfrozen import m0030_check_orders_once_per_batch as m0030
from orders.sqlfrozen import m0031_check_settlements_once_per_batch as m0031
from tests.fixtures.orders import check_deferred_now

# 0031 keeps its own queue in 0030's schema: 0030 comes off after it.
PER_BATCH, PER_ROW = (), (*m0031.CHECK_PER_ROW, *m0030.CHECK_PER_ROW)


def test_the_reverse_puts_back_0003s_insert_triggers():
    restored = [s for s in m0030.CHECK_PER_ROW if s.startswith("CREATE CONSTRAINT TRIGGER")]
    current_0003 = sql.ORDER_SHAPE + sql.ORDER_TOTALS
    assert len(restored) == 7
    for statement in restored:
        assert statement in current_0003 or statement in m0024.STOPS_SHAPE_ON_INSERT_OR_DELETE


def _sql(statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Passed(Exception):
    pass


def refusal(write, checks):
    """(rule, SQLSTATE, message) that ``write(named)`` gets by the time the
    deferred checks have run, with the checks per batch (0030) or per row
    (its reverse); all rolled back. ``write`` appends to ``named`` the orders
    whose numbers the message may name: they read ``<order N>`` (N: their place)."""
    created = []
    try:
        with transaction.atomic():
            # Nothing queued on the tables the reverse replaces.
            check_deferred_now()
            _sql(checks)
            # The same random menus and prices in both runs, so the same totals.
            factory.random.reseed_random("orders 0030")
            write(created)
            check_deferred_now()
            raise Passed  # roll back these writes too
    except Passed:
        return None
    except IntegrityError as error:
        message = str(error).splitlines()[0]
        for place, order in enumerate(created):
            message = message.replace(order.order_number, f"<order {place}>")
        return error.__cause__.diag.constraint_name, error.__cause__.sqlstate, message
    return None


def assert_refused_alike(write, rule, *words):
    now = refusal(write, PER_BATCH)
    before = refusal(write, PER_ROW)
    assert now == before
    assert now is not None and now[:2] == (rule, "23514"), now
    for word in words:
        assert word in now[2], now


def assert_passes_alike(write):
    assert refusal(write, PER_BATCH) is None
    assert refusal(write, PER_ROW) is None


def copy_rows(objects):
    """Write unsaved model instances with one COPY (as bulk loads do)."""
    model = type(objects[0])
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not isinstance(getattr(objects[0], f.attname), DatabaseDefault)
    ]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row(
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            )


@pytest.mark.django_db
class TestSingleRowWrites:
    def test_a_food_order_without_its_detail(self):
        assert_refused_alike(
            lambda named: named.append(FoodOrderFactory(with_detail=False)),
            "orders_one_matching_detail",
            "found food 0, parcel 0, ride 0",
        )

    def test_a_food_order_without_items(self):
        assert_refused_alike(
            lambda named: named.append(FoodOrderFactory(with_items=False)),
            "orders_food_has_items",
            "<order 0>",
        )

    def test_an_item_on_a_parcel_order(self):
        def write(named):
            order = ParcelOrderFactory()
            named.append(order)
            OrderItemFactory(order=order)

        assert_refused_alike(write, "orders_items_only_on_food", "only FOOD orders")

    def test_a_ride_without_stops(self):
        assert_refused_alike(
            lambda named: named.append(RideOrderFactory(with_stops=False)),
            "orders_pickup_and_drop_stops",
            "found 0 pickup, 0 drop",
        )

    def test_an_order_breaking_three_rules_reports_the_first(self):
        assert_refused_alike(
            lambda named: named.append(
                FoodOrderFactory(with_detail=False, with_items=False, with_stops=False)
            ),
            "orders_one_matching_detail",
        )

    def test_a_charge_left_out_of_the_total(self):
        # Made once: both runs see the same menus and prices.
        order = FoodOrderFactory()

        def write(named):
            named.append(order)
            OrderChargeFactory(order=order, amount=Decimal("15.00"), refresh_order_totals=False)

        assert_refused_alike(write, "orders_total_matches_charges", "<order 0>")

    def test_a_deleted_charge(self):
        # Made once: both runs see the same menus and prices.
        order = FoodOrderFactory()

        def write(named):
            named.append(order)
            check_deferred_now()
            order.charges.order_by("id").first().delete()

        assert_refused_alike(write, "orders_total_matches_charges", "<order 0>")

    def test_valid_orders_and_charges_pass(self):
        def write(named):
            orders = [FoodOrderFactory(), ParcelOrderFactory(), RideOrderFactory()]
            named.extend(orders)
            OrderChargeFactory(order=orders[0], amount=Decimal("15.00"))

        assert_passes_alike(write)


@pytest.mark.django_db
class TestManyRowsAndCopy:
    def test_charges_of_several_orders_in_one_insert_report_the_first_order(self):
        # Made once: both runs see the same menus and prices.
        orders = [FoodOrderFactory(), ParcelOrderFactory(), RideOrderFactory()]

        def write(named):
            named.extend(orders)
            OrderCharge.objects.bulk_create(
                [OrderChargeFactory.build(order=o, amount=Decimal("7.50")) for o in orders[1:]]
            )

        assert_refused_alike(write, "orders_total_matches_charges", "<order 1>")

    def test_orders_without_a_drop_in_one_insert(self):
        def write(named):
            orders = [RideOrderFactory(with_stops=False) for _ in range(3)]
            named.extend(orders)
            OrderStop.objects.bulk_create(
                [
                    OrderStopFactory.build(order=order, stop_type=StopType.PICKUP, sequence=1)
                    for order in orders
                ]
            )

        assert_refused_alike(write, "orders_pickup_and_drop_stops", "<order 0>")

    def test_a_copy_of_charges_out_of_step(self):
        # Made once: both runs see the same menus and prices.
        orders = [FoodOrderFactory(), FoodOrderFactory()]

        def write(named):
            named.extend(orders)
            copy_rows([OrderChargeFactory.build(order=o, amount=Decimal("3.00")) for o in orders])

        assert_refused_alike(write, "orders_total_matches_charges", "<order 0>")

    def test_a_copy_of_an_item_onto_a_ride(self):
        def write(named):
            order = RideOrderFactory()
            named.append(order)
            copy_rows([OrderItemFactory.build(order=order)])

        assert_refused_alike(write, "orders_items_only_on_food", "<order 0>")

    def test_a_copy_kept_in_step_passes(self):
        # Made once: both runs see the same menus and prices.
        order = FoodOrderFactory()

        def write(named):
            named.append(order)
            copy_rows([OrderChargeFactory.build(order=order, amount=Decimal("3.00"))])
            order.apply_charge_totals()

        assert_passes_alike(write)


@pytest.mark.django_db
class TestTransactionShapes:
    def test_a_write_after_set_constraints_immediate_is_refused_at_once(self):
        # Made once: both runs see the same menus and prices.
        order = FoodOrderFactory()

        refused_by_the_write = []

        def write(named):
            named.append(order)
            _sql(["SET CONSTRAINTS ALL IMMEDIATE"])
            try:
                OrderChargeFactory(order=order, amount=Decimal("1.00"), refresh_order_totals=False)
            except IntegrityError:
                refused_by_the_write.append(True)
                raise

        assert_refused_alike(write, "orders_total_matches_charges", "<order 0>")
        assert refused_by_the_write == [True, True]

    def test_a_second_statement_after_the_checks_ran_is_checked_again(self):
        # Made once: both runs see the same menus and prices.
        order = RideOrderFactory()

        def write(named):
            named.append(order)
            check_deferred_now()
            OrderChargeFactory(order=order, amount=Decimal("2.00"), refresh_order_totals=False)

        assert_refused_alike(write, "orders_total_matches_charges", "<order 0>")

    def test_a_bad_write_rolled_back_to_its_savepoint_is_forgotten(self):
        def write(named):
            order = FoodOrderFactory()
            named.append(order)
            try:
                with transaction.atomic():
                    OrderChargeFactory(
                        order=order, amount=Decimal("2.00"), refresh_order_totals=False
                    )
                    raise RuntimeError("roll back to the savepoint")
            except RuntimeError:
                pass

        assert_passes_alike(write)

    def test_checks_that_failed_in_a_savepoint_run_again_at_commit(self):
        # Made once: both runs see the same menus and prices.
        order = FoodOrderFactory()

        def write(named):
            named.append(order)
            OrderChargeFactory(order=order, amount=Decimal("2.00"), refresh_order_totals=False)
            with pytest.raises(IntegrityError), transaction.atomic():
                check_deferred_now()

        assert_refused_alike(write, "orders_total_matches_charges", "<order 0>")

    def test_checks_that_passed_in_a_rolled_back_savepoint_run_again(self):
        def write(named):
            order = FoodOrderFactory()
            named.append(order)
            try:
                with transaction.atomic():
                    OrderChargeFactory(
                        order=order, amount=Decimal("2.00"), refresh_order_totals=False
                    )
                    order.apply_charge_totals()
                    check_deferred_now()
                    raise RuntimeError("roll back to the savepoint")
            except RuntimeError:
                pass

        assert_passes_alike(write)

    def test_a_bad_order_written_before_a_savepoint_is_refused_after_it(self):
        def write(named):
            order = FoodOrderFactory(with_items=False)
            named.append(order)
            with transaction.atomic():
                named.append(RideOrderFactory())

        assert_refused_alike(write, "orders_food_has_items", "<order 0>")


@pytest.mark.django_db
def test_of_several_bad_orders_the_lowest_id_is_reported():
    """The per-row triggers reported the first bad row queued; the batch
    reports the lowest order id (its shape before its totals), whatever the
    order of the statements: here the later order's charge is written first."""
    first, second = FoodOrderFactory(), FoodOrderFactory()
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        check_deferred_now()
        for order in (second, first):
            OrderChargeFactory(order=order, amount=Decimal("4.00"), refresh_order_totals=False)
        check_deferred_now()
    assert first.pk < second.pk
    assert f"order {first.order_number} has total" in str(refused.value)


@pytest.mark.django_db
@pytest.mark.parametrize("setting", ["0", "1", "7"])
def test_the_batch_setting_regroups_but_never_skips_a_check(setting):
    """Each batch that fired moves the transaction to the next batch number;
    a number set by hand (a fired batch, the current one, a future one) only
    changes which marker the ids wait under."""
    order = FoodOrderFactory()
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        check_deferred_now()
        assert _setting() != ""
        _sql([f"SELECT set_config('orders.pending_check_batch', '{setting}', true)"])
        OrderChargeFactory(order=order, amount=Decimal("3.00"), refresh_order_totals=False)
        check_deferred_now()
    assert refused.value.__cause__.diag.constraint_name == "orders_total_matches_charges"


def _setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('orders.pending_check_batch', true)")
        return cursor.fetchone()[0] or ""


@pytest.mark.django_db
def test_the_queue_is_empty_once_the_checks_ran():
    with transaction.atomic():
        FoodOrderFactory()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orders_pending.order_checks")
            assert cursor.fetchone()[0] > 0
            check_deferred_now()
            cursor.execute(
                "SELECT (SELECT count(*) FROM orders_pending.order_checks), "
                "(SELECT count(*) FROM orders_pending.check_batches)"
            )
            assert cursor.fetchone() == (0, 0)


@pytest.mark.django_db
def test_only_the_owner_reaches_the_queue():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, c.relpersistence,
                      NOT EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner)
               FROM pg_class c WHERE c.relnamespace = 'orders_pending'::regnamespace
               AND c.relkind = 'r' ORDER BY 1"""
        )
        assert cursor.fetchall() == [
            ("check_batches", "u", True),
            ("order_checks", "u", True),
            ("row_checks", "u", True),
        ]
        cursor.execute(
            """SELECT NOT EXISTS (SELECT FROM aclexplode(n.nspacl) a WHERE a.grantee <> n.nspowner)
               FROM pg_namespace n WHERE n.nspname = 'orders_pending'"""
        )
        assert cursor.fetchone() == (True,)
        cursor.execute(
            """SELECT proname, prosecdef, proconfig FROM pg_proc
               WHERE pronamespace = 'orders'::regnamespace
               AND proname IN ('queue_order_checks', 'run_order_checks') ORDER BY 1"""
        )
        assert cursor.fetchall() == [
            ("queue_order_checks", True, ["search_path=pg_catalog, pg_temp"]),
            ("run_order_checks", True, ["search_path=pg_catalog, pg_temp"]),
        ]
