"""orders 0032: a statement bumps each invoice counter row once and numbers
its further invoices from transaction-local settings, written back at the
statement's end.

Every write here numbers (or is refused) the same way with 0032 as with
0020's per-row upsert (0032's reverse applied in the same, rolled back,
transaction): the invoices' financial year, serial and number, and the
counter rows afterwards, for single-row INSERTs, a multi-row INSERT, COPY,
two INSERTs in one query, statements mixed in one transaction, savepoints
and PL/pgSQL exception blocks rolled back (also in the middle of a
statement), a row skipped by ON CONFLICT DO NOTHING; and each refusal:
message, SQLSTATE, CONSTRAINT. Two writers of one counter wait for each
other and number without gaps or duplicates; writers of different counters
do not wait."""

import datetime
import threading

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from gatimitra.db.validators import make_gstin
from orders.factories import OrderInvoiceFactory
from orders.sqlfrozen import m0032_number_invoices_once_per_statement as m0032

pytestmark = pytest.mark.django_db

ONCE_PER_STATEMENT, PER_ROW = (), tuple(m0032.ISSUE_PER_ROW)
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
#: Ids of the invoices the tests write (the messages name them).
FIRST_ID = 990_000_000

COLUMNS = [
    "invoice_type",
    "issuer",
    "series",
    "issued_at",
    "supplier_gstin",
    "recipient_gstin",
    "place_of_supply",
    "hsn_sac",
    "taxable_value",
    "cgst",
    "sgst",
    "igst",
    "cess",
    "total",
    "document_url",
    "order_id",
    "original_invoice_id",
    "gst_registration_id",
    "cancels_original",
    "irn_ack_number",
    "signed_qr_code",
]


def rows_sql(count, first, **overrides):
    """INSERT of ``count`` copies of the template invoice (``%(template)s``),
    ids from ``first``, over three series and two financial years;
    ``overrides``: column -> SQL expression (of the template's columns and
    ``g``, the row's place, 0 first)."""
    expressions = {
        **{column: column for column in COLUMNS},
        "series": "'S' || mod(g, 3)",
        "issued_at": "issued_at + mod(g, 2) * interval '365 days'",
        **overrides,
    }
    return f"""
INSERT INTO orders.order_invoices (id, {", ".join(expressions)})
SELECT {first} + g, {", ".join(expressions.values())}
  FROM orders.order_invoices, generate_series(0, {count - 1}) AS g
 WHERE id = %(template)s
 ORDER BY g"""


@pytest.fixture
def template():
    issued = datetime.datetime(2026, 3, 31, 22, 0, tzinfo=IST)  # FY 2025-26; +1 year: 2026-27
    return OrderInvoiceFactory(series="TPL", issued_at=issued).pk


class Passed(Exception):
    pass


def outcome(write, template, statements):
    """What ``write(cursor, template)`` leaves with ``statements`` (a version of
    the numbering's SQL) run first: the test's invoices (id, financial year,
    serial, number) and the order invoice counters (key, last serial); or
    the refusal (constraint, SQLSTATE, first line of the message). All of
    it rolled back."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            write(cursor, template)
            cursor.execute(
                "SELECT id, series, financial_year, serial, invoice_number "
                "FROM orders.order_invoices WHERE id >= %s ORDER BY id",
                [FIRST_ID],
            )
            invoices = cursor.fetchall()
            cursor.execute(
                "SELECT issuer, series, financial_year, last_serial "
                "FROM orders.invoice_series_counters WHERE document_table = 'order_invoices' "
                "ORDER BY 1, 2, 3"
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


def test_the_reverse_puts_back_0020s_numbering():
    assert m0032.ISSUE_PER_ROW[-2:] == m0032._m0020.NUMBERING
    assert m0032.ISSUE_PER_ROW[-2].startswith("\nCREATE FUNCTION orders.order_invoices_issue()")


def test_single_row_inserts(template):
    def write(cursor, template):
        for n in range(6):
            cursor.execute(
                rows_sql(1, FIRST_ID + 10 * n, series=f"'S{n % 2}'"), {"template": template}
            )

    invoices, counters = same_either_way(write, template)
    assert [row[3] for row in invoices] == [1, 1, 2, 2, 3, 3]
    assert len(counters) == 3  # the template's and S0, S1


def test_a_multi_row_insert_and_statements_mixed(template):
    def write(cursor, template):
        cursor.execute(rows_sql(40, FIRST_ID), {"template": template})
        cursor.execute(rows_sql(1, FIRST_ID + 100, series="'S1'"), {"template": template})
        cursor.execute(rows_sql(7, FIRST_ID + 200), {"template": template})

    invoices, counters = same_either_way(write, template)
    assert len(invoices) == 48
    # Three series in two financial years: each numbered 1..n without gaps.
    by_counter = {}
    for _id, series, year, serial, _number in invoices:
        by_counter.setdefault((series, year), []).append(serial)
    assert len(by_counter) == 6
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in by_counter.values())
    assert sum(last for *_key, last in counters) == 48 + 1  # and the template's


def test_copy(template):
    def write(cursor, template):
        columns = ", ".join(COLUMNS)
        cursor.execute(f"SELECT {columns} FROM orders.order_invoices WHERE id = %s", [template])
        row = list(cursor.fetchone())
        with cursor.copy(f"COPY orders.order_invoices (id, {columns}) FROM STDIN") as copy:
            for n in range(25):
                row[2] = f"C{n % 4}"
                copy.write_row([FIRST_ID + n, *row])

    invoices, _counters = same_either_way(write, template)
    assert [invoice[3] for invoice in invoices][:8] == [1, 1, 1, 1, 2, 2, 2, 2]


def test_two_inserts_in_one_query(template):
    def write(cursor, template):
        first = rows_sql(5, FIRST_ID).replace("ORDER BY g", "ORDER BY g RETURNING id")
        cursor.execute(f"WITH a AS ({first}) {rows_sql(5, FIRST_ID + 100)}", {"template": template})
        cursor.execute(rows_sql(3, FIRST_ID + 200), {"template": template})

    invoices, _counters = same_either_way(write, template)
    assert len(invoices) == 13


def test_savepoints_rolled_back(template):
    def write(cursor, template):
        cursor.execute(rows_sql(10, FIRST_ID), {"template": template})
        cursor.execute("SAVEPOINT a")
        cursor.execute(rows_sql(10, FIRST_ID + 100), {"template": template})
        cursor.execute("ROLLBACK TO SAVEPOINT a")
        cursor.execute(rows_sql(4, FIRST_ID + 200), {"template": template})
        cursor.execute("SAVEPOINT b")
        cursor.execute(rows_sql(4, FIRST_ID + 300), {"template": template})
        cursor.execute("RELEASE SAVEPOINT b")
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
    assert {row[0] - FIRST_ID for row in invoices} >= {0, 200, 300, 600}
    assert not [row for row in invoices if 100 <= row[0] - FIRST_ID < 200]
    assert not [row for row in invoices if 400 <= row[0] - FIRST_ID < 600]
    serials = {}
    for _id, series, year, serial, _number in invoices:
        serials.setdefault((series, year), []).append(serial)
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in serials.values())


def test_a_row_skipped_on_conflict_keeps_its_gap(template):
    def write(cursor, template):
        cursor.execute(rows_sql(3, FIRST_ID), {"template": template})
        cursor.execute(
            rows_sql(4, FIRST_ID + 1) + " ON CONFLICT (id) DO NOTHING", {"template": template}
        )
        cursor.execute(rows_sql(2, FIRST_ID + 50), {"template": template})

    invoices, counters = same_either_way(write, template)
    assert len(invoices) == 7
    assert sum(last for *_key, last in counters) == 1 + 3 + 4 + 2


@pytest.mark.parametrize(
    "column, expression",
    [
        ("serial", "CASE g WHEN 3 THEN 9 END"),
        ("invoice_number", "CASE g WHEN 4 THEN '2526/99' END"),
        ("financial_year", "CASE g WHEN 0 THEN 2019 END"),
        ("recipient_gstin", f"CASE g WHEN 2 THEN '{make_gstin('29', 'AABCN1234F')}' END"),
        ("issued_at", "CASE g WHEN 1 THEN NULL ELSE issued_at END"),
    ],
)
def test_refusals_in_a_multi_row_insert(template, column, expression):
    def write(cursor, template):
        cursor.execute(rows_sql(2, FIRST_ID + 100), {"template": template})
        cursor.execute(rows_sql(5, FIRST_ID, **{column: expression}), {"template": template})

    refusal = same_either_way(write, template)
    expected = "23502" if column == "issued_at" else "23514"
    assert len(refusal) == 3 and refusal[1] == expected, refusal


def test_a_credit_note_that_is_not_a_full_reversal(template):
    def write(cursor, template):
        cursor.execute(rows_sql(2, FIRST_ID), {"template": template})
        cursor.execute(
            f"INSERT INTO orders.order_invoices (id, {', '.join(COLUMNS)}) "
            f"SELECT {FIRST_ID} + 10, 'CREDIT_NOTE', issuer, 'CN', issued_at, supplier_gstin, "
            "recipient_gstin, place_of_supply, hsn_sac, taxable_value, cgst, sgst, igst, cess, "
            "total + 1, document_url, order_id, id, gst_registration_id, true, irn_ack_number, "
            "signed_qr_code FROM orders.order_invoices WHERE id = %s",
            [template],
        )

    assert same_either_way(write, template)[0] == "order_invoices_cancellation_reverses_all"


# Two writers -----------------------------------------------------------------------------


def _connect():
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        # Behind PgBouncer (--through-pgbouncer) server-side prepared
        # statements would outlive the transaction that made them.
        prepare_threshold=None,
    )


def _two_writers(template, same, other):
    """Writer A numbers 20 invoices of series ``same`` and keeps its
    transaction open; B then writes 15 more of it (it must wait for A) and C
    writes 5 of series ``other`` (it must not wait). Whether B waited,
    whether C finished while A was still open, and the serials of ``same``."""
    columns = ", ".join(COLUMNS)
    sql = (
        f"INSERT INTO orders.order_invoices ({columns}) "
        f"SELECT {columns.replace('series', '%(series)s')} FROM orders.order_invoices, "
        "generate_series(1, %(count)s) WHERE id = %(template)s"
    )
    a, b, c = _connect(), _connect(), _connect()
    c.autocommit = True  # polls pg_stat_activity afresh each time
    try:
        a.execute(sql, {"series": same, "count": 20, "template": template})
        done = {}

        def write_b():
            b.execute(sql, {"series": same, "count": 15, "template": template})
            b.commit()
            done["b"] = True

        thread = threading.Thread(target=write_b)
        thread.start()
        waited = False
        for _ in range(200):
            # By what B runs, not B's backend pid: behind PgBouncer the pid
            # the client is told is not its server's.
            row = c.execute(
                "SELECT EXISTS (SELECT FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                " AND query LIKE 'INSERT INTO orders.order_invoices %')"
            ).fetchone()
            if row[0]:
                waited = True
                break
            threading.Event().wait(0.05)
        c.execute("SET lock_timeout = '5s'")
        c.execute(sql, {"series": other, "count": 5, "template": template})
        other_series_done = "b" not in done
        a.commit()
        thread.join(30)
        serials = c.execute(
            "SELECT serial FROM orders.order_invoices WHERE series = %s ORDER BY serial", [same]
        ).fetchall()
        return waited, other_series_done, [serial for (serial,) in serials]
    finally:
        for conn in (a, b, c):
            conn.close()


def _apply(statements):
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_counter_wait_and_number_without_gaps():
    issued = datetime.datetime(2026, 5, 2, 12, 0, tzinfo=IST)
    template = OrderInvoiceFactory(series="TPL", issued_at=issued).pk
    new = _two_writers(template, "W1", "V1")
    _apply(PER_ROW)
    try:
        old = _two_writers(template, "W2", "V2")
    finally:
        _apply(m0032.ISSUE_ONCE_PER_STATEMENT)
    assert new == old == (True, True, list(range(1, 36)))
