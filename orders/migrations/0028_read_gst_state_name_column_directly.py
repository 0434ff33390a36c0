from importlib import import_module

from django.db import migrations

# The SQL below is this migration's own (frozen here, not imported): what it
# installs stays what it installed when the rules change in a later one.
#
# orders.resolve_gst_state() (0019) is the BEFORE INSERT / UPDATE OF trigger
# that fills gst_state_id from a free-text state name on customer addresses,
# business profiles, merchant parents and stores. It found the name with
# to_jsonb(NEW) ->> TG_ARGV[0] (and to_jsonb(OLD) on UPDATE): the whole row
# converted to jsonb to read one varchar, about 20 us a row, and twice on an
# UPDATE that leaves the name alone. Here the columns the triggers name
# ("state", "billing_state") are read directly; a PL/pgSQL field reference is
# planned only when its branch runs, and the function is compiled per table,
# so a table without one of the columns never reads it. A column no trigger
# names yet still goes through to_jsonb. The name it reads is the same text
# (the columns are varchar), so the same rows pass, get the same state and are
# refused with the same message, SQLSTATE and constraint. The reverse puts
# back 0019's body.
#
# What this leaves per row: orders.indian_state_code(), the lookup of the name
# among the states and their spellings, ~75-180 us a row (benchmarks/README.md,
# "gst_state.py"); orders 0029 makes it read indexes of the normalised names.

RESOLVE_GST_STATE_FROM_COLUMN = """
CREATE OR REPLACE FUNCTION orders.resolve_gst_state() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    written text;
    previous text;
    resolved varchar;
BEGIN
    IF TG_ARGV[0] = 'state' THEN
        written := NEW.state;
        IF TG_OP = 'UPDATE' THEN
            previous := OLD.state;
        END IF;
    ELSIF TG_ARGV[0] = 'billing_state' THEN
        written := NEW.billing_state;
        IF TG_OP = 'UPDATE' THEN
            previous := OLD.billing_state;
        END IF;
    ELSE
        written := to_jsonb(NEW) ->> TG_ARGV[0];
        IF TG_OP = 'UPDATE' THEN
            previous := to_jsonb(OLD) ->> TG_ARGV[0];
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND written IS NOT DISTINCT FROM previous
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
$$"""

#: 0019's body, as 0019 ran it (its RESOLVER is frozen in that migration file):
#: read there rather than repeated here.
RESOLVE_GST_STATE_AS_IN_0019 = (
    import_module("orders.migrations.0019_add_indian_states")
    .RESOLVER[2]
    .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
)


class Migration(migrations.Migration):
    """orders.resolve_gst_state() reads the state-name column its trigger
    names instead of converting the whole row to jsonb; same checks, same
    refusals (the SQL and the why: above)."""

    dependencies = [
        ("orders", "0027_check_order_shape_and_totals_in_one_query"),
    ]

    operations = [
        migrations.RunSQL([RESOLVE_GST_STATE_FROM_COLUMN], [RESOLVE_GST_STATE_AS_IN_0019]),
    ]
