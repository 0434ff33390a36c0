"""gatimitra 0008: the GSTIN check as expressions the planner inlines gives
what gatimitra 0007's functions gave, for every kind of input, and is
inlined into the CHECKs (the point of the change: no SQL-function call per
row written)."""

import importlib
import random

import pytest
from django.db import connection

from gatimitra.db.validators import GSTIN_ALPHABET, make_gstin

pytestmark = pytest.mark.django_db

inlined = importlib.import_module("gatimitra.migrations.0008_inline_gstin_check")


def install_0007_functions(cursor):
    """0007's two functions, as 0008's reverse restores them, under pg_temp
    names beside the live ones."""
    for sql in (inlined.QUERY_CHECK_CHARACTER, inlined.STRICT_GSTIN_VALID):
        cursor.execute(sql.replace("public.gatimitra_gstin_", "pg_temp.gstin_0007_"))


def corpus():
    rng = random.Random(8)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    samples = [None, "", " ", "Z", "27AAPFU0939F1ZV", "29AABCS7412M1Z9", "29AABCS7412M1Z"]
    for _ in range(400):
        # Well formed, the check character right (make_gstin) or drawn at random.
        pan = "".join(rng.choice(letters) for _ in range(5)) + f"{rng.randrange(10000):04d}"
        pan += rng.choice(letters)
        gstin = make_gstin(f"{rng.randrange(1, 39):02d}", pan, rng.choice("123456789ABCZ"))
        samples.append(gstin)
        samples.append(gstin[:14] + rng.choice(GSTIN_ALPHABET))
        samples.append(gstin.lower())
    # Malformed: any length, characters outside the alphabet, multibyte ones.
    pool = GSTIN_ALPHABET + "abcxyz -/_.#é€😀\t"
    for _ in range(600):
        samples.append("".join(rng.choice(pool) for _ in range(rng.randrange(0, 21))))
    return samples


def test_same_results_as_0007_for_every_input():
    samples = corpus()
    with connection.cursor() as cursor:
        install_0007_functions(cursor)
        cursor.execute(
            "SELECT g, public.gatimitra_gstin_check_character(g), "
            "pg_temp.gstin_0007_check_character(g), public.gatimitra_gstin_valid(g), "
            "pg_temp.gstin_0007_valid(g) FROM unnest(%s::text[]) AS g",
            [samples],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(samples)
    for gstin, check, check_0007, valid, valid_0007 in rows:
        assert (check, valid) == (check_0007, valid_0007), gstin
    outcomes = {valid for *_, valid in rows}
    assert outcomes == {True, False, None}  # the corpus reaches every answer


def test_null_passes_a_check_as_before():
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.gatimitra_gstin_valid(NULL)")
        assert cursor.fetchone() == (None,)


@pytest.mark.parametrize(
    "table, column",
    [
        ("orders.order_invoices", "supplier_gstin"),
        ("orders.order_invoices", "recipient_gstin"),
        ("merchants.merchant_tax_registrations", "gstin"),
        ("customers.customer_business_profiles", "gstin"),
    ],
)
def test_the_function_is_inlined(table, column):
    # The planner inlines both functions into an expression over the column (as it
    # does into the CHECK, planned by the same expression planner): the plan
    # shows the regular expression and strpos, not a call of either function.
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (VERBOSE, COSTS OFF) SELECT public.gatimitra_gstin_valid({column}::text) "
            f"FROM {table}"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "gatimitra_gstin" not in plan
    assert "strpos" in plan and "~" in plan
