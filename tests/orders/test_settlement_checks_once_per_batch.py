"""orders 0031: an INSERT into order_rider_assignments, order_settlements or
merchant_store_payouts queues its deferred checks on 0030's per-batch queue.

Every write here is refused (or passes) the same way with 0031 as with the
per-row triggers it replaced (its reverse applied in the same, rolled back,
transaction): message, SQLSTATE, CONSTRAINT; single-row ORM writes,
multi-row writes, COPY, writes after ``SET CONSTRAINTS ALL IMMEDIATE``,
savepoints rolled back, a bad row among many. Where two different rules
fail in one batch, the report differs on purpose (see the last tests)."""

import importlib
import re
from datetime import timedelta
from decimal import Decimal

import factory.random
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gatimitra.enums import OrderStatus, PayoutStatus
from merchants.factories import MerchantStorePayoutFactory
from merchants.models import MerchantStorePayout
from orders import sql
from orders.choices import AssignmentStatus
from orders.factories import (
    OrderDispatchOfferFactory,
    OrderFactory,
    OrderRiderAssignmentFactory,
    OrderSettlementFactory,
)
from orders.models import OrderSettlement
from orders.sqlfrozen import m0004_add_cross_schema_references as m0004
from orders.sqlfrozen import m0031_check_settlements_once_per_batch as m0031
from riders.factories import RiderOrderEarningFactory
from tests.fixtures.orders import check_deferred_now
from tests.orders.test_checks_once_per_batch import Passed, _sql, copy_rows

PER_BATCH, PER_ROW = (), tuple(m0031.CHECK_PER_ROW)

pytestmark = pytest.mark.django_db


def _migration(name):
    return importlib.import_module(f"orders.migrations.{name}")


def test_the_reverse_puts_back_the_per_row_insert_triggers_as_made():
    m0011 = _migration("0011_settled_money_is_final")
    m0015 = _migration("0015_completed_assignment_is_paid_and_settled")
    made = (
        m0004.SETTLEMENT_LINKS
        + m0011.SETTLEMENT_SPLIT
        + m0011.PAYOUT_OF_SETTLEMENTS
        + m0015.FORWARD
        + sql.DISPATCH_OFFER_REFERENCE
    )
    for statement in m0031.PER_ROW_INSERT_TRIGGERS:
        assert statement in made, statement


def _trigger_definitions():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
               WHERE tgrelid IN ('orders.order_rider_assignments'::regclass,
                                 'orders.order_settlements'::regclass,
                                 'merchants.merchant_store_payouts'::regclass)
                 AND NOT tgisinternal ORDER BY 1, 2"""
        )
        return cursor.fetchall()


def test_reverse_and_forward_again_leave_the_same_triggers():
    now = _trigger_definitions()
    with transaction.atomic():
        _sql(m0031.CHECK_PER_ROW)
        per_row = dict(_trigger_definitions())
        _sql(m0031.CHECK_ONCE_PER_BATCH)
        assert _trigger_definitions() == now
        transaction.set_rollback(True)
    assert (
        "AFTER INSERT OR UPDATE ON orders.order_settlements" in per_row["order_settlements_split"]
    )
    assert "order_settlements_queue_row_checks" not in per_row
    assert "AFTER UPDATE ON orders.order_settlements" in dict(now)["order_settlements_split"]


#: How a message names a row of each model by its id.
ID_WORDS = {
    "OrderSettlement": "settlement",
    "MerchantStorePayout": "payout",
    "OrderRiderAssignment": "assignment",
    "OrderDispatchOffer": "offer",
    "Rider": "rider(?: id)?",
}


def _named(message, rows):
    """``message`` with the order numbers and ids of ``rows`` (new in each
    run) read as ``<Model N>`` (N: their place)."""
    for place, row in enumerate(rows):
        kind = type(row).__name__
        label = f"<{kind} {place}>"
        if kind == "Order":
            message = message.replace(row.order_number, label)
        else:
            message = re.sub(rf"\b({ID_WORDS[kind]}) {row.pk}\b(?!\.)", rf"\1 {label}", message)
    # Other ids (of rows made on the way, new in each run too): numbered by
    # first appearance, so equal ids stay equal.
    ids = {}
    return re.sub(
        r"(?<![\d.<])\b\d+\b(?![\d.>])",
        lambda m: f"<id {ids.setdefault(m.group(), len(ids))}>",
        message,
    )


def refusal(write, checks):
    """(constraint, SQLSTATE, message) that ``write(named)`` gets by the time
    the deferred checks have run, with the checks per batch (0031) or per row
    (its reverse); all rolled back. ``write`` appends to ``named`` the rows
    made anew in each run whose numbers or ids the message may name."""
    named = []
    try:
        with transaction.atomic():
            check_deferred_now()
            _sql(checks)
            factory.random.reseed_random("orders 0031")
            write(named)
            check_deferred_now()
            raise Passed
    except Passed:
        return None
    except IntegrityError as error:
        message = _named(str(error).splitlines()[0], named)
        return error.__cause__.diag.constraint_name, error.__cause__.sqlstate, message


def assert_refused_alike(write, rule, *words, sqlstate="23514"):
    now = refusal(write, PER_BATCH)
    before = refusal(write, PER_ROW)
    assert now == before
    assert now is not None and now[:2] == (rule, sqlstate), now
    for word in words:
        assert word in now[2], now


def assert_passes_alike(write):
    assert refusal(write, PER_BATCH) is None
    assert refusal(write, PER_ROW) is None


def _delivered_order():
    """A delivered order without its settlement yet (the write adds it), nor
    a rider (whose completed assignment would want the settlement at once)."""
    return OrderFactory(status=OrderStatus.DELIVERED, with_assignment=False, with_settlement=False)


def _sent_payout(store, **fields):
    return MerchantStorePayoutFactory(
        store=store, contract=None, status=PayoutStatus.PROCESSING, **fields
    )


class TestSingleRowWrites:
    def test_a_settlement_that_does_not_collect_the_total(self):
        # Made once: both runs see the same menus and prices.
        order = _delivered_order()

        def write(named):
            named.append(order)
            named.append(OrderSettlementFactory(order=order, collected_amount=Decimal("1.00")))

        assert_refused_alike(write, "order_settlements_collects_order_total", "<Order 0>")

    def test_a_settlement_that_splits_too_much(self):
        # Made once: both runs see the same menus and prices.
        order = _delivered_order()

        def write(named):
            named.append(order)
            named.append(OrderSettlementFactory(order=order, merchant_receivable=Decimal("9999")))

        assert_refused_alike(write, "order_settlements_merchant_split", "<OrderSettlement 1>")

    def test_a_settlement_in_another_stores_payout(self):
        def write(named):
            order = _delivered_order()
            payout = MerchantStorePayoutFactory(contract=None)
            named.extend([order, payout])
            named.append(OrderSettlementFactory(order=order, payout=payout))

        assert_refused_alike(
            write, "order_settlements_payout_of_store", "<Order 0>", "<MerchantStorePayout 1>"
        )

    def test_a_sent_payout_without_its_settlements(self):
        def write(named):
            named.append(_sent_payout(OrderFactory().merchant_store))

        assert_refused_alike(
            write, "merchant_store_payouts_gross_of_settlements", "<MerchantStorePayout 0>"
        )

    def test_a_settlement_added_to_a_sent_payout(self):
        # Made once: both runs see the same menus and prices.
        order = _delivered_order()

        def write(named):
            payout = _sent_payout(order.merchant_store)
            named.extend([order, payout])
            named.append(OrderSettlementFactory(order=order, payout=payout))

        assert_refused_alike(
            write, "merchant_store_payouts_gross_of_settlements", "<MerchantStorePayout 1>"
        )

    def test_a_completed_assignment_without_its_earning(self):
        def write(named):
            assignment = OrderRiderAssignmentFactory(status=AssignmentStatus.COMPLETED)
            named.extend([assignment.order, assignment])

        assert_refused_alike(
            write,
            "order_rider_assignments_completed_has_earning",
            "<Order 0>",
            "<OrderRiderAssignment 1>",
        )

    def test_an_assignment_naming_an_offer_to_someone_else(self):
        def write(named):
            offer = OrderDispatchOfferFactory()
            assignment = OrderRiderAssignmentFactory(offer=offer)
            named.extend([offer.order, offer.rider, assignment.order, assignment.rider])
            named.extend([offer, assignment])

        assert_refused_alike(
            write,
            "order_rider_assignments_offer_of_order_rider",
            "<OrderRiderAssignment 5>",
            sqlstate="23503",
        )

    def test_an_assignment_naming_no_offer(self):
        def write(named):
            assignment = OrderRiderAssignmentFactory(offer_id=10**12)
            named.extend([assignment.order, assignment])

        assert_refused_alike(
            write,
            "order_rider_assignments_offer_exists",
            "<OrderRiderAssignment 1>",
            sqlstate="23503",
        )

    def test_a_settlement_naming_another_orders_earning(self):
        # Made once: both runs see the same menus and prices.
        earning = RiderOrderEarningFactory()
        order = _delivered_order()

        def write(named):
            named.append(order)
            OrderSettlementFactory(order=order, earning=earning, rider_earning=earning.total)

        assert_refused_alike(write, "order_settlements_earning_of_order_rider", "<Order 0>")

    def test_valid_settlements_payouts_and_assignments_pass(self):
        def write(named):
            named.append(OrderSettlementFactory())
            named.append(OrderFactory(status=OrderStatus.DELIVERED))
            named.append(OrderRiderAssignmentFactory())

        assert_passes_alike(write)


class TestManyRowsAndCopy:
    def test_the_first_bad_settlement_of_a_multi_row_insert(self):
        # Made once: both runs see the same menus and prices.
        orders = [_delivered_order() for _ in range(3)]

        def write(named):
            named.extend(orders)
            OrderSettlement.objects.bulk_create(
                [
                    OrderSettlementFactory.build(
                        order=order, earning=None, collected_amount=Decimal(place)
                    )
                    if place
                    else OrderSettlementFactory.build(order=order, earning=None)
                    for place, order in enumerate(orders)
                ]
            )

        assert_refused_alike(write, "order_settlements_collects_order_total", "<Order 1>")

    def test_a_copy_of_sent_payouts_without_settlements(self):
        store = OrderFactory().merchant_store
        base = MerchantStorePayoutFactory(store=store, contract=None)

        def write(named):
            payouts = [
                MerchantStorePayoutFactory.build(
                    store=store,
                    bank_account=base.bank_account,
                    contract=None,
                    status=PayoutStatus.PROCESSING,
                    cycle_start=base.cycle_start - timedelta(days=7 * (n + 1)),
                    cycle_end=base.cycle_end - timedelta(days=7 * (n + 1)),
                    gross_amount=Decimal(25000 + n),
                    net_amount=Decimal(25000 + n - 4500 - 810 - 125 - 25),
                )
                for n in range(2)
            ]
            copy_rows(payouts)
            named.extend(MerchantStorePayout.objects.exclude(pk=base.pk).order_by("pk"))

        assert_refused_alike(
            write,
            "merchant_store_payouts_gross_of_settlements",
            "<MerchantStorePayout 0>",
            "25000.00",
        )

    def test_a_copy_of_a_settlement_split_wrong(self):
        # Made once: both runs see the same menus and prices.
        order = _delivered_order()

        def write(named):
            named.append(order)
            copy_rows(
                [OrderSettlementFactory.build(order=order, earning=None, tcs=Decimal("3.00"))]
            )
            named.append(OrderSettlement.objects.get(order=order))

        assert_refused_alike(write, "order_settlements_merchant_split", "<OrderSettlement 1>")

    def test_a_copy_of_valid_settlements_passes(self):
        def write(named):
            orders = [_delivered_order() for _ in range(3)]
            copy_rows([OrderSettlementFactory.build(order=o, earning=None) for o in orders])

        assert_passes_alike(write)


class TestTransactionShapes:
    def test_a_write_after_set_constraints_immediate_is_refused_at_once(self):
        # Made once: both runs see the same menus and prices.
        order = _delivered_order()
        refused_by_the_write = []

        def write(named):
            named.append(order)
            _sql(["SET CONSTRAINTS ALL IMMEDIATE"])
            try:
                OrderSettlementFactory(order=order, collected_amount=Decimal("2.00"))
            except IntegrityError:
                refused_by_the_write.append(True)
                raise

        assert_refused_alike(write, "order_settlements_collects_order_total", "<Order 0>")
        assert refused_by_the_write == [True, True]

    def test_a_bad_settlement_rolled_back_to_its_savepoint_is_forgotten(self):
        def write(named):
            order = _delivered_order()
            try:
                with transaction.atomic():
                    OrderSettlementFactory(order=order, collected_amount=Decimal("2.00"))
                    raise RuntimeError("roll back to the savepoint")
            except RuntimeError:
                pass
            OrderSettlementFactory(order=order)

        assert_passes_alike(write)

    def test_a_bad_payout_before_a_savepoint_is_refused_after_it(self):
        def write(named):
            named.append(_sent_payout(OrderFactory().merchant_store))
            with transaction.atomic():
                named.append(OrderSettlementFactory())

        assert_refused_alike(
            write, "merchant_store_payouts_gross_of_settlements", "<MerchantStorePayout 0>"
        )

    def test_checks_that_failed_in_a_savepoint_run_again_at_commit(self):
        def write(named):
            assignment = OrderRiderAssignmentFactory(status=AssignmentStatus.COMPLETED)
            named.extend([assignment.order, assignment])
            with pytest.raises(IntegrityError), transaction.atomic():
                check_deferred_now()

        assert_refused_alike(
            write, "order_rider_assignments_completed_has_earning", "<OrderRiderAssignment 1>"
        )

    def test_a_second_statement_after_the_checks_ran_is_checked_again(self):
        def write(named):
            OrderSettlementFactory()
            check_deferred_now()
            assignment = OrderRiderAssignmentFactory(status=AssignmentStatus.COMPLETED)
            named.extend([assignment.order, assignment])

        assert_refused_alike(
            write, "order_rider_assignments_completed_has_earning", "<OrderRiderAssignment 1>"
        )


def _first_refused(statements, write):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        check_deferred_now()
        _sql(statements)
        write()
        check_deferred_now()
    return refused.value.__cause__.diag.constraint_name


def test_of_two_rules_broken_in_one_batch_the_rule_order_decides():
    """Deliberate difference: the per-row triggers reported the first event
    queued (here the payout, written first); the batch reports 0030's order
    checks first, then its rules in a fixed order (completed assignment,
    offer, links, split, payout gross), each lowest id first. With one
    broken row the two agree (every test above)."""
    store = OrderFactory().merchant_store

    def write():
        _sent_payout(store)
        OrderRiderAssignmentFactory(status=AssignmentStatus.COMPLETED, ended_at=timezone.now())

    assert _first_refused(PER_ROW, write) == "merchant_store_payouts_gross_of_settlements"
    assert _first_refused(PER_BATCH, write) == "order_rider_assignments_completed_has_earning"


def test_the_queue_is_empty_once_the_checks_ran():
    with transaction.atomic():
        OrderSettlementFactory()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orders_pending.row_checks")
            assert cursor.fetchone()[0] > 0
            check_deferred_now()
            cursor.execute(
                "SELECT (SELECT count(*) FROM orders_pending.row_checks), "
                "(SELECT count(*) FROM orders_pending.check_batches)"
            )
            assert cursor.fetchone() == (0, 0)
        transaction.set_rollback(True)


def test_only_the_owner_reaches_the_queue():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relpersistence,
                      NOT EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner)
               FROM pg_class c WHERE c.oid = 'orders_pending.row_checks'::regclass"""
        )
        assert cursor.fetchone() == ("u", True)
        cursor.execute(
            """SELECT proname, prosecdef, proconfig FROM pg_proc
               WHERE pronamespace = 'orders'::regnamespace
               AND proname IN ('queue_row_checks', 'run_row_checks') ORDER BY 1"""
        )
        assert cursor.fetchall() == [
            ("queue_row_checks", True, ["search_path=pg_catalog, pg_temp"]),
            ("run_row_checks", True, ["search_path=pg_catalog, pg_temp"]),
        ]
