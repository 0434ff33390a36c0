"""The SQL of merchants 0017_number_merchant_invoices_once_per_statement,
frozen as written.

``merchant_invoices_issue`` (merchants 0014) numbered every merchant invoice
with an upsert of its counter row in ``orders.invoice_series_counters``: one
new version of the row per invoice, none of which can be pruned while the
transaction runs, so each upsert walks all the earlier ones and a bulk
insert's numbering grows with the square of its rows (one INSERT ... SELECT
of one series and year: 1,500 invoices 99 ms, 6,000 649 ms, 24,000 11.1 s
in the trigger; the demo seed's tail writes one invoice per paid store
payout in one statement: benchmarks/README.md "The commit of the order step,
check by check"). This is orders 0032's change for order invoices, made for
merchant invoices: the first invoice of a counter in a statement bumps the
row (plain ``UPDATE ... RETURNING``, the upsert only for a counter that does
not exist yet, which takes the same row lock), the statement's further
invoices of that counter number from a transaction-local setting (rolled
back with the (sub)transaction, like the row), and a statement-level AFTER
INSERT trigger writes the last serial back to the row and clears the
settings at the statement's end, so the next statement reads the row again.

Unchanged: the numbers (1, 2, 3... per series and financial year, without
gaps), the caller's own number refused unless it is the next one, the IRN
rule, each refusal's message, SQLSTATE and CONSTRAINT, the counter row at
the end of every statement (a statement that bumps a counter without
inserting the row, ON CONFLICT DO NOTHING, still leaves the gap it left
before). Only the counter's surrogate id may differ for new counters (the
upsert no longer draws an identity value per invoice). The settings are
named ``merchants.invoice_serial_<series in hex>_<year>`` and
``merchants.invoice_serials_pending``, apart from orders 0032's: the two
tables share counter rows only by key, never a setting.

The reverse drops the statement trigger and puts back 0014's function.
"""

import importlib

_m0014 = importlib.import_module("merchants.migrations.0014_number_merchant_invoices")

MAINTENANCE = (
    "SELECT audit.begin_maintenance('migration merchants 0017 {way}: "
    "merchant invoice numbers once per statement')"
)

ISSUE_ONCE_PER_STATEMENT = [
    MAINTENANCE.format(way="forward"),
    """
CREATE OR REPLACE FUNCTION merchants.merchant_invoices_issue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fy integer;
    slot text;
    cached text;
    counter_id bigint;
    next_serial integer;
    assigned text;
BEGIN
    fy := extract(year FROM NEW.invoice_date - interval '3 months')::integer;
    -- Hex keeps the name a valid, case-safe setting name whatever the series
    -- holds; NULL parts give a NULL name and take the first-bump path, which
    -- refuses them as 0014 did (the counter's NOT NULL).
    slot := 'merchants.invoice_serial_' || encode(convert_to(NEW.series, 'UTF8'), 'hex') || '_' || fy;
    cached := current_setting(slot, true);
    IF cached IS NULL OR cached = '' THEN
        UPDATE orders.invoice_series_counters AS c
           SET last_serial = c.last_serial + 1, updated_at = now()
         WHERE c.document_table = 'merchant_invoices' AND c.issuer = 'GATIMITRA'
           AND c.series = NEW.series AND c.financial_year = fy
        RETURNING c.id, c.last_serial INTO counter_id, next_serial;
        IF NOT FOUND THEN
            INSERT INTO orders.invoice_series_counters AS c (document_table, issuer, series, financial_year, last_serial)
                VALUES ('merchant_invoices', 'GATIMITRA', NEW.series, fy, 1)
                ON CONFLICT (document_table, issuer, series, financial_year)
                DO UPDATE SET last_serial = c.last_serial + 1, updated_at = now()
                RETURNING c.id, c.last_serial INTO counter_id, next_serial;
        END IF;
        PERFORM set_config('merchants.invoice_serials_pending',
            coalesce(current_setting('merchants.invoice_serials_pending', true), '')
                || counter_id || ':' || next_serial || ':' || slot || ' ',
            true);
    ELSE
        next_serial := cached::integer + 1;
    END IF;
    PERFORM set_config(slot, next_serial::text, true);
    assigned := NEW.series || lpad((fy % 100)::text, 2, '0') || lpad(((fy + 1) % 100)::text, 2, '0') || '/' || next_serial;
    -- A caller may state the number only if it is the one the database
    -- assigns (a fixture loaded twice); any other is refused.
    IF NEW.serial <> next_serial
            OR NEW.financial_year <> fy
            OR NEW.invoice_number <> assigned THEN
        RAISE EXCEPTION 'merchants.merchant_invoices: invoice % to parent % brings its own number (%/%/% instead of the next, %); the database assigns invoice_number, serial and financial_year (CGST Rule 46(b))',
            NEW.id, NEW.parent_id, NEW.financial_year, NEW.serial, NEW.invoice_number, assigned
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_invoices_numbered_by_database';
    END IF;
    NEW.financial_year := fy;
    NEW.serial := next_serial;
    NEW.invoice_number := assigned;
    IF NEW.irn IS NULL AND NEW.invoice_type <> 'BILL_OF_SUPPLY' AND EXISTS (
            SELECT 1 FROM merchants.merchant_tax_registrations r
             WHERE r.id = NEW.gst_registration_id AND r.gstin IS NOT NULL) THEN
        RAISE EXCEPTION 'merchants.merchant_invoices: invoice % to parent % is B2B (registration %) but has no IRN (CGST Rule 48(4), Notification 10/2023-CT)',
            NEW.id, NEW.parent_id, NEW.gst_registration_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_invoices_b2b_has_irn';
    END IF;
    RETURN NEW;
END
$$""",
    """
CREATE FUNCTION merchants.merchant_invoices_issue_serials() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pending text := current_setting('merchants.invoice_serials_pending', true);
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
    PERFORM set_config('merchants.invoice_serials_pending', '', true);
    RETURN NULL;
END
$$""",
    'CREATE TRIGGER "merchant_invoices_issue_serials" AFTER INSERT ON merchants.merchant_invoices '
    "FOR EACH STATEMENT EXECUTE FUNCTION merchants.merchant_invoices_issue_serials()",
]

ISSUE_PER_ROW = [
    MAINTENANCE.format(way="backward"),
    'DROP TRIGGER "merchant_invoices_issue_serials" ON merchants.merchant_invoices',
    "DROP FUNCTION merchants.merchant_invoices_issue_serials()",
    'DROP TRIGGER "merchant_invoices_issue" ON merchants.merchant_invoices',
    "DROP FUNCTION merchants.merchant_invoices_issue()",
    *_m0014.NUMBERING[:2],
]
