"""orders 0033: ``order_invoices_issue()`` without a statement run per
invoice (``set_config`` by assignment; the e-invoicing registration read only
for a B2B invoice without IRN).

Every write here numbers (or is refused) the same way with 0033 as with
0032's function (0033's reverse applied in the same, rolled back,
transaction): the invoices' financial year, serial and number and the
counter rows afterwards, for single-row INSERTs, a multi-row INSERT, COPY,
savepoints and an exception block rolled back mid-statement; and each
refusal: CONSTRAINT, SQLSTATE, message, B2B invoices of every issuer kind
with and without IRN and e-invoicing included."""

import datetime

import pytest
from django.db import DatabaseError, connection

from gatimitra.db.validators import make_gstin
from merchants.factories import MerchantTaxRegistrationFactory
from orders.factories import OrderInvoiceFactory
from orders.sqlfrozen import m0032_number_invoices_once_per_statement as m0032
from orders.sqlfrozen import m0033_issue_invoices_without_per_row_statements as m0033
from tests.orders.test_invoice_numbers_once_per_statement import (
    COLUMNS,
    FIRST_ID,
    IST,
    outcome,
    rows_sql,
)

pytestmark = pytest.mark.django_db

NOW, AS_IN_0032 = (), (m0033.ISSUE_AS_IN_0032,)
BUYER = make_gstin("29", "AABCN1234F")


@pytest.fixture
def template():
    issued = datetime.datetime(2026, 3, 31, 22, 0, tzinfo=IST)  # FY 2025-26; +1 year: 2026-27
    return OrderInvoiceFactory(series="TPL", issued_at=issued).pk


def same_either_way(write, template):
    new = outcome(write, template, NOW)
    old = outcome(write, template, AS_IN_0032)
    assert new == old
    return new


#: The two steps 0033 changes, as 0032 wrote them and as 0033 does.
SET_CONFIG_0032 = "    PERFORM set_config(slot, next_serial::text, true);\n"
SET_CONFIG_0033 = (
    "    -- An assignment, not PERFORM: a plain expression, no statement run per row.\n"
    "    cached := set_config(slot, next_serial::text, true);\n"
)
#: The e-invoicing refusal's RAISE line, as 0032 indents it.
RAISE_B2B = next(
    line
    for line in m0032.ISSUE_ONCE_PER_STATEMENT[1].splitlines(keepends=True)
    if "is B2B from an issuer under e-invoicing" in line
)
COLUMN_TESTS = (
    "NEW.recipient_gstin IS NOT NULL AND NEW.invoice_type <> 'BILL_OF_SUPPLY' AND NEW.irn IS NULL"
)
REGISTRATION = """\
                SELECT 1 FROM merchants.merchant_tax_registrations r
                 WHERE r.id = NEW.gst_registration_id AND r.einvoice_applicable)"""
E_INVOICING_0032 = f"""\
    IF {COLUMN_TESTS}
            AND (NEW.issuer IN ('PLATFORM_ECO', 'PLATFORM_SERVICE') OR EXISTS (
{REGISTRATION}) THEN
{RAISE_B2B}\
            NEW.id, NEW.order_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_invoices_b2b_has_irn';
    END IF;
"""
E_INVOICING_0033 = f"""\
    -- The registration is read only for a B2B invoice without IRN: the
    -- EXISTS made the whole condition a statement run for every invoice.
    IF {COLUMN_TESTS} THEN
        IF NEW.issuer IN ('PLATFORM_ECO', 'PLATFORM_SERVICE') OR EXISTS (
{REGISTRATION} THEN
    {RAISE_B2B}\
                NEW.id, NEW.order_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_invoices_b2b_has_irn';
        END IF;
    END IF;
"""


def test_the_reverse_is_0032s_function_and_only_two_steps_changed():
    assert m0032.ISSUE_ONCE_PER_STATEMENT[1] == m0033.ISSUE_AS_IN_0032
    new = m0033.ISSUE_WITHOUT_PER_ROW_STATEMENTS
    assert new.count(SET_CONFIG_0033) == 1 and new.count(E_INVOICING_0033) == 1
    undone = new.replace(SET_CONFIG_0033, SET_CONFIG_0032).replace(
        E_INVOICING_0033, E_INVOICING_0032
    )
    assert undone == m0033.ISSUE_AS_IN_0032


def test_the_migrated_function_is_0033s():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE oid = 'orders.order_invoices_issue'::regproc"
        )
        source = cursor.fetchone()[0]
    assert source.strip() in m0033.ISSUE_WITHOUT_PER_ROW_STATEMENTS


def test_single_row_inserts(template):
    def write(cursor, template):
        for n in range(6):
            cursor.execute(
                rows_sql(1, FIRST_ID + 10 * n, series=f"'S{n % 2}'"), {"template": template}
            )

    invoices, counters = same_either_way(write, template)
    assert [row[3] for row in invoices] == [1, 1, 2, 2, 3, 3]
    assert len(counters) == 3


def test_a_multi_row_insert_and_copy(template):
    def write(cursor, template):
        cursor.execute(rows_sql(40, FIRST_ID), {"template": template})
        columns = ", ".join(COLUMNS)
        cursor.execute(f"SELECT {columns} FROM orders.order_invoices WHERE id = %s", [template])
        row = list(cursor.fetchone())
        with cursor.copy(f"COPY orders.order_invoices (id, {columns}) FROM STDIN") as copy:
            for n in range(25):
                row[2] = f"S{n % 4}"
                copy.write_row([FIRST_ID + 100 + n, *row])

    invoices, counters = same_either_way(write, template)
    assert len(invoices) == 65
    by_counter = {}
    for _id, series, year, serial, _number in invoices:
        by_counter.setdefault((series, year), []).append(serial)
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in by_counter.values())
    assert sum(last for *_key, last in counters) == 65 + 1


def test_savepoints_and_an_exception_block_rolled_back(template):
    def write(cursor, template):
        cursor.execute(rows_sql(10, FIRST_ID), {"template": template})
        cursor.execute("SAVEPOINT a")
        try:
            cursor.execute(
                rows_sql(9, FIRST_ID + 100, serial="CASE g WHEN 5 THEN 77 END"),
                {"template": template},
            )
        except DatabaseError:
            cursor.execute("ROLLBACK TO SAVEPOINT a")
        else:
            raise AssertionError("the 6th row was not refused")
        body = rows_sql(6, FIRST_ID + 200).replace("%(template)s", str(template))
        cursor.execute(
            f"DO $$ BEGIN BEGIN {body}; RAISE EXCEPTION 'undo'; "
            "EXCEPTION WHEN raise_exception THEN NULL; END; END $$"
        )
        cursor.execute(rows_sql(5, FIRST_ID + 300), {"template": template})

    invoices, _counters = same_either_way(write, template)
    assert {row[0] - FIRST_ID for row in invoices} == {*range(10), *range(300, 305)}


@pytest.mark.parametrize(
    "column, expression",
    [
        ("serial", "CASE g WHEN 3 THEN 9 END"),
        ("invoice_number", "CASE g WHEN 4 THEN '2526/99' END"),
        ("financial_year", "CASE g WHEN 0 THEN 2019 END"),
        ("recipient_gstin", f"CASE g WHEN 2 THEN '{BUYER}' END"),
        ("issued_at", "CASE g WHEN 1 THEN NULL ELSE issued_at END"),
    ],
)
def test_refusals_in_a_multi_row_insert(template, column, expression):
    def write(cursor, template):
        cursor.execute(rows_sql(5, FIRST_ID, **{column: expression}), {"template": template})

    refusal = same_either_way(write, template)
    assert len(refusal) == 3 and refusal[1] == ("23502" if column == "issued_at" else "23514")


@pytest.mark.parametrize(
    "issuer, einvoicing, overrides, refused",
    [
        ("PLATFORM_ECO", None, {}, True),
        ("PLATFORM_SERVICE", None, {}, True),
        ("PLATFORM_ECO", None, {"invoice_type": "'BILL_OF_SUPPLY'"}, False),
        ("MERCHANT", True, {}, True),
        ("MERCHANT", False, {}, False),
        ("MERCHANT", True, {"recipient_gstin": "NULL"}, False),  # B2C
        ("EXTERNAL_PROVIDER", None, {}, False),
    ],
)
def test_b2b_invoices_and_e_invoicing(template, issuer, einvoicing, overrides, refused):
    registration = (
        None
        if einvoicing is None
        else MerchantTaxRegistrationFactory(einvoice_applicable=einvoicing)
    )

    def write(cursor, template):
        columns = {
            "issuer": f"'{issuer}'",
            "recipient_gstin": f"'{BUYER}'",
            "gst_registration_id": "NULL" if registration is None else str(registration.pk),
            **overrides,
        }
        if registration is not None:
            columns["supplier_gstin"] = f"'{registration.gstin}'"
        cursor.execute(rows_sql(3, FIRST_ID, **columns), {"template": template})

    result = same_either_way(write, template)
    if refused:
        assert result[:2] == ("order_invoices_b2b_has_irn", "23514"), result
    else:
        assert len(result[0]) == 3, result


def test_a_credit_note_that_is_not_a_full_reversal(template):
    def write(cursor, template):
        cursor.execute(
            f"INSERT INTO orders.order_invoices (id, {', '.join(COLUMNS)}) "
            f"SELECT {FIRST_ID} + 10, 'CREDIT_NOTE', issuer, 'CN', issued_at, supplier_gstin, "
            "recipient_gstin, place_of_supply, hsn_sac, taxable_value, cgst, sgst, igst, cess, "
            "total + 1, document_url, order_id, id, gst_registration_id, true, irn_ack_number, "
            "signed_qr_code FROM orders.order_invoices WHERE id = %s",
            [template],
        )

    assert same_either_way(write, template)[0] == "order_invoices_cancellation_reverses_all"
