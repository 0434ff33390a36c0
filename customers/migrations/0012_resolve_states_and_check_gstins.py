import django.db.models.deletion
from django.db import migrations, models

import gatimitra.db.expressions
import gatimitra.db.validators

# Frozen here: this migration's SQL stays what it ran.

# Existing rows get their state from the free-text name (orders.indian_state_code:
# case, spaces and punctuation ignored, common spellings as aliases); a name
# that is no Indian state or union territory stops the migration with a report
# of the tables and the distinct names (state names, no personal data).
STATE_BACKFILL = [
    """
DO $$
DECLARE
    report text;
BEGIN
    SELECT string_agg(format('%s: %s', t, names), '; ') INTO report FROM (
        SELECT 'customers.customer_addresses.state' AS t, string_agg(DISTINCT quote_literal(state), ', ') AS names
          FROM customers.customer_addresses WHERE orders.indian_state_code(state) IS NULL
        UNION ALL
        SELECT 'customers.customer_business_profiles.billing_state' AS t, string_agg(DISTINCT quote_literal(billing_state), ', ') AS names
          FROM customers.customer_business_profiles WHERE orders.indian_state_code(billing_state) IS NULL
    ) AS unknown WHERE names IS NOT NULL;
    IF report IS NOT NULL THEN
        RAISE EXCEPTION 'State names that are no Indian state or union territory (correct them, or add the spelling to orders.indian_states.aliases in a migration, and migrate again): %', report
            USING ERRCODE = 'check_violation';
    END IF;
END
$$""",
    "UPDATE customers.customer_addresses SET gst_state_id = orders.indian_state_code(state)",
    "UPDATE customers.customer_business_profiles SET gst_state_id = orders.indian_state_code(billing_state)",
]

# From now on the database fills gst_state from the name and refuses a name
# that is no state (orders.resolve_gst_state, orders 0019). The free-text
# column is kept: it is the address as written.
STATE_TRIGGERS = [
    "CREATE TRIGGER \"customer_addresses_gst_state\" BEFORE INSERT OR UPDATE OF state, gst_state_id ON customers.customer_addresses FOR EACH ROW EXECUTE FUNCTION orders.resolve_gst_state('state')",
    "CREATE TRIGGER \"customer_business_profiles_gst_state\" BEFORE INSERT OR UPDATE OF billing_state, gst_state_id ON customers.customer_business_profiles FOR EACH ROW EXECUTE FUNCTION orders.resolve_gst_state('billing_state')",
]
DROP_STATE_TRIGGERS = [
    'DROP TRIGGER "customer_business_profiles_gst_state" ON customers.customer_business_profiles',
    'DROP TRIGGER "customer_addresses_gst_state" ON customers.customer_addresses',
]


class Migration(migrations.Migration):
    """Addresses and business profiles in a real Indian state (GST state code,
    the place of supply), a billing state code that is the billing state's,
    and GSTIN check characters."""

    dependencies = [
        ("customers", "0011_record_guardian_consent_for_minors"),
        ("orders", "0019_add_indian_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="customeraddress",
            name="gst_state",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orders.indianstate",
                verbose_name="state (GST code)",
            ),
        ),
        migrations.AddField(
            model_name="customerbusinessprofile",
            name="gst_state",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orders.indianstate",
                verbose_name="state (GST code)",
            ),
        ),
        migrations.RunSQL(STATE_BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="customeraddress",
            name="gst_state",
            field=models.ForeignKey(
                db_default=models.Value(None),
                db_index=False,
                help_text="Resolved by the database from the state name (place of supply).",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orders.indianstate",
                verbose_name="state (GST code)",
            ),
        ),
        migrations.AlterField(
            model_name="customerbusinessprofile",
            name="gst_state",
            field=models.ForeignKey(
                db_default=models.Value(None),
                db_index=False,
                help_text="Resolved by the database from the state name (place of supply).",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orders.indianstate",
                verbose_name="state (GST code)",
            ),
        ),
        migrations.RunSQL(STATE_TRIGGERS, DROP_STATE_TRIGGERS),
        migrations.AlterField(
            model_name="customerbusinessprofile",
            name="gstin",
            field=models.CharField(
                blank=True,
                max_length=15,
                null=True,
                validators=[gatimitra.db.validators.validate_gstin],
                verbose_name="GSTIN",
            ),
        ),
        migrations.AddConstraint(
            model_name="customerbusinessprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(gatimitra.db.expressions.GstinIsValid("gstin")),
                name="customer_business_profiles_gstin_valid",
                violation_error_message="This GSTIN's check character is wrong.",
            ),
        ),
        migrations.AddConstraint(
            model_name="customerbusinessprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(("gst_state", models.F("billing_state_code"))),
                name="customer_business_profiles_state_code_of_state",
                violation_error_message="The billing state code is not the billing state's.",
            ),
        ),
    ]
