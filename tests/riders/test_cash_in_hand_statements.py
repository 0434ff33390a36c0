"""riders 0013: a multi-row ledger INSERT moves each rider's cash in hand
once, by the statement's net COD movement, and the figure stays what
``riders.cash_in_hand_of`` derives from the whole ledger."""

from decimal import Decimal

import pytest
from django.db import connection, transaction

from riders.factories import RiderLiveStatusFactory
from riders.models import RiderLiveStatus

pytestmark = pytest.mark.django_db

# COD rows name no real order or deposit: the checks tying them to a CASH
# order are deferred to COMMIT, so the test looks at the cash figure inside a
# savepoint and rolls it back (dropping the queued checks with it).
LEDGER_ROWS = """
INSERT INTO riders.wallet_ledger
    (direction, rider_id, txn_type, amount, source_type, source_id, idempotency_key, description)
SELECT direction, rider, txn, amount, 'MANUAL', source, key, ''
FROM (VALUES {rows}) AS v (direction, rider, txn, amount, source, key)
"""


def cash_of(rider_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT riders.cash_in_hand_of(%s)", [rider_id])
        return cursor.fetchone()[0]


def test_one_statement_moves_each_riders_cash_once_by_its_net_cod():
    first, second = RiderLiveStatusFactory(), RiderLiveStatusFactory()
    start_first, start_second = first.cash_in_hand, second.cash_in_hand
    rows = [
        ("DEBIT", first.rider_id, "COD_COLLECTED", "250.00"),
        ("DEBIT", second.rider_id, "COD_COLLECTED", "99.50"),
        ("CREDIT", first.rider_id, "TIP", "20.00"),  # not cash
        ("DEBIT", first.rider_id, "COD_COLLECTED", "120.00"),
        ("CREDIT", first.rider_id, "COD_DEPOSITED", "300.00"),
    ]
    values = ", ".join("(%s, %s::bigint, %s, %s::numeric, %s::bigint, %s)" for _ in rows)
    params = [v for n, row in enumerate(rows) for v in (*row, 9000 + n, f"cash-{n}")]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(LEDGER_ROWS.format(rows=values), params)
        first_cash = RiderLiveStatus.objects.get(pk=first.pk).cash_in_hand
        second_cash = RiderLiveStatus.objects.get(pk=second.pk).cash_in_hand
        first_derived, second_derived = cash_of(first.rider_id), cash_of(second.rider_id)
        transaction.set_rollback(True)

    assert first_cash == start_first + Decimal("70.00")
    assert second_cash == start_second + Decimal("99.50")
    assert first_cash == first_derived
    assert second_cash == second_derived
