"""The wallet and loyalty ledgers (CATALOG section 8, items 1-3): chained
per owner by the database, never below zero, idempotent, append-only, and
the owner's balance always equal to the ledger - also under concurrency."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.db.models import Case, F, Sum, When

from customers.choices import CustomerWalletTxnType as WalletTxn
from customers.choices import LoyaltyTxnType as LoyaltyTxn
from customers.factories import CustomerLoyaltyFactory, CustomerWalletFactory
from customers.factories._links import placed_by
from customers.models import (
    CustomerLoyalty,
    CustomerLoyaltyTransaction,
    CustomerWallet,
    CustomerWalletTransaction,
)
from gatimitra.enums import LedgerEntryDirection as Direction
from orders.factories import FoodOrderFactory
from tests.customers.helpers import refused

pytestmark = pytest.mark.django_db


def ledger_sum(model, **owner):
    signed = Case(When(direction=Direction.CREDIT, then=F("amount")), default=-F("amount"))
    return model.objects.filter(**owner).aggregate(total=Sum(signed))["total"] or 0


def assert_chain(model, **owner):
    """seq_no is 1..n without gaps and each balance_after = previous ± amount."""
    balance = 0
    rows = list(model.objects.filter(**owner).order_by("seq_no"))
    for expected_seq, row in enumerate(rows, start=1):
        assert row.seq_no == expected_seq
        balance += row.amount if row.direction == Direction.CREDIT else -row.amount
        assert row.balance_after == balance
    return balance


def credit(wallet, amount, source_id, txn_type=WalletTxn.GOODWILL_CREDIT, **kwargs):
    """A goodwill credit from a support ticket (no order or refund needed)."""
    return wallet.credit(
        txn_type, Decimal(amount), source_type="TICKET", source_id=source_id, **kwargs
    )


def an_order(wallet):
    """An order of the wallet's customer, for ORDER_DEBITs to name."""
    return FoodOrderFactory(**placed_by(wallet.customer))


def pay(wallet, amount, order, source_id=None):
    return wallet.debit(
        WalletTxn.ORDER_DEBIT,
        Decimal(amount),
        source_type="ORDER",
        source_id=source_id or order.pk,
        order=order,
    )


class TestWalletLedger:
    def test_database_numbers_and_balances_each_entry(self, wallet):
        first = credit(wallet, "250.00", "r-1")
        second = credit(wallet, "99.50", "r-2")
        spend = pay(wallet, "120.25", an_order(wallet))

        assert (first.seq_no, second.seq_no, spend.seq_no) == (1, 2, 3)
        assert (first.balance_after, second.balance_after, spend.balance_after) == (
            Decimal("250.00"),
            Decimal("349.50"),
            Decimal("229.25"),
        )
        assert wallet.balance == Decimal("229.25")
        assert CustomerWallet.objects.get(pk=wallet.pk).balance == assert_chain(
            CustomerWalletTransaction, wallet=wallet
        )

    def test_chains_are_per_wallet(self, wallet):
        other = CustomerWalletFactory(credits=["10.00"])
        credit(wallet, "5.00", "r-3")
        assert wallet.transactions.get().seq_no == 1
        assert other.transactions.get().seq_no == 1

    def test_replayed_credit_is_refused_not_doubled(self, wallet):
        credit(wallet, "150.00", "ticket-42")
        with refused("customer_wallet_transactions_source_uniq"):
            credit(wallet, "150.00", "ticket-42", idempotency_key="retry-of-ticket-42")
        with refused("customer_wallet_transactions_idempotency_key"):
            credit(
                wallet, "150.00", "ticket-43", idempotency_key="TICKET:ticket-42:GOODWILL_CREDIT"
            )

        wallet.refresh_from_db()
        assert wallet.balance == Decimal("150.00")
        assert wallet.transactions.count() == 1

    def test_same_source_may_post_different_types(self, wallet):
        # A goodwill credit, then that same credit reversed.
        credit(wallet, "80.00", "ticket-7")
        wallet.debit(
            WalletTxn.REVERSAL, Decimal("80.00"), source_type="TICKET", source_id="ticket-7"
        )
        assert wallet.balance == 0

    def test_balance_never_goes_below_zero(self, wallet):
        credit(wallet, "100.00", "r-4")
        with refused("customers.customer_wallet_transactions", "below 0"):
            pay(wallet, "100.01", an_order(wallet))
        wallet.refresh_from_db()
        assert wallet.balance == Decimal("100.00")

    def test_supplied_seq_no_and_balance_after_must_fit_the_chain(self, wallet):
        credit(wallet, "100.00", "r-5")
        entry = {
            "wallet": wallet,
            "direction": Direction.CREDIT,
            "txn_type": WalletTxn.CASHBACK,
            "amount": Decimal("10.00"),
            "source_type": "ORDER",
            "source_id": "9",
            "idempotency_key": "k-9",
        }
        with refused("customers.customer_wallet_transactions", "is not the next one"):
            CustomerWalletTransaction.objects.create(seq_no=5, **entry)
        with refused("customers.customer_wallet_transactions", "should be 110.00"):
            CustomerWalletTransaction.objects.create(balance_after=Decimal("500.00"), **entry)
        assert CustomerWalletTransaction.objects.create(
            seq_no=2, balance_after=Decimal("110.00"), **entry
        ).pk

    def test_cached_balance_changes_only_through_the_ledger(self, wallet):
        credit(wallet, "40.00", "r-6")
        with refused("customers.customer_wallet", "changes only through"):
            CustomerWallet.objects.filter(pk=wallet.pk).update(balance=Decimal("4000.00"))

    def test_saving_a_stale_wallet_keeps_the_ledger_balance(self, wallet):
        stale = CustomerWallet.objects.get(pk=wallet.pk)
        credit(wallet, "60.00", "r-7")
        stale.frozen_reason = "Chargeback under review"
        stale.save()  # writes everything but the ledger-maintained balance
        assert CustomerWallet.objects.get(pk=wallet.pk).balance == Decimal("60.00")

    def test_entries_are_append_only(self, wallet):
        entry = credit(wallet, "30.00", "r-8")
        with refused("customer_wallet_transactions is append-only"):
            CustomerWalletTransaction.objects.filter(pk=entry.pk).update(amount=Decimal("3000"))
        with refused("customer_wallet_transactions is append-only"):
            CustomerWalletTransaction.objects.filter(pk=entry.pk).delete()
        with pytest.raises(TypeError, match="append-only"):
            entry.save()

    def test_frozen_wallet_takes_credits_but_cannot_be_spent(self, wallet):
        credit(wallet, "200.00", "r-9")
        wallet.status, wallet.frozen_at = "FROZEN", wallet.created_at
        wallet.save()
        credit(wallet, "20.00", "r-10")
        with refused("customers.customer_wallet_transactions", "is FROZEN"):
            pay(wallet, "5.00", an_order(wallet))

    def test_closed_wallet_takes_nothing(self, wallet):
        wallet.status = "CLOSED"
        wallet.save()
        with refused("customers.customer_wallet_transactions", "is CLOSED"):
            credit(wallet, "1.00", "r-11")

    def test_factory_writes_a_consistent_ledger(self):
        wallet = CustomerWalletFactory(credits=["100.00", "25.50"])
        assert wallet.balance == Decimal("125.50")
        assert assert_chain(CustomerWalletTransaction, wallet=wallet) == wallet.balance


class TestLoyaltyLedger:
    def test_points_chain_and_lifetime_points(self, loyalty):
        loyalty.earn(200, source_type="ORDER", source_id=1)
        loyalty.post(
            Direction.CREDIT, LoyaltyTxn.BONUS, 50, source_type="CAMPAIGN", source_id="diwali"
        )
        loyalty.redeem(120, source_type="ORDER", source_id=2)
        # Order 1 cancelled: its 200 points are taken back.
        loyalty.post(Direction.DEBIT, LoyaltyTxn.REVERSE, 100, source_type="ORDER", source_id=1)

        loyalty.refresh_from_db()
        assert loyalty.points_balance == 30
        assert loyalty.lifetime_points == 150  # 200 + 50 earned, 100 taken back
        assert assert_chain(CustomerLoyaltyTransaction, loyalty=loyalty) == 30
        assert ledger_sum(CustomerLoyaltyTransaction, loyalty=loyalty) == 30

    def test_redeeming_more_than_the_balance_is_refused(self, loyalty):
        loyalty.earn(100, source_type="ORDER", source_id=3)
        with refused("customers.customer_loyalty_transactions", "below 0"):
            loyalty.redeem(101, source_type="ORDER", source_id=4)

    def test_replayed_earn_is_refused_not_doubled(self, loyalty):
        loyalty.earn(75, source_type="ORDER", source_id=5)
        with refused("customer_loyalty_transactions_source_uniq"):
            loyalty.earn(75, source_type="ORDER", source_id=5, idempotency_key="again")
        loyalty.refresh_from_db()
        assert (loyalty.points_balance, loyalty.lifetime_points) == (75, 75)

    def test_balances_change_only_through_the_ledger(self, loyalty):
        with refused("customers.customer_loyalty", "points_balance changes only through"):
            CustomerLoyalty.objects.filter(pk=loyalty.pk).update(points_balance=10**6)
        with refused("customers.customer_loyalty", "lifetime_points changes only through"):
            CustomerLoyalty.objects.filter(pk=loyalty.pk).update(lifetime_points=10**6)

    def test_entries_are_append_only(self, loyalty):
        entry = loyalty.earn(10, source_type="ORDER", source_id=6)
        with refused("customer_loyalty_transactions is append-only"):
            CustomerLoyaltyTransaction.objects.filter(pk=entry.pk).update(amount=1000)

    def test_factory_earns_through_the_ledger(self):
        account = CustomerLoyaltyFactory(points=[120, 30])
        assert (account.points_balance, account.lifetime_points) == (150, 150)


def _in_threads(count, work):
    """Run ``work(index)`` in ``count`` threads at once, each on its own
    database connection; return the exceptions they raised."""
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait()
            work(index)
        except Exception as exc:  # collected and asserted on by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_credits_from_many_connections_keep_balance_equal_to_ledger():
    wallet = CustomerWalletFactory(credits=[])
    threads, credits_each = 6, 8

    def post_credits(index):
        mine = CustomerWallet.objects.get(pk=wallet.pk)
        for n in range(credits_each):
            credit(mine, "12.34", f"ticket-{index}-{n}")

    assert _in_threads(threads, post_credits) == []

    wallet.refresh_from_db()
    assert wallet.transactions.count() == threads * credits_each
    assert wallet.balance == Decimal("12.34") * threads * credits_each
    assert wallet.balance == ledger_sum(CustomerWalletTransaction, wallet=wallet)
    assert assert_chain(CustomerWalletTransaction, wallet=wallet) == wallet.balance


@pytest.mark.django_db(transaction=True)
def test_concurrent_debits_never_overdraw():
    wallet = CustomerWalletFactory(credits=["100.00"])
    orders = [an_order(wallet) for _ in range(5)]

    def spend(index):
        pay(CustomerWallet.objects.get(pk=wallet.pk), "30.00", orders[index])

    errors = _in_threads(5, spend)

    # Serialised on the wallet row: three ₹30 debits fit in ₹100, two do not.
    assert len(errors) == 2
    assert all(isinstance(error, IntegrityError) and "below 0" in str(error) for error in errors)
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("10.00")
    assert assert_chain(CustomerWalletTransaction, wallet=wallet) == wallet.balance
