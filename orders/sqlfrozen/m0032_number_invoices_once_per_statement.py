"""The SQL of orders 0032_number_invoices_once_per_statement, frozen as written.

``order_invoices_issue`` (0020) numbered every invoice with an upsert of its
counter row in ``orders.invoice_series_counters``: one new version of that
row per invoice. In one transaction none of those versions can be pruned
(the transaction that wrote them is still running), so every later upsert of
the same counter walks all of them: the demo order step's COPY (9,224
invoices on 13 counters) spent 1.16 s in the trigger, its per-row cost
growing with the rows already numbered (benchmarks/README.md, "Per-row
triggers", "Invoice numbers once per statement").

Now a statement writes each counter row it uses twice at most:

* the first invoice of a counter in a statement bumps the row as before
  (``UPDATE ... RETURNING``, the upsert only when the row does not exist
  yet). That takes the row lock until the transaction ends: a second writer
  of the same counter waits for it, writers of other counters do not, and a
  rolled-back issue gives its number back, as before;
* the statement's further invoices of that counter take their serial from a
  transaction-local setting (``set_config(..., true)``) named after the
  counter's key (hex of issuer and series, and the financial year: one
  setting per counter, no parsing of a shared list per row);
* a statement-level AFTER INSERT trigger (``order_invoices_issue_serials``)
  writes the last serial of each counter the statement used back into its
  row (when it moved past the one written) and empties the settings.

Why it holds: a setting set with ``is_local`` lives and dies with the
(sub)transaction like the counter row does: an error, a ``ROLLBACK TO
SAVEPOINT`` or a PL/pgSQL exception block puts both back to where they were
together. No other writer can see or take a serial in between: the counter
row stays locked by the first bump. Between statements the settings are
empty, so the counter row is the truth again (anything that changes it
later in the transaction is read by the next statement's first bump). A
nested INSERT into order_invoices (from a function of the outer statement)
writes back and empties every setting at its end, including the outer
statement's: the outer statement's next invoice then bumps the row it
wrote, so the numbers still follow on. The trigger function must keep no
``SET`` clause: a function-level setting would undo ``set_config`` on return.

Unchanged: the numbers (1, 2, 3... per issuer, series and financial year,
without gaps), the caller's own number refused unless it is the next one,
the IRN rule, the credit note rule, each refusal's message, SQLSTATE and
CONSTRAINT, and the counter row at the end of every statement (a statement
that bumps a counter without inserting the row, ON CONFLICT DO NOTHING,
still leaves the gap it left before). Only the counter's surrogate id may
differ for new counters: the upsert, now run once per counter and
statement, no longer draws an identity value per invoice.

The reverse drops the statement trigger and puts back 0020's function.
"""

import importlib

_m0020 = importlib.import_module("orders.migrations.0020_number_and_e_invoice_order_invoices")

MAINTENANCE = (
    "SELECT audit.begin_maintenance('migration orders 0032 {way}: "
    "invoice numbers once per statement')"
)

ISSUE_ONCE_PER_STATEMENT = [
    MAINTENANCE.format(way="forward"),
    """
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
    PERFORM set_config(slot, next_serial::text, true);
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

    IF NEW.recipient_gstin IS NOT NULL AND NEW.invoice_type <> 'BILL_OF_SUPPLY' AND NEW.irn IS NULL
            AND (NEW.issuer IN ('PLATFORM_ECO', 'PLATFORM_SERVICE') OR EXISTS (
                SELECT 1 FROM merchants.merchant_tax_registrations r
                 WHERE r.id = NEW.gst_registration_id AND r.einvoice_applicable)) THEN
        RAISE EXCEPTION 'orders.order_invoices: invoice % of order % is B2B from an issuer under e-invoicing but has no IRN (CGST Rule 48(4), Notification 10/2023-CT)',
            NEW.id, NEW.order_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_invoices_b2b_has_irn';
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
$$""",
    """
CREATE FUNCTION orders.order_invoices_issue_serials() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pending text := current_setting('orders.invoice_serials_pending', true);
    entry text;
    slot text;
    reached integer;
BEGIN
    IF pending IS NULL OR pending = '' THEN
        RETURN NULL;
    END IF;
    -- Each entry: counter id, the serial its row holds, the setting's name.
    FOREACH entry IN ARRAY string_to_array(rtrim(pending), ' ') LOOP
        slot := split_part(entry, ':', 3);
        reached := current_setting(slot)::integer;
        IF reached <> split_part(entry, ':', 2)::integer THEN
            UPDATE orders.invoice_series_counters AS c
               SET last_serial = reached, updated_at = now()
             WHERE c.id = split_part(entry, ':', 1)::bigint;
        END IF;
        PERFORM set_config(slot, '', true);
    END LOOP;
    PERFORM set_config('orders.invoice_serials_pending', '', true);
    RETURN NULL;
END
$$""",
    'CREATE TRIGGER "order_invoices_issue_serials" AFTER INSERT ON orders.order_invoices '
    "FOR EACH STATEMENT EXECUTE FUNCTION orders.order_invoices_issue_serials()",
]

ISSUE_PER_ROW = [
    MAINTENANCE.format(way="backward"),
    'DROP TRIGGER "order_invoices_issue_serials" ON orders.order_invoices',
    "DROP FUNCTION orders.order_invoices_issue_serials()",
    'DROP TRIGGER "order_invoices_issue" ON orders.order_invoices',
    "DROP FUNCTION orders.order_invoices_issue()",
    *_m0020.NUMBERING,
]
