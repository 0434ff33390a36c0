"""SQL that gatimitra migration 0004_add_refuse_truncate_function ran, frozen as it ran.

The migration reads these names from ``gatimitra.db.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

CREATE_REFUSE_TRUNCATE_FUNCTION = """
CREATE FUNCTION public.gatimitra_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    schema_name text;
    table_name text;
BEGIN
    -- Name the table, not the partition, a TRUNCATE of a partition hits.
    SELECT n.nspname, c.relname INTO schema_name, table_name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = coalesce(pg_partition_root(TG_RELID), TG_RELID);
    RAISE EXCEPTION '%.% is append-only: TRUNCATE refused', schema_name, table_name
        USING ERRCODE = 'restrict_violation',
              DETAIL = format('TRUNCATE of %s.%s', TG_TABLE_SCHEMA, TG_TABLE_NAME),
              HINT = 'Rows of an append-only table are never removed.';
END
$$
"""

DROP_REFUSE_TRUNCATE_FUNCTION = "DROP FUNCTION public.gatimitra_refuse_truncate()"
