"""SQL that gatimitra migration 0001_extensions_and_functions ran, frozen as it ran.

The migration reads these names from ``gatimitra.db.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

CREATE_REFUSE_CHANGE_FUNCTION = """
CREATE FUNCTION public.gatimitra_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Write a compensating row instead.';
END
$$
"""

DROP_REFUSE_CHANGE_FUNCTION = "DROP FUNCTION public.gatimitra_refuse_change()"
