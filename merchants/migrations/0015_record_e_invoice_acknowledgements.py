from django.db import migrations, models

# Invoices issued with an IRN before this migration have no acknowledgement
# here: the rule would be violated by them. Stop with their ids (no personal
# data) so they are completed from the IRP (its Get IRN details) first.
IRN_WITHOUT_ACKNOWLEDGEMENT = """
DO $$
DECLARE
    report text;
BEGIN
    SELECT string_agg(id::text, ', ' ORDER BY id) INTO report
      FROM merchants.merchant_invoices
     WHERE irn IS NOT NULL AND (irn_ack_at IS NULL OR signed_qr_code = '');
    IF report IS NOT NULL THEN
        RAISE EXCEPTION 'merchants.merchant_invoices: invoices with an IRN but no acknowledgement time or signed QR code (fill irn_ack_at, irn_ack_number and signed_qr_code from the IRP, then migrate again): ids %', report
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_invoices_irn_with_ack_and_qr';
    END IF;
END
$$"""


class Migration(migrations.Migration):
    """Merchant invoices record the IRP's acknowledgement number and time and
    the signed QR code with the IRN, as order invoices do (orders 0020)."""

    dependencies = [
        ("merchants", "0014_number_merchant_invoices"),
    ]

    operations = [
        migrations.AddField(
            model_name="merchantinvoice",
            name="irn_ack_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="IRN acknowledged at"),
        ),
        migrations.AddField(
            model_name="merchantinvoice",
            name="irn_ack_number",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="IRN acknowledgement number"
            ),
        ),
        migrations.AddField(
            model_name="merchantinvoice",
            name="signed_qr_code",
            field=models.TextField(blank=True, verbose_name="signed QR code"),
        ),
        migrations.RunSQL(IRN_WITHOUT_ACKNOWLEDGEMENT, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="merchantinvoice",
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
                name="merchant_invoices_irn_with_ack_and_qr",
                violation_error_message="An IRN comes with its acknowledgement time and signed QR code.",
            ),
        ),
    ]
