"""``wallet_ledger``: append-only, chained per rider (gap-free ``seq_no``,
``balance_after`` = previous ± amount, writers serialised on the rider row),
and idempotent (CATALOG section 8, items 1-3)."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from gatimitra.enums import LedgerEntryDirection
from riders.choices import WalletTxnType
from riders.factories import (
    RiderFactory,
    RiderOrderEarningFactory,
    RiderPayoutFactory,
    WalletLedgerFactory,
)
from riders.models import WalletLedger

CREDIT, DEBIT = LedgerEntryDirection.CREDIT, LedgerEntryDirection.DEBIT


def assert_chain(rider):
    """Gap-free seq_no from 1 and every balance_after = previous ± amount."""
    balance = Decimal("0.00")
    entries = list(WalletLedger.objects.filter(rider=rider).order_by("seq_no"))
    for expected_seq, entry in enumerate(entries, start=1):
        assert entry.seq_no == expected_seq
        balance += entry.amount if entry.direction == CREDIT else -entry.amount
        assert entry.balance_after == balance, entry
    return entries, balance


@pytest.mark.django_db
class TestChain:
    def test_database_assigns_seq_no_and_balance_after(self, rider):
        moves = [
            (WalletTxnType.ORDER_EARNING, "68.40"),
            (WalletTxnType.TIP, "20.00"),
            # A debit the balance goes negative on (COD cash collected is one too,
            # but it must be the total of the rider's CASH order: test_settled_money).
            (WalletTxnType.PENALTY, "450.00"),
            (WalletTxnType.PENALTY, "50.00"),
            (WalletTxnType.INCENTIVE, "450.00"),
        ]
        created = [
            WalletLedgerFactory(rider=rider, txn_type=txn_type, amount=Decimal(amount))
            for txn_type, amount in moves
        ]
        # Values come back from the INSERT (RETURNING), without a reload.
        assert [(e.seq_no, e.balance_after) for e in created] == [
            (1, Decimal("68.40")),
            (2, Decimal("88.40")),
            (3, Decimal("-361.60")),
            (4, Decimal("-411.60")),
            (5, Decimal("38.40")),
        ]
        assert_chain(rider)

    def test_chains_are_per_rider(self):
        first, second = RiderFactory(), RiderFactory()
        WalletLedgerFactory(rider=first)
        WalletLedgerFactory(rider=second)
        WalletLedgerFactory(rider=first)
        assert list(first.wallet_entries.values_list("seq_no", flat=True)) == [1, 2]
        assert list(second.wallet_entries.values_list("seq_no", flat=True)) == [1]

    def test_typed_sources_chain_too(self, rider):
        earning = WalletLedgerFactory(rider=rider, for_earning=True)
        payout = WalletLedgerFactory(rider=rider, for_payout=True)
        deposit = WalletLedgerFactory(rider=rider, for_deposit=True)
        assert (earning.direction, payout.direction, deposit.direction) == (CREDIT, DEBIT, CREDIT)
        assert_chain(rider)

    def test_a_skipped_seq_no_is_refused(self, refused, rider):
        WalletLedgerFactory(rider=rider)
        with refused("wallet_ledger: seq_no 3", error=IntegrityError):
            WalletLedgerFactory(rider=rider, seq_no=3)

    def test_a_wrong_balance_after_is_refused(self, refused, rider):
        WalletLedgerFactory(rider=rider, amount=Decimal("100.00"))
        with refused("wallet_ledger: balance_after", error=IntegrityError):
            WalletLedgerFactory(
                rider=rider, amount=Decimal("10.00"), balance_after=Decimal("500.00")
            )

    def test_update_and_delete_are_refused(self, refused):
        entry = WalletLedgerFactory()
        with refused("wallet_ledger is append-only", error=IntegrityError):
            WalletLedger.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
        with refused("wallet_ledger is append-only", error=IntegrityError):
            WalletLedger.objects.filter(pk=entry.pk).delete()

    def test_save_of_an_existing_entry_is_refused_before_the_database(self):
        entry = WalletLedgerFactory()
        with pytest.raises(TypeError, match="append-only"):
            entry.save()


@pytest.mark.django_db
class TestIdempotency:
    def test_one_entry_per_source_event_and_type(self, refused, rider):
        WalletLedgerFactory(rider=rider, source_type="ORDER", source_id=42)
        with refused("wallet_ledger_source_uniq", error=IntegrityError):
            WalletLedgerFactory(rider=rider, source_type="ORDER", source_id=42)
        # The same order may still be a TIP or COD entry.
        WalletLedgerFactory(rider=rider, source_type="ORDER", source_id=42, txn_type="TIP")

    def test_idempotency_key_is_unique(self, refused):
        WalletLedgerFactory(idempotency_key="earning:order-42")
        with refused("wallet_ledger_idempotency_key_uniq", error=IntegrityError):
            WalletLedgerFactory(idempotency_key="earning:order-42")

    def test_a_refused_retry_leaves_the_chain_untouched(self, refused, rider):
        WalletLedgerFactory(rider=rider, idempotency_key="k-1")
        with refused("wallet_ledger_idempotency_key_uniq", error=IntegrityError):
            WalletLedgerFactory(rider=rider, idempotency_key="k-1")
        WalletLedgerFactory(rider=rider, idempotency_key="k-2")
        entries, _ = assert_chain(rider)
        assert len(entries) == 2


@pytest.mark.django_db
class TestShape:
    def test_direction_follows_the_transaction_type(self, refused):
        with refused("wallet_ledger_direction_matches_type", error=IntegrityError):
            WalletLedgerFactory(txn_type=WalletTxnType.PAYOUT, direction=CREDIT)

    def test_adjustments_go_either_way(self, rider):
        WalletLedgerFactory(rider=rider, txn_type=WalletTxnType.ADJUSTMENT, direction=CREDIT)
        WalletLedgerFactory(rider=rider, txn_type=WalletTxnType.ADJUSTMENT, direction=DEBIT)
        assert_chain(rider)

    def test_amount_is_positive(self, refused):
        with refused(
            "wallet_ledger_amount_positive", "wallet_ledger_amount_check", error=IntegrityError
        ):
            WalletLedgerFactory(amount=Decimal("0.00"))

    def test_typed_link_matches_the_source(self, refused):
        # An id no earning has: a literal 1 was the earning's own id on a fresh
        # test database, so the row matched its source and nothing was refused.
        with refused("wallet_ledger_earning_is_source", error=IntegrityError):
            WalletLedgerFactory(for_earning=True, source_id=2**62)

    def test_linked_rows_belong_to_the_same_rider(self, refused, rider):
        other_riders_payout = RiderPayoutFactory()
        with refused("wallet_ledger", error=IntegrityError):
            WalletLedgerFactory(
                rider=rider,
                txn_type=WalletTxnType.PAYOUT,
                payout=other_riders_payout,
                source_type="PAYOUT",
                source_id=other_riders_payout.pk,
            )
        assert RiderOrderEarningFactory(rider=rider).total == Decimal("68.40")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_gap_free_chain():
    """Several threads, each with its own connection and one transaction per
    entry, post to one rider at once: the rider-row lock serialises them, so
    the chain neither forks nor skips."""
    rider = RiderFactory()
    threads_count, per_thread = 6, 15
    start = threading.Barrier(threads_count)
    errors = []

    def post(worker):
        try:
            start.wait(timeout=30)
            for i in range(per_thread):
                credit = (worker + i) % 3 != 0
                with transaction.atomic():
                    WalletLedger.objects.create(
                        rider=rider,
                        txn_type=WalletTxnType.INCENTIVE if credit else WalletTxnType.PENALTY,
                        direction=CREDIT if credit else DEBIT,
                        amount=Decimal(f"{worker + 1}.{i:02d}"),
                        source_type="INCENTIVE" if credit else "PENALTY",
                        source_id=worker * 1000 + i,
                        idempotency_key=f"worker-{worker}-{i}",
                    )
        except Exception as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=post, args=(n,)) for n in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    entries, balance = assert_chain(rider)
    assert len(entries) == threads_count * per_thread
    expected = sum(
        (Decimal(f"{w + 1}.{i:02d}") * (1 if (w + i) % 3 else -1))
        for w in range(threads_count)
        for i in range(per_thread)
    )
    assert balance == expected
