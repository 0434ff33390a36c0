from importlib import import_module

from django.db import migrations

# The SQL below is this migration's own (frozen here, not imported): what it
# installs stays what it installed when the rules change in a later one.
#
# orders.indian_state_code() (0019) finds the GST state of a free-text name
# for every customer address, business profile, merchant parent and store
# written (orders.resolve_gst_state, the BEFORE trigger of each): it
# normalised the name of every state and each of its aliases, in code order,
# until one matched: ~55-180 us a row depending on the load, most of what
# that trigger costs a bulk insert (benchmarks/README.md, "gst_state.py").
# Here the normalised names are indexed (an expression index on the name's
# key, a GIN index on the aliases' keys) and the function reads both indexes:
# the same states match (a name's key equal to the written name's, or among
# its aliases' keys) and the same one is returned (the lowest code), so every
# row gets the same state and the same refusals as before.
#
# indian_states is one page: the planner would scan it and normalise every
# name again, so the function turns sequential scans off for its own query
# (a SET on the function: the caller's setting is put back on return).

KEYS_BY_INDEX = [
    """
CREATE FUNCTION orders.indian_state_alias_keys(aliases varchar[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT orders.indian_state_key(a) FROM unnest(aliases) AS a)
$$""",
    "CREATE INDEX indian_states_by_name_key ON orders.indian_states "
    "(orders.indian_state_key(name))",
    "CREATE INDEX indian_states_by_alias_keys ON orders.indian_states "
    "USING gin (orders.indian_state_alias_keys(aliases))",
    """
CREATE OR REPLACE FUNCTION orders.indian_state_code(state_name text) RETURNS varchar
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET enable_seqscan = off
AS $$
    SELECT min(m.code)::varchar FROM (
        SELECT s.code FROM orders.indian_states s
         WHERE orders.indian_state_key(s.name) = orders.indian_state_key(state_name)
        UNION ALL
        SELECT s.code FROM orders.indian_states s
         WHERE orders.indian_state_alias_keys(s.aliases) @> ARRAY[orders.indian_state_key(state_name)]
    ) AS m
$$""",
]

#: 0019's lookup, as 0019 ran it (its RESOLVER is frozen in that migration
#: file), then the indexes and their function dropped.
KEYS_AS_IN_0019 = [
    import_module("orders.migrations.0019_add_indian_states")
    .RESOLVER[1]
    .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
    "DROP INDEX orders.indian_states_by_alias_keys",
    "DROP INDEX orders.indian_states_by_name_key",
    "DROP FUNCTION orders.indian_state_alias_keys(varchar[])",
]


class Migration(migrations.Migration):
    """orders.indian_state_code() finds a state name through indexes on the
    states' normalised names and aliases instead of normalising all of them
    for every row; same states, same results (the SQL and the why: above)."""

    dependencies = [
        ("orders", "0028_read_gst_state_name_column_directly"),
    ]

    operations = [
        migrations.RunSQL(KEYS_BY_INDEX, KEYS_AS_IN_0019),
    ]
