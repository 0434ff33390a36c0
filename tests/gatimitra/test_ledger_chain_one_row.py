"""One-row ledger inserts checked by one probe (``LedgerChain`` version 3,
customers 0014, riders 0020; issue 23), and lifetime points moved by one
UPDATE per statement (customers 0014).

Version 3 differs from version 2 only for a statement of one row: the row
trigger (when it fires) has numbered it, and the check probes the entry
before it instead of running the windowed CTE. Each input is run against
version 2 (put back as reversing the migration does, in a rolled-back
transaction) and version 3: the outcome (SQLSTATE and message, or success)
must be the same. Version 1 vs version 3 is compared by
test_ledger_chain_per_statement.py, whose one-row inputs now take this path.
"""

import importlib
from decimal import Decimal

import pytest
from django.db import connection, transaction

from customers.factories import CustomerLoyaltyFactory, CustomerWalletFactory
from customers.models import (
    CustomerLoyaltyTransaction,
    CustomerWalletTransaction,
)
from riders.factories import RiderFactory, WalletLedgerFactory
from riders.models import WalletLedger
from tests.gatimitra.test_ledger_chain_per_statement import outcome, rider_rows, wallet_rows

pytestmark = pytest.mark.django_db

CUSTOMERS = importlib.import_module(
    "customers.migrations.0014_check_one_ledger_row_by_probe_and_move_lifetime_points_at_once"
)
RIDERS = importlib.import_module("riders.migrations.0020_check_one_ledger_row_by_probe")


def _version_2(migration, models):
    """What reversing the migration's chain operations runs: version 3
    dropped, version 2 put back."""
    statements = []
    for operation, model in zip(migration.Migration.operations, models, strict=False):
        statements += operation.backward_sql(model)
    return statements


VERSION_2 = {
    "customers": lambda: _version_2(
        CUSTOMERS, [CustomerWalletTransaction, CustomerLoyaltyTransaction]
    ),
    "riders": lambda: _version_2(RIDERS, [WalletLedger]),
}


def assert_same_outcome(app, statements):
    new = outcome(app, statements, before=False)
    assert new == outcome(app, statements, before=True, chains=VERSION_2)
    return new


LOYALTY_INSERT = (
    "INSERT INTO customers.customer_loyalty_transactions (direction, txn_type, amount, "
    "source_type, source_id, idempotency_key, description, loyalty_id, seq_no, balance_after) "
    "VALUES "
)


def loyalty_rows(*rows):
    """One INSERT of ``rows``: (loyalty, direction, txn_type, amount, seq_no, balance_after)."""
    params = []
    for n, (loyalty, direction, txn, amount, seq, balance) in enumerate(rows):
        key = f"p-{loyalty.pk}-{n}-{seq}-{amount}"
        params += [direction, txn, amount, "CAMPAIGN", key, key, "", loyalty.pk, seq, balance]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    return LOYALTY_INSERT + values, params


@pytest.fixture
def wallet():
    return CustomerWalletFactory(credits=["100.00"])


WALLET_ONE_ROW = {
    "valid, chain supplied": (("CREDIT", "5.00", 2, Decimal("105.00")), None),
    "valid, left to the database": (("DEBIT", "100.00", None, None), None),
    "a skipped seq_no": (("CREDIT", "5.00", 3, Decimal("105.00")), "is not the next one (2)"),
    "a wrong balance_after": (("CREDIT", "5.00", 2, Decimal("104.00")), "should be 105.00"),
    "below zero, supplied": (("DEBIT", "150.00", 2, Decimal("-50.00")), "(below 0)"),
    "below zero, left to the database": (("DEBIT", "150.00", None, None), "(below 0)"),
    "wrong and below zero": (("DEBIT", "150.00", 2, Decimal("0.00")), "should be -50.00"),
    "a negative amount": (("CREDIT", "-5.00", 2, Decimal("95.00")), "is negative"),
    "a negative amount, left to the database": (("CREDIT", "-5.00", None, None), "is negative"),
    "seq_no left out, balance supplied wrong": (("CREDIT", "5.00", None, Decimal("1")), "should"),
}


@pytest.mark.parametrize("case", WALLET_ONE_ROW)
def test_one_wallet_row(wallet, case):
    (direction, amount, seq, balance), refusal = WALLET_ONE_ROW[case]
    result = assert_same_outcome(
        "customers", [wallet_rows((wallet, direction, amount, seq, balance))]
    )
    if refusal is None:
        assert result is None
    else:
        assert result[0] == "23514" and refusal in result[1], result


@pytest.mark.parametrize(
    "seq, balance, refusal",
    [(1, Decimal("7.00"), None), (2, Decimal("7.00"), "is not the next one (1)")],
)
def test_the_first_row_of_a_new_wallet(seq, balance, refusal):
    wallet = CustomerWalletFactory(credits=[])
    result = assert_same_outcome(
        "customers", [wallet_rows((wallet, "CREDIT", "7.00", seq, balance))]
    )
    assert (result is None) if refusal is None else (refusal in result[1])


def test_one_row_statements_after_others_in_the_transaction(wallet):
    """The probe finds the head a previous statement (of one or several
    rows) of the same transaction wrote."""
    result = assert_same_outcome(
        "customers",
        [
            wallet_rows(
                (wallet, "CREDIT", "5.00", 2, Decimal("105.00")),
                (wallet, "CREDIT", "5.00", None, None),
            ),
            wallet_rows((wallet, "DEBIT", "10.00", None, None)),
            wallet_rows((wallet, "CREDIT", "1.00", 5, Decimal("101.00"))),
            wallet_rows((wallet, "CREDIT", "1.00", 6, Decimal("101.00"))),
        ],
    )
    assert result[0] == "23514" and "balance_after 101.00" in result[1]
    assert "should be 102.00" in result[1]


@pytest.mark.parametrize(
    "rows, refusal",
    [
        ([("CREDIT", "EARN", 50, 2, 250)], None),
        ([("CREDIT", "EARN", 50, None, None)], None),
        ([("DEBIT", "REDEEM", 300, None, None)], "(below 0)"),
        ([("DEBIT", "REDEEM", 50, 2, 151)], "should be 150"),
        ([("CREDIT", "EARN", 50, 3, 250)], "is not the next one (2)"),
    ],
)
def test_one_loyalty_row(rows, refusal):
    loyalty = CustomerLoyaltyFactory()
    result = assert_same_outcome("customers", [loyalty_rows(*[(loyalty, *row) for row in rows])])
    assert (result is None) if refusal is None else (refusal in result[1]), result


@pytest.mark.parametrize(
    "row, refusal",
    [
        (("DEBIT", "50.00", 2, Decimal("-10.00")), None),  # no minimum for riders
        (("DEBIT", "50.00", None, None), None),
        (("CREDIT", "5.00", 2, Decimal("44.00")), "should be 45.00"),
        (("CREDIT", "5.00", 1, Decimal("5.00")), "wallet_ledger_rider_seq"),
    ],
)
def test_one_rider_row(row, refusal):
    rider = WalletLedgerFactory(amount=Decimal("40.00")).rider
    result = assert_same_outcome("riders", [rider_rows((rider, *row))])
    assert (result is None) if refusal is None else (refusal in result[1]), result


def test_a_rider_without_entries():
    rider = RiderFactory()
    result = assert_same_outcome("riders", [rider_rows((rider, "CREDIT", "3.00", 1, Decimal("3")))])
    assert result is None


def test_the_orm_single_row_writes_the_same_chain_and_balance(wallet):
    """A credit through the ORM: numbered by the row trigger, checked by the
    probe, cached balance moved once."""
    wallet.credit("GOODWILL_CREDIT", Decimal("2.50"), source_type="TICKET", source_id="orm-1")
    wallet.refresh_from_db()
    last = CustomerWalletTransaction.objects.filter(wallet=wallet).latest("seq_no")
    assert (last.seq_no, last.balance_after, wallet.balance) == (
        2,
        Decimal("102.50"),
        Decimal("102.50"),
    )


# Lifetime points: one UPDATE per statement vs customers 0009's one per owner --------

LIFETIME_AS_BEFORE = [CUSTOMERS.LIFETIME_PER_OWNER]


def lifetime_outcome(statements, before):
    """Each loyalty account's (points_balance, lifetime_points), and the
    audit entries written for the accounts, after ``statements``; rolled back."""
    with transaction.atomic(), connection.cursor() as cursor:
        if before:
            for statement in LIFETIME_AS_BEFORE:
                cursor.execute(statement)
        cursor.execute("SELECT coalesce(max(id), 0) FROM audit.customer_audit_log")
        (since,) = cursor.fetchone()
        for statement, params in statements:
            cursor.execute(statement, params)
        cursor.execute(
            "SELECT id, points_balance, lifetime_points FROM customers.customer_loyalty ORDER BY id"
        )
        figures = cursor.fetchall()
        cursor.execute(
            "SELECT row_pk, action, changes::text, subject_id FROM audit.customer_audit_log "
            "WHERE id > %s AND table_name = 'customer_loyalty' ORDER BY 1, 3",
            [since],
        )
        audit = cursor.fetchall()
        transaction.set_rollback(True)
    return figures, audit


def test_lifetime_points_and_their_audit_entries_are_the_same():
    """Several accounts, interleaved; earns, bonuses, redemptions, points
    that do not count, and a reversal clamped at 0 mid-statement; a second
    statement in the same transaction; a statement that leaves lifetime
    points alone."""
    first, second = CustomerLoyaltyFactory(points=[10]), CustomerLoyaltyFactory()
    third = CustomerLoyaltyFactory(points=[])
    statements = [
        loyalty_rows(
            (first, "CREDIT", "ADJUST", 300, None, None),
            (second, "CREDIT", "EARN", 40, None, None),
            (first, "DEBIT", "REVERSE", 100, None, None),
            (third, "CREDIT", "BONUS", 5, None, None),
            (third, "CREDIT", "ADJUST", 10, None, None),
            (first, "CREDIT", "BONUS", 20, None, None),
            (second, "DEBIT", "REDEEM", 50, None, None),
            (first, "CREDIT", "EARN", 30, None, None),
            (second, "DEBIT", "REVERSE", 10, None, None),
        ),
        loyalty_rows((third, "DEBIT", "REVERSE", 9, None, None)),
        loyalty_rows((second, "DEBIT", "REDEEM", 1, None, None)),
    ]
    new = lifetime_outcome(statements, before=False)
    assert new == lifetime_outcome(statements, before=True)
    figures = {pk: lifetime for pk, _points, lifetime in new[0]}
    assert figures[first.pk] == 50  # 10, clamped to 0 by the reversal, then 20 + 30
    assert figures[second.pk] == 230  # 200 + 40 - 10
    assert figures[third.pk] == 0  # 5, then a reversal of 9 clamped
    assert new[1]


def test_the_comparisons_run_against_version_2_and_0009():
    """The "before" statements above really put version 2's check and 0009's
    lifetime function back."""

    def sources():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT proname, prosrc FROM pg_proc "
                "WHERE pronamespace = 'customers'::regnamespace AND proname IN "
                "('customer_wallet_transactions_chain_check', "
                "'customer_loyalty_transactions_lifetime')"
            )
            return dict(cursor.fetchall())

    one_row = "count(*) FROM ledger_chain_rows) = 1"
    now = sources()
    assert one_row in now["customer_wallet_transactions_chain_check"]
    assert "FOREACH" not in now["customer_loyalty_transactions_lifetime"]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in [*LIFETIME_AS_BEFORE, *VERSION_2["customers"]()]:
            cursor.execute(statement)
        before = sources()
        transaction.set_rollback(True)
    assert one_row not in before["customer_wallet_transactions_chain_check"]
    assert "FOREACH" in before["customer_loyalty_transactions_lifetime"]
