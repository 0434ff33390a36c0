"""Multi-row INSERTs into the wallet and points ledgers (customers 0009):
one statement chains every owner's rows, and each owner's cached figures
move once, to the same values a row-by-row write gives."""

from decimal import Decimal

import pytest
from django.db import connection

from customers.factories import CustomerLoyaltyFactory, CustomerWalletFactory
from customers.models import (
    CustomerLoyalty,
    CustomerLoyaltyTransaction,
    CustomerWallet,
    CustomerWalletTransaction,
)
from tests.customers.helpers import refused
from tests.customers.test_ledgers import assert_chain

pytestmark = pytest.mark.django_db

WALLET_ROWS = """
INSERT INTO customers.customer_wallet_transactions
    (direction, source_type, source_id, idempotency_key, description, wallet_id, txn_type, amount)
SELECT direction, 'TICKET', key, key, '', wallet, txn, amount
FROM (VALUES {rows}) AS v (direction, key, wallet, txn, amount)
"""


def wallet_rows(*rows):
    values = ", ".join("(%s, %s, %s::bigint, %s, %s::numeric)" for _ in rows)
    return WALLET_ROWS.format(rows=values), [value for row in rows for value in row]


def test_one_statement_chains_interleaved_wallets_and_moves_each_balance_once():
    first, second = CustomerWalletFactory(), CustomerWalletFactory()
    start_first, start_second = first.balance, second.balance
    statement, params = wallet_rows(
        ("CREDIT", "t1", first.pk, "GOODWILL_CREDIT", "100.00"),
        ("CREDIT", "t2", second.pk, "GOODWILL_CREDIT", "40.00"),
        ("DEBIT", "t3", first.pk, "REVERSAL", "30.00"),
        ("CREDIT", "t4", second.pk, "GOODWILL_CREDIT", "2.50"),
        ("CREDIT", "t5", first.pk, "GOODWILL_CREDIT", "5.00"),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
    first_balance, second_balance = start_first + 75, start_second + Decimal("42.50")
    assert assert_chain(CustomerWalletTransaction, wallet=first) == first_balance
    assert assert_chain(CustomerWalletTransaction, wallet=second) == second_balance
    assert CustomerWallet.objects.get(pk=first.pk).balance == first_balance
    assert CustomerWallet.objects.get(pk=second.pk).balance == second_balance


def test_a_row_below_zero_refuses_the_whole_statement():
    wallet, other = CustomerWalletFactory(), CustomerWalletFactory()
    rows_before = CustomerWalletTransaction.objects.count()
    statement, params = wallet_rows(
        ("CREDIT", "u1", other.pk, "GOODWILL_CREDIT", "10.00"),
        ("CREDIT", "u2", wallet.pk, "GOODWILL_CREDIT", "10.00"),
        ("DEBIT", "u3", wallet.pk, "REVERSAL", str(wallet.balance + Decimal("10.01"))),
    )
    with (
        refused("customers.customer_wallet_transactions", "below 0"),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)
    assert CustomerWalletTransaction.objects.count() == rows_before
    assert CustomerWallet.objects.get(pk=other.pk).balance == other.balance


def test_rows_skipped_by_on_conflict_do_not_move_the_balance():
    wallet = CustomerWalletFactory()
    statement, params = wallet_rows(("CREDIT", "v1", wallet.pk, "GOODWILL_CREDIT", "10.00"))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        cursor.execute(statement + " ON CONFLICT DO NOTHING", params)
    balance = wallet.balance + 10
    assert CustomerWallet.objects.get(pk=wallet.pk).balance == balance
    assert assert_chain(CustomerWalletTransaction, wallet=wallet) == balance


def test_points_and_lifetime_points_move_per_statement_as_they_did_per_row():
    loyalty = CustomerLoyaltyFactory(points=[])
    rows = [
        ("CREDIT", "ADJUST", 300),  # points, but not lifetime points
        ("CREDIT", "EARN", 10),
        # Taking back more than was earned clamps lifetime points at 0 at this
        # row (as the per-row trigger did); the next earn counts from there.
        ("DEBIT", "REVERSE", 100),
        ("CREDIT", "BONUS", 20),
        ("DEBIT", "REDEEM", 50),
        ("CREDIT", "EARN", 30),
    ]
    values = ", ".join("(%s, %s, %s::bigint, %s)" for _ in rows)
    params = [v for n, (d, t, a) in enumerate(rows) for v in (d, t, a, f"w{n}")]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers.customer_loyalty_transactions (direction, txn_type, amount, "
            "source_type, source_id, idempotency_key, description, loyalty_id) "
            f"SELECT d, t, a, 'CAMPAIGN', k, k, '', %s FROM (VALUES {values}) AS v (d, t, a, k)",
            [loyalty.pk, *params],
        )
    loyalty = CustomerLoyalty.objects.get(pk=loyalty.pk)
    assert assert_chain(CustomerLoyaltyTransaction, loyalty=loyalty) == 210
    assert loyalty.points_balance == 210
    assert loyalty.lifetime_points == 0 + 20 + 30
