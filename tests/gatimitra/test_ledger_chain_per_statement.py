"""Ledger chains checked per statement (``LedgerChain`` version 2, customers
0013, riders 0019; issue 23).

A row that leaves ``seq_no``/``balance_after`` to the database is still
numbered by the row trigger; a row whose writer supplies them (COPY,
``append_entries``) is checked with every other row of its statement after
it. The refusals must be the row trigger's: each input below is run against
the chain as it was before (version 1, as customers 0009 / riders 0003 left
it, put back in a rolled-back transaction) and as it is now, and the
SQLSTATE and message must be the same."""

import importlib
import threading
from decimal import Decimal

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from customers.factories import CustomerWalletFactory
from customers.models import CustomerWallet, CustomerWalletTransaction
from gatimitra.db.ledgers import append_entries
from gatimitra.enums import LedgerEntryDirection as Direction
from riders.factories import RiderFactory, WalletLedgerFactory
from riders.models import WalletLedger

pytestmark = pytest.mark.django_db

CUSTOMERS = importlib.import_module("customers.migrations.0013_check_ledger_chains_per_statement")
RIDERS = importlib.import_module("riders.migrations.0019_check_ledger_chain_per_statement")


def _chain_as_before(migration, models):
    """The statements that put version 1's chain back (what reversing the
    migration runs), in a transaction the caller rolls back."""
    statements = [migration.MAINTENANCE.format(way="backward")]
    for operation, model in zip(migration.Migration.operations[1:], models, strict=True):
        statements += operation.backward_sql(model)
    return statements + list(migration.RESTORE_ROW_CHAIN)


BEFORE = {
    "customers": lambda: _chain_as_before(
        CUSTOMERS,
        [
            CustomerWalletTransaction,
            importlib.import_module("customers.models").CustomerLoyaltyTransaction,
        ],
    ),
    "riders": lambda: _chain_as_before(RIDERS, [WalletLedger]),
}


def outcome(app, statements, before, chains=BEFORE):
    """(SQLSTATE, first line of the message) the statements get, or None,
    with ``chains[app]()`` run first when ``before``; rolled back either way."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if before:
                for statement in chains[app]():
                    cursor.execute(statement)
            for statement, params in statements:
                cursor.execute(statement, params)
            raise _RolledBack
    except IntegrityError as error:
        cause = error.__cause__
        return cause.sqlstate, str(cause).splitlines()[0]
    except _RolledBack:
        return None


class _RolledBack(Exception):
    pass


def assert_refused_alike(app, statements, expected):
    new = outcome(app, statements, before=False)
    old = outcome(app, statements, before=True)
    assert new == old
    assert new is not None and new[0] == "23514" and expected in new[1], new


WALLET_INSERT = (
    "INSERT INTO customers.customer_wallet_transactions (direction, source_type, source_id, "
    "idempotency_key, description, wallet_id, txn_type, amount, seq_no, balance_after) VALUES "
)
WALLET_ROW = "(%s, 'TICKET', %s, %s, '', %s, %s, %s, %s, %s)"


def wallet_rows(*rows):
    """One INSERT of ``rows``: (wallet, direction, amount, seq_no, balance_after)."""
    params = []
    for n, (wallet, direction, amount, seq, balance) in enumerate(rows):
        txn = "GOODWILL_CREDIT" if direction == "CREDIT" else "REVERSAL"
        key = f"t-{wallet.pk}-{n}-{seq}-{amount}"
        params += [direction, key, key, wallet.pk, txn, Decimal(amount), seq, balance]
    return (WALLET_INSERT + ", ".join([WALLET_ROW] * len(rows)), params)


RIDER_INSERT = (
    "INSERT INTO riders.wallet_ledger (rider_id, txn_type, direction, amount, source_type, "
    "source_id, idempotency_key, description, seq_no, balance_after) VALUES "
)
RIDER_ROW = "(%s, 'ADJUSTMENT', %s, %s, 'MANUAL', %s, %s, '', %s, %s)"


def rider_rows(*rows):
    params = []
    for n, (rider, direction, amount, seq, balance) in enumerate(rows):
        params += [rider.pk, direction, Decimal(amount), 9_000 + n, f"adj-{rider.pk}-{n}", seq]
        params.append(balance)
    return (RIDER_INSERT + ", ".join([RIDER_ROW] * len(rows)), params)


@pytest.fixture
def wallets():
    return CustomerWalletFactory(credits=["100.00"]), CustomerWalletFactory(credits=["30.00"])


class TestSameRefusalsAsTheRowTrigger:
    def test_a_skipped_seq_no(self, wallets):
        a, _ = wallets
        assert_refused_alike(
            "customers",
            [wallet_rows((a, "CREDIT", "5.00", 3, Decimal("105.00")))],
            f"seq_no 3 for wallet_id {a.pk} is not the next one (2)",
        )

    def test_a_wrong_balance_after(self, wallets):
        a, _ = wallets
        assert_refused_alike(
            "customers",
            [wallet_rows((a, "CREDIT", "5.00", 2, Decimal("104.00")))],
            f"balance_after 104.00 for wallet_id {a.pk} should be 105.00",
        )

    def test_a_balance_below_zero(self, wallets):
        a, _ = wallets
        assert_refused_alike(
            "customers",
            [wallet_rows((a, "DEBIT", "150.00", 2, Decimal("-50.00")))],
            f"balance for wallet_id {a.pk} would be -50.00 (below 0)",
        )

    def test_a_wrong_balance_that_would_also_be_below_zero(self, wallets):
        a, _ = wallets
        assert_refused_alike(
            "customers",
            [wallet_rows((a, "DEBIT", "150.00", 2, Decimal("0.00")))],
            f"balance_after 0.00 for wallet_id {a.pk} should be -50.00",
        )

    def test_a_negative_amount(self, wallets):
        a, _ = wallets
        assert_refused_alike(
            "customers",
            [wallet_rows((a, "CREDIT", "-5.00", 2, Decimal("95.00")))],
            "amount -5.00 is negative; the sign comes from direction",
        )

    def test_multi_row_the_first_wrong_row_is_named(self, wallets):
        a, _ = wallets
        assert_refused_alike(
            "customers",
            [
                wallet_rows(
                    (a, "CREDIT", "5.00", 2, Decimal("105.00")),
                    (a, "CREDIT", "5.00", 3, Decimal("111.00")),
                    (a, "CREDIT", "5.00", 9, Decimal("1.00")),
                )
            ],
            f"balance_after 111.00 for wallet_id {a.pk} should be 110.00",
        )

    def test_interleaved_owners(self, wallets):
        a, b = wallets
        assert_refused_alike(
            "customers",
            [
                wallet_rows(
                    (a, "CREDIT", "5.00", 2, Decimal("105.00")),
                    (b, "DEBIT", "10.00", 2, Decimal("20.00")),
                    (a, "DEBIT", "5.00", 3, Decimal("100.00")),
                    (b, "DEBIT", "10.00", 4, Decimal("10.00")),
                )
            ],
            f"seq_no 4 for wallet_id {b.pk} is not the next one (3)",
        )

    def test_supplied_rows_mixed_with_numbered_ones(self, wallets):
        a, _ = wallets
        assert_refused_alike(
            "customers",
            [
                wallet_rows(
                    (a, "CREDIT", "5.00", None, None),
                    (a, "CREDIT", "5.00", 3, Decimal("110.00")),
                    (a, "DEBIT", "1.00", None, None),
                    (a, "CREDIT", "5.00", 6, Decimal("114.00")),
                )
            ],
            f"seq_no 6 for wallet_id {a.pk} is not the next one (5)",
        )

    def test_in_a_later_statement_of_the_transaction(self, wallets):
        a, _ = wallets
        assert_refused_alike(
            "customers",
            [
                wallet_rows((a, "CREDIT", "5.00", 2, Decimal("105.00"))),
                wallet_rows((a, "CREDIT", "5.00", 3, Decimal("105.00"))),
            ],
            f"balance_after 105.00 for wallet_id {a.pk} should be 110.00",
        )

    def test_rider_ledger(self):
        rider = WalletLedgerFactory(amount=Decimal("40.00")).rider
        other = RiderFactory()
        assert_refused_alike(
            "riders",
            [
                rider_rows(
                    (other, "CREDIT", "1.00", 1, Decimal("1.00")),
                    (rider, "DEBIT", "50.00", 2, Decimal("-10.00")),
                    (rider, "CREDIT", "5.00", 3, Decimal("-4.00")),
                )
            ],
            f"balance_after -4.00 for rider_id {rider.pk} should be -5.00",
        )

    def test_valid_statements_write_the_same_chain(self, wallets):
        a, b = wallets
        rows = wallet_rows(
            (a, "CREDIT", "5.00", 2, Decimal("105.00")),
            (b, "DEBIT", "10.00", None, None),
            (a, "DEBIT", "105.00", 3, Decimal("0.00")),
        )
        assert outcome("customers", [rows], before=False) is None
        assert outcome("customers", [rows], before=True) is None


def test_a_repeated_seq_no_is_refused_by_the_chain_key():
    """The one refusal that changes: a supplied seq_no already taken meets
    the (owner, seq_no) key before the statement's check (the row trigger
    said 'is not the next one'). Still refused, naming the table's key and
    the values."""
    wallet = CustomerWalletFactory(credits=["100.00", "1.00"])
    new = outcome("customers", [wallet_rows((wallet, "CREDIT", "5.00", 1, None))], False)
    assert new[0] == "23514"  # balance_after left out: the row trigger words it, as before
    new = outcome("customers", [wallet_rows((wallet, "CREDIT", "5.00", 2, Decimal("6")))], False)
    assert new[0] == "23505" and "customer_wallet_transactions_wallet_seq_uniq" in new[1]


def test_the_row_trigger_fires_only_for_rows_it_numbers_or_refuses():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgname = 'customer_wallet_transactions_chain'"
        )
        definition = cursor.fetchone()[0]
    assert "FOR EACH ROW WHEN (((new.seq_no IS NULL) OR (new.balance_after IS NULL)" in definition
    assert "(new.balance_after < (0)::numeric)" in definition


def entry(wallet, direction, amount, n):
    txn = "GOODWILL_CREDIT" if direction == Direction.CREDIT else "REVERSAL"
    return CustomerWalletTransaction(
        wallet=wallet,
        direction=direction,
        txn_type=txn,
        amount=Decimal(amount),
        source_type="TICKET",
        source_id=f"bulk-{wallet.pk}-{n}",
        idempotency_key=f"bulk-{wallet.pk}-{n}",
    )


def chain(wallet):
    return list(
        CustomerWalletTransaction.objects.filter(wallet=wallet)
        .order_by("seq_no")
        .values_list("seq_no", "balance_after")
    )


class TestAppendEntries:
    def test_interleaved_owners_in_one_statement(self, wallets):
        a, b = wallets
        entries = append_entries(
            [
                entry(a, Direction.CREDIT, "5.00", 1),
                entry(b, Direction.DEBIT, "10.00", 2),
                entry(a, Direction.DEBIT, "50.00", 3),
                entry(b, Direction.CREDIT, "1.50", 4),
            ]
        )
        assert [(e.seq_no, e.balance_after) for e in entries] == [
            (2, Decimal("105.00")),
            (2, Decimal("20.00")),
            (3, Decimal("55.00")),
            (3, Decimal("21.50")),
        ]
        assert all(e.pk for e in entries) and not entries[0]._state.adding
        assert chain(a)[1:] == [(2, Decimal("105.00")), (3, Decimal("55.00"))]
        # The owners' cached balances moved once, to their last row.
        assert CustomerWallet.objects.get(pk=a.pk).balance == Decimal("55.00")
        assert CustomerWallet.objects.get(pk=b.pk).balance == Decimal("21.50")

    def test_a_new_owner_starts_at_one(self):
        wallet = CustomerWalletFactory(credits=[])
        append_entries([entry(wallet, Direction.CREDIT, "2.00", n) for n in range(3)])
        assert chain(wallet) == [(1, Decimal("2.00")), (2, Decimal("4.00")), (3, Decimal("6.00"))]

    def test_below_zero_is_refused_and_nothing_is_written(self, wallets):
        a, _ = wallets
        with pytest.raises(IntegrityError, match=r"would be -1\.00 \(below 0\)"):
            append_entries(
                [entry(a, Direction.DEBIT, "60.00", 1), entry(a, Direction.DEBIT, "41.00", 2)]
            )
        assert len(chain(a)) == 1

    def test_rider_ledger(self):
        rider = WalletLedgerFactory(amount=Decimal("40.00")).rider
        rows = append_entries(
            [
                WalletLedger(
                    rider=rider,
                    txn_type="ADJUSTMENT",
                    direction=Direction.DEBIT,
                    amount=Decimal("50.00"),
                    source_type="MANUAL",
                    source_id=77,
                    idempotency_key="adj-77",
                )
            ]
        )
        assert (rows[0].seq_no, rows[0].balance_after) == (2, Decimal("-10.00"))


def test_copy_with_the_chain_supplied_is_checked(wallets):
    a, _ = wallets
    copy = (
        "COPY customers.customer_wallet_transactions (direction, source_type, source_id, "
        "idempotency_key, description, wallet_id, txn_type, amount, seq_no, balance_after) "
        "FROM STDIN"
    )

    def rows(*chained):
        return [
            ("CREDIT", "TICKET", f"c{n}", f"c{n}", "", a.pk, "GOODWILL_CREDIT", "5.00", s, b)
            for n, (s, b) in enumerate(chained)
        ]

    with (
        pytest.raises(psycopg.errors.CheckViolation, match=r"should be 110\.00"),
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(copy) as writing,
    ):
        for row in rows((2, "105.00"), (3, "111.00")):
            writing.write_row(row)
    with connection.cursor() as cursor, cursor.connection.cursor().copy(copy) as writing:
        for row in rows((2, "105.00"), (3, "110.00")):
            writing.write_row(row)
    assert chain(a)[1:] == [(2, Decimal("105.00")), (3, Decimal("110.00"))]
    assert CustomerWallet.objects.get(pk=a.pk).balance == Decimal("110.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_statement_writers_never_fork_a_chain():
    """Four connections append at once to the same two wallets, two of them
    with ``append_entries`` (several rows, both owners, one statement) and
    two through the ORM (the row trigger): one gap-free chain per wallet."""
    first, second = CustomerWalletFactory(credits=[]), CustomerWalletFactory(credits=[])
    barrier = threading.Barrier(4)
    errors = []

    def bulk(index):
        for n in range(5):
            append_entries(
                [
                    entry(first, Direction.CREDIT, "1.00", f"{index}-{n}-a"),
                    entry(second, Direction.CREDIT, "2.00", f"{index}-{n}-b"),
                    entry(first, Direction.CREDIT, "3.00", f"{index}-{n}-c"),
                ]
            )

    def single(index):
        wallet = CustomerWallet.objects.get(pk=(first, second)[index % 2].pk)
        for n in range(5):
            wallet.credit(
                "GOODWILL_CREDIT", Decimal("4.00"), source_type="TICKET", source_id=f"s{index}-{n}"
            )

    def run(index):
        try:
            barrier.wait()
            (bulk if index < 2 else single)(index)
        except Exception as exc:  # asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for wallet, count, total in (
        (first, 2 * 5 * 2 + 5, Decimal("60.00")),
        (second, 10 + 5, Decimal("40.00")),
    ):
        rows = chain(wallet)
        assert [seq for seq, _ in rows] == list(range(1, count + 1))
        assert rows[-1][1] == total
        assert CustomerWallet.objects.get(pk=wallet.pk).balance == rows[-1][1]
