"""The customers step's faster draws make the same draws (no database).

The demo's rows depend only on the seed: a draw made a faster way must take
the same values from the stream in the same order, or every row after it
changes (``benchmarks/seed_demo_fingerprint.py`` compares whole seeds; these
pin the pieces).
"""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from customers.choices import CustomerStatus
from demo import customers
from demo.rng import DemoRandom

WEIGHTS = {
    "STATUSES": (970, 12, 8, 10),
    "ADDRESS_COUNTS": (55, 35, 10),
    "DIETS": (45, 45, 10),
    "PAYMENT_PREFERENCES": (70, 20, 10),
}


@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_cumulative_weights_draw_as_the_weights_did(name):
    options, _cumulative = getattr(customers, name)
    faster, plain = DemoRandom(7, name), DemoRandom(7, name)
    drawn = [customers._draw(faster, getattr(customers, name)) for _ in range(2_000)]
    expected = [plain.choices(options, WEIGHTS[name])[0] for _ in range(2_000)]
    assert drawn == expected
    assert faster.random() == plain.random()  # the stream is left at the same place


def test_letters_draw_as_picking_each_letter():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    faster, plain = DemoRandom(7, "letters"), DemoRandom(7, "letters")
    drawn = [faster.letters(14) for _ in range(500)]
    expected = ["".join(plain.pick(alphabet) for _ in range(14)) for _ in range(500)]
    assert drawn == expected
    assert faster.random() == plain.random()


def _customer(n, status, born):
    return {
        "id": n,
        "status": status,
        "date_of_birth": born,
        "created_at": datetime(2026, 1, n, tzinfo=ZoneInfo("Asia/Kolkata")),
    }


def test_minors_are_the_first_two_active_customers_who_are_not_adult_parents():
    now = datetime(2026, 11, 20, 18, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    rows = [
        _customer(1, CustomerStatus.ACTIVE, date(1970, 5, 1)),  # adult
        _customer(2, CustomerStatus.SUSPENDED, None),  # not active
        _customer(3, CustomerStatus.ACTIVE, date(1999, 5, 1)),  # active, under 30: a minor
        _customer(4, CustomerStatus.ACTIVE, date(1980, 5, 1)),  # adult
        _customer(5, CustomerStatus.ACTIVE, None),  # no date of birth: a minor
        _customer(6, CustomerStatus.ACTIVE, None),  # a third: left alone
    ]
    consents = customers._minors(SimpleNamespace(now=now), rows)
    assert [(c["customer_id"], c["guardian_customer_id"]) for c in consents] == [(3, 1), (5, 4)]
    assert rows[2]["date_of_birth"] == rows[4]["date_of_birth"] == date(2010, 11, 1)
    assert rows[5]["date_of_birth"] is None
