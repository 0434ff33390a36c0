"""The SQL of orders 0033_issue_invoices_without_per_row_statements, frozen
as written.

After 0032, ``orders.order_invoices_issue()`` was still the largest per-row
trigger of the demo order step's COPY outside the audit capture (9,191
invoices, 389 ms, about 42 us an invoice: benchmarks/README.md "The commit
of the order step, check by check" and "Cheaper per-row bodies"). Two of its
steps ran a whole statement through the executor for every invoice, where
PL/pgSQL evaluates a plain expression without one:

* ``PERFORM set_config(slot, ...)`` is a ``SELECT``; the same call is now an
  assignment (``cached := set_config(...)``), the value unused as before;
* the e-invoicing test held an ``EXISTS`` subquery in the same ``IF`` as its
  cheap column tests, so the whole condition was a statement started for
  every invoice (B2C ones included); the column tests now come first, in an
  ``IF`` of their own, and the ``EXISTS`` runs only for a B2B invoice without
  IRN. ``IF a AND b`` and ``IF a THEN IF b`` raise for the same rows (a NULL
  condition does not raise in either).

Everything else is 0032's text: the numbers, counter rows, settings, locks,
checks and their order, messages, SQLSTATE and CONSTRAINT. One difference a
role could see: the statement holding ``merchants.merchant_tax_registrations``
was started (and its privileges checked) for every invoice; now only for a
B2B invoice without IRN. A role allowed to insert order invoices but not to
read that table (``gm_orders_rw`` alone, NOLOGIN; ``gm_app``, a member of
every domain's ``_rw`` role, holds both) was refused every invoice with
"permission denied for schema merchants", and now only those.

The reverse puts back 0032's function (its statement trigger is untouched).
"""

import importlib

_m0032 = importlib.import_module("orders.sqlfrozen.m0032_number_invoices_once_per_statement")

ISSUE_WITHOUT_PER_ROW_STATEMENTS = """
CREATE OR REPLACE FUNCTION orders.order_invoices_issue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fy integer;
    key_issuer text;
    slot text;
    cached text;
    counter_id bigint;
    next_serial integer;
    assigned text;
    original record;
BEGIN
    fy := extract(year FROM (NEW.issued_at AT TIME ZONE 'Asia/Kolkata') - interval '3 months')::integer;
    key_issuer := coalesce(NEW.supplier_gstin, NEW.issuer);
    -- Hex keeps the name a valid, case-safe setting name whatever the series
    -- holds; NULL parts give a NULL name and take the first-bump path, which
    -- refuses them as 0020 did (the counter's NOT NULL).
    slot := 'orders.invoice_serial_' || encode(convert_to(key_issuer, 'UTF8'), 'hex')
        || '_' || encode(convert_to(NEW.series, 'UTF8'), 'hex') || '_' || fy;
    cached := current_setting(slot, true);
    IF cached IS NULL OR cached = '' THEN
        UPDATE orders.invoice_series_counters AS c
           SET last_serial = c.last_serial + 1, updated_at = now()
         WHERE c.document_table = 'order_invoices' AND c.issuer = key_issuer
           AND c.series = NEW.series AND c.financial_year = fy
        RETURNING c.id, c.last_serial INTO counter_id, next_serial;
        IF NOT FOUND THEN
            INSERT INTO orders.invoice_series_counters AS c (document_table, issuer, series, financial_year, last_serial)
                VALUES ('order_invoices', key_issuer, NEW.series, fy, 1)
                ON CONFLICT (document_table, issuer, series, financial_year)
                DO UPDATE SET last_serial = c.last_serial + 1, updated_at = now()
                RETURNING c.id, c.last_serial INTO counter_id, next_serial;
        END IF;
        PERFORM set_config('orders.invoice_serials_pending',
            coalesce(current_setting('orders.invoice_serials_pending', true), '')
                || counter_id || ':' || next_serial || ':' || slot || ' ',
            true);
    ELSE
        next_serial := cached::integer + 1;
    END IF;
    -- An assignment, not PERFORM: a plain expression, no statement run per row.
    cached := set_config(slot, next_serial::text, true);
    assigned := lpad((fy % 100)::text, 2, '0') || lpad(((fy + 1) % 100)::text, 2, '0') || '/' || next_serial;
    -- A caller may state the number only if it is the one the database
    -- assigns (a fixture loaded twice); any other is refused.
    IF NEW.serial <> next_serial
            OR NEW.financial_year <> fy
            OR NEW.invoice_number <> assigned THEN
        RAISE EXCEPTION 'orders.order_invoices: invoice % of order % brings its own number (%/%/% instead of the next, %); the database assigns invoice_number, serial and financial_year (CGST Rule 46(b))',
            NEW.id, NEW.order_id, NEW.financial_year, NEW.serial, NEW.invoice_number, assigned
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_invoices_numbered_by_database';
    END IF;
    NEW.financial_year := fy;
    NEW.serial := next_serial;
    NEW.invoice_number := assigned;

    -- The registration is read only for a B2B invoice without IRN: the
    -- EXISTS made the whole condition a statement run for every invoice.
    IF NEW.recipient_gstin IS NOT NULL AND NEW.invoice_type <> 'BILL_OF_SUPPLY' AND NEW.irn IS NULL THEN
        IF NEW.issuer IN ('PLATFORM_ECO', 'PLATFORM_SERVICE') OR EXISTS (
                SELECT 1 FROM merchants.merchant_tax_registrations r
                 WHERE r.id = NEW.gst_registration_id AND r.einvoice_applicable) THEN
            RAISE EXCEPTION 'orders.order_invoices: invoice % of order % is B2B from an issuer under e-invoicing but has no IRN (CGST Rule 48(4), Notification 10/2023-CT)',
                NEW.id, NEW.order_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_invoices_b2b_has_irn';
        END IF;
    END IF;

    IF NEW.cancels_original THEN
        SELECT id, order_id, invoice_type, issuer, supplier_gstin, total INTO original
          FROM orders.order_invoices WHERE id = NEW.original_invoice_id;
        IF original.invoice_type IN ('CREDIT_NOTE', 'DEBIT_NOTE')
                OR original.order_id <> NEW.order_id
                OR original.issuer <> NEW.issuer
                OR original.supplier_gstin IS DISTINCT FROM NEW.supplier_gstin
                OR original.total <> NEW.total THEN
            RAISE EXCEPTION 'orders.order_invoices: credit note % cancels invoice % but is not its full reversal (same order, issuer and total; a note is not cancelled by a note)',
                NEW.id, NEW.original_invoice_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_invoices_cancellation_reverses_all';
        END IF;
    END IF;
    RETURN NEW;
END
$$"""

#: The reverse: 0032's ``order_invoices_issue()``.
ISSUE_AS_IN_0032 = _m0032.ISSUE_ONCE_PER_STATEMENT[1]
