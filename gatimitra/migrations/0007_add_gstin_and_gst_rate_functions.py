from django.db import migrations

# Frozen here: this migration's SQL stays what it ran. The GST rate functions
# are gatimitra.enums.gst_rate_function_sql() as of this migration
# (tests/gatimitra/test_indian_rules.py compares); a change of slabs is a new
# migration that replaces them.

GSTIN_FUNCTIONS = [
    # GSTN's check character: Luhn mod 36 over the first 14 characters, weights
    # 1 and 2 alternating from the left, each product counting as its quotient
    # plus its remainder by 36 (same as gatimitra.db.validators).
    """
CREATE FUNCTION public.gatimitra_gstin_check_character(gstin text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (36 - sum(p / 36 + p % 36)::integer % 36) % 36 + 1, 1)
      FROM (SELECT (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', substr(gstin, i, 1)) - 1) * (2 - i % 2) AS p
              FROM generate_series(1, 14) AS i) AS products
$$""",
    # Format (state code, PAN, entity, Z, check) and check character; NULL for
    # NULL so a CHECK over an optional GSTIN passes when there is none.
    """
CREATE FUNCTION public.gatimitra_gstin_valid(gstin text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'
       AND substr(gstin, 15, 1) = public.gatimitra_gstin_check_character(gstin)
$$""",
]
DROP_GSTIN_FUNCTIONS = [
    "DROP FUNCTION public.gatimitra_gstin_valid(text)",
    "DROP FUNCTION public.gatimitra_gstin_check_character(text)",
]

# GST slabs by date of supply: before 22 September 2025 0, 0.25, 3, 5, 12, 18,
# 28 %; from then 0, 0.25, 3, 5, 18, 40 % (56th GST Council meeting,
# Notification 9/2025-CT(Rate)). IMMUTABLE: the table is the function's body.
GST_RATE_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION public.gatimitra_gst_rate_in_force(rate numeric, supply_date date) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN supply_date >= DATE '2017-07-01' AND supply_date < DATE '2025-09-22' THEN rate IN (0, 0.25, 3, 5, 12, 18, 28)
        WHEN supply_date >= DATE '2025-09-22' THEN rate IN (0, 0.25, 3, 5, 18, 40)
        ELSE false
    END
$$""",
    """CREATE OR REPLACE FUNCTION public.gatimitra_gst_rate_is_current(rate numeric) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT rate IN (0, 0.25, 3, 5, 18, 40)
$$""",
]
DROP_GST_RATE_FUNCTIONS = [
    "DROP FUNCTION public.gatimitra_gst_rate_is_current(numeric)",
    "DROP FUNCTION public.gatimitra_gst_rate_in_force(numeric, date)",
]


class Migration(migrations.Migration):
    """The GSTIN check character (CGST Rules 2017, Rule 10 and Form GST REG-06:
    the GSTIN's 15th character is a check code) and the GST slabs by date of
    supply, as IMMUTABLE functions the domains' CHECKs and triggers call."""

    dependencies = [("gatimitra", "0006_add_console_events")]

    operations = [
        migrations.RunSQL(GSTIN_FUNCTIONS, DROP_GSTIN_FUNCTIONS),
        migrations.RunSQL(GST_RATE_FUNCTIONS, DROP_GST_RATE_FUNCTIONS),
    ]
