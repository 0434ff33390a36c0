import django.contrib.postgres.fields
from django.db import migrations, models

# Frozen here: this migration's SQL and rows stay what they were.
#
# The GST state codes: GSTN's list of state codes (the first two digits of a
# GSTIN; CGST Rules 2017, Rule 10(1) and Form GST REG-06), as used for the
# place of supply (IGST Act 2017, ss.10-13). The 28 states and 8 union
# territories in force; 25 (Daman and Diu) merged into 26 in 2020, 28 (the
# undivided Andhra Pradesh) is 37 since 2014, and 97 (Other Territory,
# offshore) and 96 (other countries) are no address's state, so none of them
# is here.
STATES = [
    ("01", "Jammu and Kashmir", True, ["J&K", "JK"]),
    ("02", "Himachal Pradesh", False, []),
    ("03", "Punjab", False, []),
    ("04", "Chandigarh", True, []),
    ("05", "Uttarakhand", False, ["Uttaranchal"]),
    ("06", "Haryana", False, []),
    ("07", "Delhi", True, ["New Delhi", "NCT of Delhi", "National Capital Territory of Delhi"]),
    ("08", "Rajasthan", False, []),
    ("09", "Uttar Pradesh", False, ["UP"]),
    ("10", "Bihar", False, []),
    ("11", "Sikkim", False, []),
    ("12", "Arunachal Pradesh", False, []),
    ("13", "Nagaland", False, []),
    ("14", "Manipur", False, []),
    ("15", "Mizoram", False, []),
    ("16", "Tripura", False, []),
    ("17", "Meghalaya", False, []),
    ("18", "Assam", False, []),
    ("19", "West Bengal", False, ["WB"]),
    ("20", "Jharkhand", False, []),
    ("21", "Odisha", False, ["Orissa"]),
    ("22", "Chhattisgarh", False, ["Chattisgarh", "Chhatisgarh"]),
    ("23", "Madhya Pradesh", False, ["MP"]),
    ("24", "Gujarat", False, ["Gujrat"]),
    (
        "26",
        "Dadra and Nagar Haveli and Daman and Diu",
        True,
        ["Dadra and Nagar Haveli", "Daman and Diu", "DNHDD"],
    ),
    ("27", "Maharashtra", False, ["Maharastra", "MH"]),
    ("29", "Karnataka", False, ["KA"]),
    ("30", "Goa", False, []),
    ("31", "Lakshadweep", True, []),
    ("32", "Kerala", False, ["Keralam"]),
    ("33", "Tamil Nadu", False, ["TN"]),
    ("34", "Puducherry", True, ["Pondicherry"]),
    ("35", "Andaman and Nicobar Islands", True, ["Andaman and Nicobar", "A&N Islands"]),
    ("36", "Telangana", False, ["Telengana", "TS", "TG"]),
    ("37", "Andhra Pradesh", False, ["AP"]),
    ("38", "Ladakh", True, []),
]


def _literal(value):
    return "'" + value.replace("'", "''") + "'"


SEED = [
    "INSERT INTO orders.indian_states (code, name, is_union_territory, aliases) VALUES "
    + ", ".join(
        f"({_literal(code)}, {_literal(name)}, {str(ut).lower()}, "
        f"ARRAY[{', '.join(_literal(a) for a in aliases)}]::varchar(60)[])"
        for code, name, ut, aliases in STATES
    )
]
UNSEED = ["DELETE FROM orders.indian_states"]

RESOLVER = [
    # How a free-text state name compares: letters only, lower case, & as
    # "and" ("Tamil Nadu", "TAMILNADU" and "tamil-nadu" are one state).
    """
CREATE FUNCTION orders.indian_state_key(state_name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(replace(lower(state_name), '&', 'and'), '[^a-z]', '', 'g')
$$""",
    # The GST state code of a state name (its name or one of its aliases), or
    # NULL when it names no Indian state or union territory.
    """
CREATE FUNCTION orders.indian_state_code(state_name text) RETURNS varchar
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT s.code FROM orders.indian_states s
     WHERE orders.indian_state_key(s.name) = orders.indian_state_key(state_name)
        OR orders.indian_state_key(state_name) IN (
               SELECT orders.indian_state_key(a) FROM unnest(s.aliases) AS a)
     ORDER BY s.code
     LIMIT 1
$$""",
    # BEFORE INSERT OR UPDATE trigger of a table with a free-text state name
    # (column TG_ARGV[0]) and its gst_state_id: the database fills gst_state_id
    # from the name, refuses a name that is no state, and refuses a
    # gst_state_id that is not the name's state. Changing the name alone
    # moves gst_state_id with it.
    """
CREATE FUNCTION orders.resolve_gst_state() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    written text := to_jsonb(NEW) ->> TG_ARGV[0];
    resolved varchar;
BEGIN
    IF TG_OP = 'UPDATE' AND written IS NOT DISTINCT FROM (to_jsonb(OLD) ->> TG_ARGV[0])
            AND NEW.gst_state_id IS NOT DISTINCT FROM OLD.gst_state_id THEN
        RETURN NEW;
    END IF;
    resolved := orders.indian_state_code(written);
    IF resolved IS NULL THEN
        RAISE EXCEPTION '%.%: row %: % % is not an Indian state or union territory (orders.indian_states)',
            TG_TABLE_SCHEMA, TG_TABLE_NAME, NEW.id, TG_ARGV[0], quote_literal(written)
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_gst_state_known';
    END IF;
    IF NEW.gst_state_id IS NULL
            OR (TG_OP = 'UPDATE' AND NEW.gst_state_id IS NOT DISTINCT FROM OLD.gst_state_id) THEN
        NEW.gst_state_id := resolved;
    ELSIF NEW.gst_state_id <> resolved THEN
        RAISE EXCEPTION '%.%: row %: % % is GST state %, not gst_state_id %',
            TG_TABLE_SCHEMA, TG_TABLE_NAME, NEW.id, TG_ARGV[0], quote_literal(written), resolved,
            NEW.gst_state_id
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_gst_state_of_name';
    END IF;
    RETURN NEW;
END
$$""",
]
DROP_RESOLVER = [
    "DROP FUNCTION orders.resolve_gst_state()",
    "DROP FUNCTION orders.indian_state_code(text)",
    "DROP FUNCTION orders.indian_state_key(text)",
]

# The GST state codes already in the schema become references: a city's
# state and an invoice's place of supply are a real state. An unknown code
# in existing rows stops the migration with the table and the codes.
STATE_CODE_REFERENCES = [
    """
DO $$
DECLARE
    report text;
BEGIN
    SELECT string_agg(format('%s: %s', t, codes), '; ') INTO report FROM (
        SELECT 'orders.service_cities.state_code' AS t, string_agg(DISTINCT quote_literal(state_code), ', ') AS codes
          FROM orders.service_cities WHERE state_code NOT IN (SELECT code FROM orders.indian_states)
        UNION ALL
        SELECT 'orders.order_invoices.place_of_supply', string_agg(DISTINCT quote_literal(place_of_supply), ', ')
          FROM orders.order_invoices WHERE place_of_supply NOT IN (SELECT code FROM orders.indian_states)
    ) AS unknown WHERE codes IS NOT NULL;
    IF report IS NOT NULL THEN
        RAISE EXCEPTION 'GST state codes that are no Indian state or union territory: %', report
            USING ERRCODE = 'check_violation';
    END IF;
END
$$""",
    'ALTER TABLE orders.service_cities ADD CONSTRAINT "service_cities_state_code_fk" '
    "FOREIGN KEY (state_code) REFERENCES orders.indian_states (code) DEFERRABLE INITIALLY DEFERRED",
    'ALTER TABLE orders.order_invoices ADD CONSTRAINT "order_invoices_place_of_supply_fk" '
    "FOREIGN KEY (place_of_supply) REFERENCES orders.indian_states (code) "
    "DEFERRABLE INITIALLY DEFERRED",
]
DROP_STATE_CODE_REFERENCES = [
    'ALTER TABLE orders.order_invoices DROP CONSTRAINT "order_invoices_place_of_supply_fk"',
    'ALTER TABLE orders.service_cities DROP CONSTRAINT "service_cities_state_code_fk"',
]


class Migration(migrations.Migration):
    """Indian states and union territories with their GST state codes, the
    place of supply of every address, store and invoice: the reference rows,
    the function that resolves a free-text state name, and the city and
    invoice state codes as references to it."""

    dependencies = [
        ("orders", "0018_check_order_vocabularies_and_ondc_ids"),
        ("gatimitra", "0007_add_gstin_and_gst_rate_functions"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndianState",
            fields=[
                (
                    "code",
                    models.CharField(
                        help_text="e.g. 29 for Karnataka.",
                        max_length=2,
                        primary_key=True,
                        serialize=False,
                        verbose_name="GST state code",
                    ),
                ),
                ("name", models.CharField(max_length=60, unique=True)),
                ("is_union_territory", models.BooleanField(default=False)),
                (
                    "aliases",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=60),
                        blank=True,
                        default=list,
                        help_text="Other spellings a free-text state name may use "
                        "(Orissa, Pondicherry...).",
                        size=None,
                    ),
                ),
            ],
            options={
                "verbose_name": "Indian state or union territory",
                "verbose_name_plural": "Indian states and union territories",
                "db_table": 'orders"."indian_states',
                "ordering": ["code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^[0-9]{2}$")),
                        name="indian_states_code_format",
                        violation_error_message="GST state code is two digits.",
                    )
                ],
            },
        ),
        migrations.RunSQL(SEED, UNSEED),
        migrations.RunSQL(RESOLVER, DROP_RESOLVER),
        migrations.RunSQL(STATE_CODE_REFERENCES, DROP_STATE_CODE_REFERENCES),
    ]
