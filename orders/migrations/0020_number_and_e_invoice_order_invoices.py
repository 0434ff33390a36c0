import django.db.models.functions.comparison
import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models

import gatimitra.db.expressions

# Frozen here: this migration's SQL stays what it ran.

# Invoices issued before this migration keep the numbers they were issued
# with (an issued invoice is final: orders 0011); they get their financial
# year and a serial in the order they were issued, and the counters continue
# after them. The final-rows guard is set aside for this one backfill only.
BACKFILL = [
    # Only a database that holds invoices needs it: an empty one (every new
    # build) writes no maintenance entry, so a replay and a one-by-one build
    # stay identical.
    """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM orders.order_invoices) THEN
        RETURN;
    END IF;
    PERFORM audit.begin_maintenance(
        'orders 0020: give issued invoices their financial year and serial (numbers unchanged)');
    ALTER TABLE orders.order_invoices DISABLE TRIGGER "order_invoices_issued_is_final";
    UPDATE orders.order_invoices i SET financial_year = n.fy, serial = n.serial
      FROM (SELECT id, fy, row_number() OVER (
                       PARTITION BY coalesce(supplier_gstin, issuer), series, fy ORDER BY issued_at, id) AS serial
              FROM (SELECT id, supplier_gstin, issuer, series, issued_at,
                           extract(year FROM (issued_at AT TIME ZONE 'Asia/Kolkata') - interval '3 months')::integer AS fy
                      FROM orders.order_invoices) AS years) AS n
     WHERE i.id = n.id;
    ALTER TABLE orders.order_invoices ENABLE TRIGGER "order_invoices_issued_is_final";
    INSERT INTO orders.invoice_series_counters (document_table, issuer, series, financial_year, last_serial)
    SELECT 'order_invoices', coalesce(supplier_gstin, issuer), series, financial_year, max(serial)
      FROM orders.order_invoices GROUP BY 2, 3, 4;
END
$$""",
]

NUMBERING = [
    # CGST Rules 2017, Rule 46(b): "a consecutive serial number not exceeding
    # sixteen characters, in one or multiple series ... unique for a financial
    # year". The counter row of (issuer, series, financial year) is locked by
    # the upsert until the transaction ends: concurrent issues of one series
    # wait, and a rolled-back issue returns its number (no gaps). The issuer
    # is its GSTIN (its role when the row has none). The financial year is
    # April-March in India (Asia/Kolkata), whatever the session's time zone.
    #
    # E-invoicing (CGST Rules 2017, Rule 48(4); CBIC Notification
    # 10/2023-CT: aggregate turnover above Rs 5 crore): a B2B document (a
    # recipient GSTIN) from GatiMitra (its turnover is far above the limit)
    # or from a merchant registration marked einvoice_applicable carries the
    # IRN, its acknowledgement and the signed QR code when it is issued.
    #
    # A cancelled invoice is kept (CGST Act s.34: corrections are credit
    # notes; s.36: kept 72 months): its cancellation is a credit note of the
    # same order, issuer and total that refers to it (cancels_original).
    """
CREATE FUNCTION orders.order_invoices_issue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fy integer;
    next_serial integer;
    assigned text;
    original record;
BEGIN
    fy := extract(year FROM (NEW.issued_at AT TIME ZONE 'Asia/Kolkata') - interval '3 months')::integer;
    INSERT INTO orders.invoice_series_counters AS c (document_table, issuer, series, financial_year, last_serial)
        VALUES ('order_invoices', coalesce(NEW.supplier_gstin, NEW.issuer), NEW.series, fy, 1)
        ON CONFLICT (document_table, issuer, series, financial_year)
        DO UPDATE SET last_serial = c.last_serial + 1, updated_at = now()
        RETURNING c.last_serial INTO next_serial;
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
    'CREATE TRIGGER "order_invoices_issue" BEFORE INSERT ON orders.order_invoices '
    "FOR EACH ROW EXECUTE FUNCTION orders.order_invoices_issue()",
]
DROP_NUMBERING = [
    'DROP TRIGGER "order_invoices_issue" ON orders.order_invoices',
    "DROP FUNCTION orders.order_invoices_issue()",
]

ITEM_RATES = [
    # GST is charged at the slab in force on the date of supply: an order
    # placed from 22 September 2025 carries no 12 or 28 % (56th GST Council,
    # Notification 9/2025-CT(Rate)); the slabs are gatimitra.enums.GST_SLAB_PERIODS
    # (public.gatimitra_gst_rate_in_force). The order's date is its placing in India.
    """
CREATE FUNCTION orders.order_items_gst_rate_in_force() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    placed date;
BEGIN
    SELECT (placed_at AT TIME ZONE 'Asia/Kolkata')::date INTO placed
      FROM orders.orders WHERE id = NEW.order_id;
    IF NOT public.gatimitra_gst_rate_in_force(NEW.gst_rate_percent, placed) THEN
        RAISE EXCEPTION 'orders.order_items: item % of order % charges GST at % %%, not a slab in force on %',
            NEW.id, NEW.order_id, NEW.gst_rate_percent, placed
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_items_gst_rate_in_force';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "order_items_gst_rate_in_force" BEFORE INSERT OR UPDATE OF gst_rate_percent, order_id '
    "ON orders.order_items FOR EACH ROW EXECUTE FUNCTION orders.order_items_gst_rate_in_force()",
]
DROP_ITEM_RATES = [
    'DROP TRIGGER "order_items_gst_rate_in_force" ON orders.order_items',
    "DROP FUNCTION orders.order_items_gst_rate_in_force()",
]


class Migration(migrations.Migration):
    """Invoice numbers by the database, consecutive per issuer, series and
    financial year; IRN and signed QR code for B2B invoices under
    e-invoicing; cancellation by a credit note; GSTIN check characters;
    order items at the GST slab in force on the order's date."""

    dependencies = [
        ("orders", "0019_add_indian_states"),
        ("merchants", "0013_resolve_states_and_check_gst"),
    ]

    operations = [
        migrations.CreateModel(
            name="InvoiceSeriesCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        default=django.utils.timezone.now,
                        editable=False,
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        auto_now=True, db_default=django.db.models.functions.datetime.Now()
                    ),
                ),
                (
                    "document_table",
                    models.CharField(
                        help_text="order_invoices or merchant_invoices.", max_length=40
                    ),
                ),
                (
                    "issuer",
                    models.CharField(
                        help_text="The issuer's GSTIN (or its role when it has none).",
                        max_length=20,
                    ),
                ),
                ("series", models.CharField(max_length=10)),
                (
                    "financial_year",
                    models.PositiveSmallIntegerField(
                        help_text="The year the financial year starts (April in India)."
                    ),
                ),
                ("last_serial", models.PositiveIntegerField()),
            ],
            options={
                "db_table": 'orders"."invoice_series_counters',
                "constraints": [
                    models.UniqueConstraint(
                        fields=("document_table", "issuer", "series", "financial_year"),
                        name="invoice_series_counters_series_uniq",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("document_table__in", ["order_invoices", "merchant_invoices"])
                        ),
                        name="invoice_series_counters_document_table",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("last_serial__gte", 1)),
                        name="invoice_series_counters_serial_positive",
                    ),
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="orderinvoice", name="order_invoices_number_key"),
        migrations.RemoveConstraint(model_name="orderitem", name="order_items_gst_rate_range"),
        migrations.AddField(
            model_name="orderinvoice",
            name="cancels_original",
            field=models.BooleanField(
                default=False,
                help_text="This credit note cancels its original invoice in full "
                "(the invoice is kept).",
            ),
        ),
        migrations.AddField(
            model_name="orderinvoice",
            name="irn",
            field=models.CharField(
                blank=True,
                help_text="Invoice reference number.",
                max_length=64,
                null=True,
                unique=True,
                verbose_name="IRN",
            ),
        ),
        migrations.AddField(
            model_name="orderinvoice",
            name="irn_ack_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="IRN acknowledged at"),
        ),
        migrations.AddField(
            model_name="orderinvoice",
            name="irn_ack_number",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="IRN acknowledgement number"
            ),
        ),
        migrations.AddField(
            model_name="orderinvoice",
            name="signed_qr_code",
            field=models.TextField(blank=True, verbose_name="signed QR code"),
        ),
        migrations.AddField(
            model_name="orderinvoice",
            name="financial_year",
            field=models.PositiveSmallIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="orderinvoice",
            name="serial",
            field=models.PositiveIntegerField(null=True, editable=False),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="orderinvoice",
            name="financial_year",
            field=models.PositiveSmallIntegerField(
                db_default=models.Value(None),
                editable=False,
                help_text="The year the Indian financial year (April-March) of issued_at starts.",
            ),
        ),
        migrations.AlterField(
            model_name="orderinvoice",
            name="serial",
            field=models.PositiveIntegerField(
                db_default=models.Value(None),
                editable=False,
                help_text="1, 2, 3... per issuer, series and financial year, without gaps.",
            ),
        ),
        migrations.AlterField(
            model_name="orderinvoice",
            name="invoice_number",
            field=models.CharField(
                db_default=models.Value(None),
                editable=False,
                help_text="FY/serial, e.g. 2526/17: assigned by the database.",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Coalesce("supplier_gstin", "issuer"),
                models.F("series"),
                models.F("financial_year"),
                models.F("serial"),
                name="order_invoices_serial_uniq",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Coalesce("supplier_gstin", "issuer"),
                models.F("series"),
                models.F("financial_year"),
                models.F("invoice_number"),
                name="order_invoices_number_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cancels_original", True)),
                fields=("original_invoice",),
                name="order_invoices_cancelled_once_uniq",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cancels_original", False), ("invoice_type", "CREDIT_NOTE"), _connector="OR"
                ),
                name="order_invoices_cancelled_by_credit_note",
                violation_error_message="Only a credit note cancels an invoice.",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("irn__regex", "^[0-9a-f]{64}$")),
                name="order_invoices_irn_format",
                violation_error_message="An IRN is 64 lowercase hex characters (SHA-256).",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("irn__isnull", True), ("irn_ack_at__isnull", True), ("signed_qr_code", "")
                    ),
                    models.Q(
                        ("irn__isnull", False),
                        ("irn_ack_at__isnull", False),
                        models.Q(("signed_qr_code", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="order_invoices_irn_with_ack_and_qr",
                violation_error_message="An IRN comes with its acknowledgement time and "
                "signed QR code.",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.CheckConstraint(
                condition=models.Q(gatimitra.db.expressions.GstinIsValid("supplier_gstin")),
                name="order_invoices_supplier_gstin_valid",
                violation_error_message="The supplier GSTIN's check character is wrong.",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.CheckConstraint(
                condition=models.Q(gatimitra.db.expressions.GstinIsValid("recipient_gstin")),
                name="order_invoices_recipient_gstin_valid",
                violation_error_message="The recipient GSTIN's check character is wrong.",
            ),
        ),
        migrations.RunSQL(NUMBERING, DROP_NUMBERING),
        migrations.RunSQL(ITEM_RATES, DROP_ITEM_RATES),
    ]
