"""merchants 0017: a statement bumps each merchant invoice counter row once
and numbers its further invoices from transaction-local settings, written
back at the statement's end (orders 0032's change, for merchant invoices).

Every write here numbers (or is refused) the same way with 0017 as with
0014's per-row upsert (0017's reverse applied in the same, rolled back,
transaction): the invoices' financial year, serial and number, and the
counter rows afterwards, for single-row INSERTs, a multi-row INSERT, COPY,
statements mixed in one transaction, savepoints and a PL/pgSQL exception
block rolled back (also in the middle of a statement), a row skipped by ON
CONFLICT DO NOTHING, order invoices numbered in the same transaction; and
each refusal: message, SQLSTATE, CONSTRAINT."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from merchants.factories import MerchantInvoiceFactory
from merchants.sqlfrozen import m0017_number_merchant_invoices_once_per_statement as m0017

pytestmark = pytest.mark.django_db

ONCE_PER_STATEMENT, PER_ROW = (), tuple(m0017.ISSUE_PER_ROW)
#: Ids of the invoices the tests write (the messages name them).
FIRST_ID = 990_000_000

COLUMNS = [
    "invoice_type",
    "invoice_date",
    "period_start",
    "period_end",
    "sac_code",
    "taxable_value",
    "cgst_amount",
    "sgst_amount",
    "igst_amount",
    "total_amount",
    "line_items",
    "irn",
    "irn_ack_at",
    "irn_ack_number",
    "signed_qr_code",
    "pdf_url",
    "original_invoice_id",
    "parent_id",
    "payout_id",
    "gst_registration_id",
    "series",
]


def rows_sql(count, first, **overrides):
    """INSERT of ``count`` copies of the template invoice (``%(template)s``)
    as B2C invoices (no registration, no IRN), ids from ``first``, over three
    series and two financial years; ``overrides``: column -> SQL expression
    (of the template's columns and ``g``, the row's place, 0 first)."""
    expressions = {
        **{column: column for column in COLUMNS},
        "series": "chr(65 + mod(g, 3))",  # A, B, C
        "invoice_date": "invoice_date + mod(g, 2) * 365",
        "irn": "NULL",
        "irn_ack_at": "NULL",
        "irn_ack_number": "''",
        "signed_qr_code": "''",
        "gst_registration_id": "NULL",
        **overrides,
    }
    return f"""
INSERT INTO merchants.merchant_invoices (id, {", ".join(expressions)})
SELECT {first} + g, {", ".join(expressions.values())}
  FROM merchants.merchant_invoices, generate_series(0, {count - 1}) AS g
 WHERE id = %(template)s
 ORDER BY g"""


@pytest.fixture
def template():
    # FY 2025-26; +365 days: 2026-27.
    return MerchantInvoiceFactory(series="TPL", invoice_date=datetime.date(2026, 3, 31)).pk


class Passed(Exception):
    pass


def outcome(write, template, statements):
    """What ``write(cursor, template)`` leaves with ``statements`` (a version of
    the numbering's SQL) run first: the test's invoices (id, series,
    financial year, serial, number) and the counters (table, key, last
    serial); or the refusal (constraint, SQLSTATE, first line of the
    message). All of it rolled back."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            write(cursor, template)
            cursor.execute(
                "SELECT id, series, financial_year, serial, invoice_number "
                "FROM merchants.merchant_invoices WHERE id >= %s ORDER BY id",
                [FIRST_ID],
            )
            invoices = cursor.fetchall()
            cursor.execute(
                "SELECT document_table, issuer, series, financial_year, last_serial "
                "FROM orders.invoice_series_counters ORDER BY 1, 2, 3, 4"
            )
            result = (invoices, cursor.fetchall())
            raise Passed
    except Passed:
        return result
    except DatabaseError as error:
        cause = error.__cause__
        return cause.diag.constraint_name, cause.sqlstate, str(error).splitlines()[0]


def same_either_way(write, template):
    new = outcome(write, template, ONCE_PER_STATEMENT)
    old = outcome(write, template, PER_ROW)
    assert new == old
    return new


def serials_without_gaps(invoices):
    serials = {}
    for _id, series, year, serial, _number in invoices:
        serials.setdefault((series, year), []).append(serial)
    return all(sorted(s) == list(range(1, len(s) + 1)) for s in serials.values())


def test_the_reverse_puts_back_0014s_numbering():
    assert m0017.ISSUE_PER_ROW[-2:] == m0017._m0014.NUMBERING[:2]
    assert m0017.ISSUE_PER_ROW[-2].startswith(
        "\nCREATE FUNCTION merchants.merchant_invoices_issue()"
    )


def test_the_migrated_database_numbers_once_per_statement():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger "
            "WHERE tgrelid = 'merchants.merchant_invoices'::regclass "
            "AND tgname = 'merchant_invoices_issue_serials'"
        )
        assert cursor.fetchone()[0] == 1


def test_single_row_inserts(template):
    def write(cursor, template):
        for n in range(6):
            cursor.execute(
                rows_sql(1, FIRST_ID + 10 * n, series=f"'S{'AB'[n % 2]}'"), {"template": template}
            )

    invoices, counters = same_either_way(write, template)
    assert [row[3] for row in invoices] == [1, 1, 2, 2, 3, 3]
    assert invoices[0][4] == "SA2526/1"
    assert ("merchant_invoices", "GATIMITRA", "SA", 2025, 3) in counters


def test_a_multi_row_insert_and_statements_mixed(template):
    def write(cursor, template):
        cursor.execute(rows_sql(40, FIRST_ID), {"template": template})
        cursor.execute(rows_sql(1, FIRST_ID + 100, series="'B'"), {"template": template})
        cursor.execute(rows_sql(7, FIRST_ID + 200), {"template": template})

    invoices, _counters = same_either_way(write, template)
    assert len(invoices) == 48
    assert len({(row[1], row[2]) for row in invoices}) == 6
    assert serials_without_gaps(invoices)


def test_copy(template):
    def write(cursor, template):
        columns = ", ".join(COLUMNS)
        cursor.execute(
            f"SELECT {columns} FROM merchants.merchant_invoices WHERE id = %s", [template]
        )
        row = list(cursor.fetchone())
        for name, value in (("irn", None), ("irn_ack_at", None), ("irn_ack_number", "")):
            row[COLUMNS.index(name)] = value
        row[COLUMNS.index("signed_qr_code")] = ""
        row[COLUMNS.index("gst_registration_id")] = None
        with cursor.copy(f"COPY merchants.merchant_invoices (id, {columns}) FROM STDIN") as copy:
            for n in range(25):
                row[COLUMNS.index("series")] = f"C{'ABCD'[n % 4]}"
                copy.write_row([FIRST_ID + n, *row])

    invoices, _counters = same_either_way(write, template)
    assert [invoice[3] for invoice in invoices][:8] == [1, 1, 1, 1, 2, 2, 2, 2]


def test_savepoints_rolled_back(template):
    def write(cursor, template):
        cursor.execute(rows_sql(10, FIRST_ID), {"template": template})
        cursor.execute("SAVEPOINT a")
        cursor.execute(rows_sql(10, FIRST_ID + 100), {"template": template})
        cursor.execute("ROLLBACK TO SAVEPOINT a")
        cursor.execute(rows_sql(4, FIRST_ID + 200), {"template": template})
        # Refused in the middle of a statement (its 6th row brings its own serial).
        cursor.execute("SAVEPOINT c")
        try:
            cursor.execute(
                rows_sql(9, FIRST_ID + 400, serial="CASE g WHEN 5 THEN 77 END"),
                {"template": template},
            )
        except DatabaseError:
            cursor.execute("ROLLBACK TO SAVEPOINT c")
        else:
            raise AssertionError("the 6th row was not refused")
        # A PL/pgSQL exception block numbers some and is rolled back.
        body = rows_sql(6, FIRST_ID + 500).replace("%(template)s", str(template))
        cursor.execute(
            f"DO $$ BEGIN BEGIN {body}; RAISE EXCEPTION 'undo'; "
            "EXCEPTION WHEN raise_exception THEN NULL; END; END $$"
        )
        cursor.execute(rows_sql(5, FIRST_ID + 600), {"template": template})

    invoices, _counters = same_either_way(write, template)
    assert {row[0] - FIRST_ID for row in invoices} >= {0, 200, 600}
    assert not [row for row in invoices if 100 <= row[0] - FIRST_ID < 200]
    assert not [row for row in invoices if 400 <= row[0] - FIRST_ID < 600]
    assert serials_without_gaps(invoices)


def test_a_row_skipped_on_conflict_keeps_its_gap(template):
    def write(cursor, template):
        cursor.execute(rows_sql(3, FIRST_ID), {"template": template})
        cursor.execute(
            rows_sql(4, FIRST_ID + 1) + " ON CONFLICT (id) DO NOTHING", {"template": template}
        )
        cursor.execute(rows_sql(2, FIRST_ID + 50), {"template": template})

    invoices, counters = same_either_way(write, template)
    assert len(invoices) == 7
    merchant = [row for row in counters if row[0] == "merchant_invoices"]
    assert sum(row[-1] for row in merchant) == 1 + 3 + 4 + 2


def test_order_invoices_in_the_same_transaction(template):
    """The two tables share the counters table but never a setting."""

    def write(cursor, template):
        from orders.factories import OrderInvoiceFactory

        cursor.execute(rows_sql(5, FIRST_ID), {"template": template})
        OrderInvoiceFactory(series="GM")
        cursor.execute(rows_sql(5, FIRST_ID + 100), {"template": template})

    invoices, _counters = same_either_way(write, template)
    assert len(invoices) == 10 and serials_without_gaps(invoices)


@pytest.mark.parametrize(
    "column, expression",
    [
        ("serial", "CASE g WHEN 3 THEN 9 END"),
        ("invoice_number", "CASE g WHEN 4 THEN 'B2526/99' END"),
        ("financial_year", "CASE g WHEN 0 THEN 2019 END"),
        ("gst_registration_id", "CASE g WHEN 2 THEN gst_registration_id END"),
        ("invoice_date", "CASE g WHEN 1 THEN NULL ELSE invoice_date END"),
    ],
)
def test_refusals_in_a_multi_row_insert(template, column, expression):
    def write(cursor, template):
        cursor.execute(rows_sql(2, FIRST_ID + 100), {"template": template})
        cursor.execute(rows_sql(5, FIRST_ID, **{column: expression}), {"template": template})

    refusal = same_either_way(write, template)
    expected = "23502" if column == "invoice_date" else "23514"
    assert len(refusal) == 3 and refusal[1] == expected, refusal
