"""SQL that gatimitra migration 0003_add_partition_functions ran, frozen as it ran.

The migration reads these names from ``gatimitra.db.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

CREATE_REBUILD_TABLE_FUNCTION = """
CREATE FUNCTION public.gatimitra_rebuild_table(target regclass, partition_key text)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
-- Rebuild ``target`` as a table partitioned by RANGE (partition_key) with a
-- DEFAULT partition (partition_key NULL: as a plain table), keeping its
-- columns, defaults, identity (and sequence position), CHECK and NOT NULL
-- constraints, indexes, unique and foreign key constraints, triggers,
-- comments, owner, grants and rows. The primary key gains the partition key
-- (PostgreSQL requires it); unpartitioning drops it from the key again.
DECLARE
    schema_name text;
    table_name text;
    owner_name text;
    table_comment text;
    old_key text;
    old_key_num smallint;
    new_key_num smallint;
    pk_name text;
    pk_columns text[];
    new_pk text[];
    problems text;
    indexes text[] := '{}';
    constraints text[] := '{}';
    triggers text[] := '{}';
    comments text[] := '{}';
    grants text[] := '{}';
    drops text[] := '{}';
    identity_column text;
    old_sequence text;
    column_list text;
    parked text := 'gatimitra_rebuild_' || target::oid;
    statement text;
    item record;
BEGIN
    SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class')
        INTO schema_name, table_name, owner_name, table_comment
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target;
    SELECT a.attname, a.attnum INTO old_key, old_key_num
        FROM pg_partitioned_table p
        JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
        WHERE p.partrelid = target;
    IF partition_key IS NOT NULL THEN
        SELECT a.attnum INTO new_key_num FROM pg_attribute a
            WHERE a.attrelid = target AND a.attname = partition_key AND NOT a.attisdropped;
        IF new_key_num IS NULL THEN
            RAISE EXCEPTION '%.%: no column % to partition by', schema_name, table_name, partition_key
                USING ERRCODE = 'undefined_column';
        END IF;
    END IF;

    -- What PostgreSQL cannot carry over, named so the migration can be fixed.
    SELECT string_agg(format('%s (%s)', con.conrelid::regclass, con.conname), ', ')
        INTO problems FROM pg_constraint con
        WHERE con.contype = 'f' AND con.confrelid = target AND con.conrelid <> target
          AND con.conparentid = 0;
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION '%.%: foreign keys point into it: %', schema_name, table_name, problems
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'Make them soft references (db_constraint=False) and check them with a trigger.';
    END IF;
    IF partition_key IS NOT NULL THEN
        SELECT string_agg(i.indexrelid::regclass::text, ', ') INTO problems
            FROM pg_index i WHERE i.indrelid = target AND i.indisunique AND NOT i.indisprimary
              AND NOT new_key_num = ANY(i.indkey::smallint[]);
        IF problems IS NOT NULL THEN
            RAISE EXCEPTION '%.%: unique index(es) % do not include the partition key %',
                schema_name, table_name, problems, partition_key
                USING ERRCODE = 'invalid_table_definition',
                      HINT = 'Replace them by a plain index and a trigger before partitioning.';
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = target) THEN
        RAISE EXCEPTION '%.%: row security policies are not carried over', schema_name, table_name
            USING ERRCODE = 'feature_not_supported';
    END IF;

    SELECT con.conname, array_agg(a.attname::text ORDER BY k.ord) INTO pk_name, pk_columns
        FROM pg_constraint con
        CROSS JOIN unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        WHERE con.conrelid = target AND con.contype = 'p' GROUP BY con.conname;
    new_pk := array_remove(pk_columns, old_key);
    IF partition_key IS NOT NULL AND NOT partition_key = ANY(new_pk) THEN
        new_pk := new_pk || partition_key;
    END IF;

    -- Indexes (not those behind constraints), then unique, exclusion and
    -- foreign key constraints, each with its comment; names are freed on the
    -- old table so the new one can take them.
    FOR item IN
        SELECT c.relname, pg_get_indexdef(i.indexrelid) AS definition,
               obj_description(i.indexrelid, 'pg_class') AS note
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = target
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                          AND con.conrelid = target)
        ORDER BY c.relname
    LOOP
        indexes := indexes || replace(item.definition, ' ON ONLY ', ' ON ');
        drops := drops || format('DROP INDEX %I.%I', schema_name, item.relname);
        IF item.note IS NOT NULL THEN
            comments := comments || format('COMMENT ON INDEX %I.%I IS %L', schema_name, item.relname, item.note);
        END IF;
    END LOOP;
    FOR item IN
        SELECT con.conname, con.contype, pg_get_constraintdef(con.oid) AS definition,
               obj_description(con.oid, 'pg_constraint') AS note
        FROM pg_constraint con
        WHERE con.conrelid = target AND con.contype IN ('u', 'x', 'f')
        ORDER BY con.contype DESC, con.conname
    LOOP
        constraints := constraints || format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s',
            schema_name, table_name, item.conname, item.definition);
        IF item.contype <> 'f' THEN
            drops := drops || format('ALTER TABLE %I.%I DROP CONSTRAINT %I',
                schema_name, table_name, item.conname);
        END IF;
        IF item.note IS NOT NULL THEN
            comments := comments || format('COMMENT ON CONSTRAINT %I ON %I.%I IS %L',
                item.conname, schema_name, table_name, item.note);
        END IF;
    END LOOP;
    IF pk_name IS NOT NULL THEN
        drops := drops || format('ALTER TABLE %I.%I DROP CONSTRAINT %I', schema_name, table_name, pk_name);
    END IF;
    FOR item IN
        SELECT pg_get_triggerdef(t.oid) AS definition, t.tgenabled, t.tgname
        FROM pg_trigger t
        WHERE t.tgrelid = target AND NOT t.tgisinternal ORDER BY t.tgname
    LOOP
        triggers := triggers || item.definition;
        IF item.tgenabled <> 'O' THEN
            RAISE EXCEPTION '%.%: trigger % is not simply enabled; not carried over',
                schema_name, table_name, item.tgname USING ERRCODE = 'feature_not_supported';
        END IF;
    END LOOP;
    FOR item IN
        SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee,
               a.privilege_type, a.is_grantable
        FROM pg_class c CROSS JOIN aclexplode(c.relacl) a
        WHERE c.oid = target AND a.grantee <> c.relowner
    LOOP
        grants := grants || format('GRANT %s ON TABLE %I.%I TO %s%s', item.privilege_type,
            schema_name, table_name, item.grantee,
            CASE WHEN item.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
    SELECT a.attname INTO identity_column FROM pg_attribute a
        WHERE a.attrelid = target AND a.attidentity <> '' AND NOT a.attisdropped;
    IF identity_column IS NOT NULL THEN
        old_sequence := pg_get_serial_sequence(target::text, identity_column);
    END IF;
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO column_list
        FROM pg_attribute a
        WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';

    -- Park the old table (and its sequence) under other names.
    FOREACH statement IN ARRAY drops LOOP
        EXECUTE statement;
    END LOOP;
    IF old_sequence IS NOT NULL THEN
        EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', old_sequence, parked || '_seq');
        old_sequence := format('%I.%I', schema_name, parked || '_seq');
    END IF;
    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', schema_name, table_name, parked);

    EXECUTE format(
        'CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS'
        ' INCLUDING GENERATED INCLUDING COMMENTS INCLUDING STORAGE INCLUDING COMPRESSION)%s',
        schema_name, table_name, schema_name, parked,
        CASE WHEN partition_key IS NULL THEN '' ELSE format(' PARTITION BY RANGE (%I)', partition_key) END);
    IF owner_name <> current_user THEN
        EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', schema_name, table_name, owner_name);
    END IF;
    IF partition_key IS NOT NULL THEN
        -- Rows outside every time partition land here: no write is lost.
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I DEFAULT',
            schema_name, left(table_name, 55) || '_default', schema_name, table_name);
    END IF;
    IF pk_name IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I PRIMARY KEY (%s)', schema_name, table_name,
            pk_name, (SELECT string_agg(quote_ident(c), ', ') FROM unnest(new_pk) AS c));
    END IF;
    EXECUTE format('INSERT INTO %I.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %I.%I',
        schema_name, table_name, column_list, column_list, schema_name, parked);
    IF old_sequence IS NOT NULL THEN
        EXECUTE format(
            'SELECT setval(%L, last_value, is_called) FROM %s',
            pg_get_serial_sequence(format('%I.%I', schema_name, table_name), identity_column),
            old_sequence);
    END IF;
    FOREACH statement IN ARRAY indexes || constraints || triggers || comments || grants LOOP
        EXECUTE statement;
    END LOOP;
    IF table_comment IS NOT NULL THEN
        EXECUTE format('COMMENT ON TABLE %I.%I IS %L', schema_name, table_name, table_comment);
    END IF;
    EXECUTE format('DROP TABLE %I.%I', schema_name, parked);
END
$fn$
"""

DROP_REBUILD_TABLE_FUNCTION = "DROP FUNCTION public.gatimitra_rebuild_table(regclass, text)"

#: The same guard naming the table a partition belongs to: on a partitioned
#: table the trigger runs on the partition (``location_logs_p20261124``),
#: while the rule, and the message, are the table's.
REPLACE_REFUSE_CHANGE_FUNCTION_NAMING_TABLE = """
CREATE OR REPLACE FUNCTION public.gatimitra_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    schema_name text := TG_TABLE_SCHEMA;
    table_name text := TG_TABLE_NAME;
BEGIN
    SELECT n.nspname, c.relname INTO schema_name, table_name
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = coalesce(pg_catalog.pg_partition_root(TG_RELID), TG_RELID);
    RAISE EXCEPTION '%.% is append-only: % refused', schema_name, table_name, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Write a compensating row instead.';
END
$$
"""

RESTORE_REFUSE_CHANGE_FUNCTION = """
CREATE OR REPLACE FUNCTION public.gatimitra_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Write a compensating row instead.';
END
$$
"""
