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
        SELECT 'merchants.merchant_parents.state' AS t, string_agg(DISTINCT quote_literal(state), ', ') AS names
          FROM merchants.merchant_parents WHERE orders.indian_state_code(state) IS NULL
        UNION ALL
        SELECT 'merchants.merchant_stores.state' AS t, string_agg(DISTINCT quote_literal(state), ', ') AS names
          FROM merchants.merchant_stores WHERE orders.indian_state_code(state) IS NULL
    ) AS unknown WHERE names IS NOT NULL;
    IF report IS NOT NULL THEN
        RAISE EXCEPTION 'State names that are no Indian state or union territory (correct them, or add the spelling to orders.indian_states.aliases in a migration, and migrate again): %', report
            USING ERRCODE = 'check_violation';
    END IF;
END
$$""",
    "UPDATE merchants.merchant_parents SET gst_state_id = orders.indian_state_code(state)",
    "UPDATE merchants.merchant_stores SET gst_state_id = orders.indian_state_code(state)",
]

# From now on the database fills gst_state from the name and refuses a name
# that is no state (orders.resolve_gst_state, orders 0019). The free-text
# column is kept: it is the address as written.
STATE_TRIGGERS = [
    "CREATE TRIGGER \"merchant_parents_gst_state\" BEFORE INSERT OR UPDATE OF state, gst_state_id ON merchants.merchant_parents FOR EACH ROW EXECUTE FUNCTION orders.resolve_gst_state('state')",
    "CREATE TRIGGER \"merchant_stores_gst_state\" BEFORE INSERT OR UPDATE OF state, gst_state_id ON merchants.merchant_stores FOR EACH ROW EXECUTE FUNCTION orders.resolve_gst_state('state')",
]
DROP_STATE_TRIGGERS = [
    'DROP TRIGGER "merchant_stores_gst_state" ON merchants.merchant_stores',
    'DROP TRIGGER "merchant_parents_gst_state" ON merchants.merchant_parents',
]

# A registration's state code is a real state (GSTN's state code list).
REGISTRATION_STATE_REFERENCE = [
    "ALTER TABLE merchants.merchant_tax_registrations ADD CONSTRAINT "
    '"merchant_tax_registrations_state_code_fk" FOREIGN KEY (state_code) '
    "REFERENCES orders.indian_states (code) DEFERRABLE INITIALLY DEFERRED",
]
DROP_REGISTRATION_STATE_REFERENCE = [
    "ALTER TABLE merchants.merchant_tax_registrations "
    'DROP CONSTRAINT "merchant_tax_registrations_state_code_fk"',
]

# A store supplies under the GST registration of its own state (CGST Act
# s.22 and s.25(1): registration in every state from which one supplies), so
# the GSTIN's first two digits are the store's state code.
STORE_REGISTRATION_STATE = [
    """
CREATE FUNCTION merchants.merchant_stores_registration_in_state() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    registered varchar;
BEGIN
    IF NEW.gst_registration_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT state_code INTO registered FROM merchants.merchant_tax_registrations
     WHERE id = NEW.gst_registration_id;
    IF registered IS DISTINCT FROM NEW.gst_state_id THEN
        RAISE EXCEPTION 'merchants.merchant_stores: store % is in GST state % but invoices under registration % of state %',
            NEW.id, NEW.gst_state_id, NEW.gst_registration_id, registered
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_stores_registration_in_state';
    END IF;
    RETURN NEW;
END
$$""",
    # After merchant_stores_gst_state (triggers fire in name order) so the
    # state is already resolved.
    'CREATE TRIGGER "merchant_stores_registration_in_state" BEFORE INSERT OR UPDATE OF '
    "state, gst_state_id, gst_registration_id ON merchants.merchant_stores FOR EACH ROW "
    "EXECUTE FUNCTION merchants.merchant_stores_registration_in_state()",
]
DROP_STORE_REGISTRATION_STATE = [
    'DROP TRIGGER "merchant_stores_registration_in_state" ON merchants.merchant_stores',
    "DROP FUNCTION merchants.merchant_stores_registration_in_state()",
]


class Migration(migrations.Migration):
    """Parents and stores in a real Indian state (GST state code, the place of
    supply), a store under its own state's GST registration, GSTIN check
    characters, the e-invoicing flag of a registration, and menu items at a
    GST slab in force today."""

    dependencies = [
        ("merchants", "0012_check_lead_sources"),
        ("orders", "0019_add_indian_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="merchantparent",
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
            model_name="merchantstore",
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
            model_name="merchantparent",
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
            model_name="merchantstore",
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
        migrations.AddField(
            model_name="merchanttaxregistration",
            name="einvoice_applicable",
            field=models.BooleanField(
                default=False,
                help_text="Aggregate turnover above Rs 5 crore in a financial year since 2017-18 "
                "(CBIC Notification 10/2023-CT): its B2B invoices need an IRN.",
                verbose_name="e-invoicing applies",
            ),
        ),
        migrations.AlterField(
            model_name="merchanttaxregistration",
            name="gstin",
            field=models.CharField(
                blank=True,
                max_length=15,
                null=True,
                unique=True,
                validators=[gatimitra.db.validators.validate_gstin],
                verbose_name="GSTIN",
            ),
        ),
        migrations.AddConstraint(
            model_name="merchanttaxregistration",
            constraint=models.CheckConstraint(
                condition=models.Q(gatimitra.db.expressions.GstinIsValid("gstin")),
                name="merchant_tax_registrations_gstin_valid",
                violation_error_message="This GSTIN's check character is wrong.",
            ),
        ),
        migrations.RunSQL(REGISTRATION_STATE_REFERENCE, DROP_REGISTRATION_STATE_REFERENCE),
        migrations.RunSQL(STORE_REGISTRATION_STATE, DROP_STORE_REGISTRATION_STATE),
        migrations.RemoveConstraint(
            model_name="merchantmenuitem", name="merchant_menu_items_gst_rate_range"
        ),
        migrations.AddConstraint(
            model_name="merchantmenuitem",
            constraint=models.CheckConstraint(
                condition=models.Q(gatimitra.db.expressions.GstRateIsCurrent("gst_rate")),
                name="merchant_menu_items_gst_rate_slab",
                violation_error_message="The GST rate is one of the slabs in force: "
                "0, 0.25, 3, 5, 18, 40 %.",
            ),
        ),
    ]
