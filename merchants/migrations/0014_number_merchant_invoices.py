from django.db import migrations, models

# Frozen here: this migration's SQL stays what it ran.

# Invoices issued before keep their numbers; they get the default series, a
# financial year from their date and serials in date order, and the counters
# continue after them.
BACKFILL = [
    """
UPDATE merchants.merchant_invoices i SET financial_year = n.fy, serial = n.serial
  FROM (SELECT id, fy, row_number() OVER (PARTITION BY series, fy ORDER BY invoice_date, id) AS serial
          FROM (SELECT id, series, invoice_date,
                       extract(year FROM invoice_date - interval '3 months')::integer AS fy
                  FROM merchants.merchant_invoices) AS years) AS n
 WHERE i.id = n.id""",
    """
INSERT INTO orders.invoice_series_counters (document_table, issuer, series, financial_year, last_serial)
SELECT 'merchant_invoices', 'GATIMITRA', series, financial_year, max(serial)
  FROM merchants.merchant_invoices GROUP BY series, financial_year""",
]

NUMBERING = [
    # CGST Rules 2017, Rule 46(b): consecutive, at most 16 characters, unique
    # for a financial year (April-March; invoice_date is a date in India).
    # GatiMitra issues these; the counter row of (series, financial year) is
    # locked until the transaction ends, so numbers have no gaps. A B2B
    # invoice (to a GST registration with a GSTIN) carries its IRN: GatiMitra's
    # turnover is above Rs 5 crore (CGST Rule 48(4), Notification 10/2023-CT).
    """
CREATE FUNCTION merchants.merchant_invoices_issue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fy integer;
    next_serial integer;
    assigned text;
BEGIN
    fy := extract(year FROM NEW.invoice_date - interval '3 months')::integer;
    INSERT INTO orders.invoice_series_counters AS c (document_table, issuer, series, financial_year, last_serial)
        VALUES ('merchant_invoices', 'GATIMITRA', NEW.series, fy, 1)
        ON CONFLICT (document_table, issuer, series, financial_year)
        DO UPDATE SET last_serial = c.last_serial + 1, updated_at = now()
        RETURNING c.last_serial INTO next_serial;
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
    'CREATE TRIGGER "merchant_invoices_issue" BEFORE INSERT ON merchants.merchant_invoices '
    "FOR EACH ROW EXECUTE FUNCTION merchants.merchant_invoices_issue()",
    # The number is the document's identity once issued.
    """
CREATE FUNCTION merchants.merchant_invoices_number_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'merchants.merchant_invoices: invoice % was issued as %; its series, number and financial year do not change (issue a credit note)',
        OLD.id, OLD.invoice_number
        USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_invoices_number_is_final';
END
$$""",
    'CREATE TRIGGER "merchant_invoices_number_is_final" BEFORE UPDATE OF series, invoice_number, '
    "financial_year, serial ON merchants.merchant_invoices FOR EACH ROW "
    "WHEN (OLD.series IS DISTINCT FROM NEW.series OR OLD.invoice_number IS DISTINCT FROM NEW.invoice_number "
    "OR OLD.financial_year IS DISTINCT FROM NEW.financial_year OR OLD.serial IS DISTINCT FROM NEW.serial) "
    "EXECUTE FUNCTION merchants.merchant_invoices_number_is_final()",
]
DROP_NUMBERING = [
    'DROP TRIGGER "merchant_invoices_number_is_final" ON merchants.merchant_invoices',
    "DROP FUNCTION merchants.merchant_invoices_number_is_final()",
    'DROP TRIGGER "merchant_invoices_issue" ON merchants.merchant_invoices',
    "DROP FUNCTION merchants.merchant_invoices_issue()",
]


class Migration(migrations.Migration):
    """Merchant invoice numbers by the database, consecutive per series and
    financial year (shared counters with orders.order_invoices), and the IRN
    of a B2B merchant invoice."""

    dependencies = [
        ("merchants", "0013_resolve_states_and_check_gst"),
        ("orders", "0020_number_and_e_invoice_order_invoices"),
    ]

    operations = [
        migrations.AddField(
            model_name="merchantinvoice",
            name="series",
            field=models.CharField(default="GMC", max_length=10),
        ),
        migrations.AddField(
            model_name="merchantinvoice",
            name="financial_year",
            field=models.PositiveSmallIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="merchantinvoice",
            name="serial",
            field=models.PositiveIntegerField(null=True, editable=False),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="merchantinvoice",
            name="financial_year",
            field=models.PositiveSmallIntegerField(
                db_default=models.Value(None),
                editable=False,
                help_text="The year the Indian financial year (April-March) of invoice_date "
                "starts.",
            ),
        ),
        migrations.AlterField(
            model_name="merchantinvoice",
            name="serial",
            field=models.PositiveIntegerField(db_default=models.Value(None), editable=False),
        ),
        migrations.AlterField(
            model_name="merchantinvoice",
            name="invoice_number",
            field=models.CharField(
                db_default=models.Value(None),
                editable=False,
                help_text="Series, FY and serial, e.g. GMC2526/17: assigned by the database.",
                max_length=32,
                unique=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="merchantinvoice",
            constraint=models.UniqueConstraint(
                fields=("series", "financial_year", "serial"), name="merchant_invoices_serial_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="merchantinvoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("series__regex", "^[A-Z]{1,4}$")),
                name="merchant_invoices_series_format",
                violation_error_message="A series is 1 to 4 capital letters.",
            ),
        ),
        migrations.AddConstraint(
            model_name="merchantinvoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("irn__regex", "^[0-9a-f]{64}$")),
                name="merchant_invoices_irn_format",
                violation_error_message="An IRN is 64 lowercase hex characters (SHA-256).",
            ),
        ),
        migrations.RunSQL(NUMBERING, DROP_NUMBERING),
    ]
