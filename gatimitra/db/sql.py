"""SQL for the database-enforced rules shared by several domains.

One function per concern; migration operations in ``gatimitra.db.operations``
call them, so the SQL for, say, an append-only table exists once.
"""

from dataclasses import dataclass

from gatimitra.db.tables import display_table, quote_table, split_table

#: Shared trigger function that refuses UPDATE/DELETE (created by the
#: gatimitra app's first migration).
#: "Today" for business dates (a licence valid until 31 March is valid all
#: of that Indian day), whatever the session's time zone: Django sets UTC.
TODAY_IN_INDIA = "(now() AT TIME ZONE 'Asia/Kolkata')::date"

REFUSE_CHANGE_FUNCTION = "public.gatimitra_refuse_change"
APPEND_ONLY_TRIGGER = "append_only"

CREATE_REFUSE_CHANGE_FUNCTION = f"""
CREATE FUNCTION {REFUSE_CHANGE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Write a compensating row instead.';
END
$$
"""
DROP_REFUSE_CHANGE_FUNCTION = f"DROP FUNCTION {REFUSE_CHANGE_FUNCTION}()"

#: The same guard naming the table a partition belongs to: on a partitioned
#: table the trigger runs on the partition (``location_logs_p20261124``),
#: while the rule, and the message, are the table's.
REPLACE_REFUSE_CHANGE_FUNCTION_NAMING_TABLE = f"""
CREATE OR REPLACE FUNCTION {REFUSE_CHANGE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
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
RESTORE_REFUSE_CHANGE_FUNCTION = CREATE_REFUSE_CHANGE_FUNCTION.replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)


#: Shared trigger function that refuses TRUNCATE of an append-only table
#: (``gatimitra.db.operations.RefuseTruncate``). No setting turns it off: a
#: superuser's ``session_replication_role = replica`` (``flush`` in tests) is
#: the only way past it, short of dropping the trigger.
REFUSE_TRUNCATE_FUNCTION = "public.gatimitra_refuse_truncate"
REFUSE_TRUNCATE_TRIGGER = "no_truncate"

CREATE_REFUSE_TRUNCATE_FUNCTION = f"""
CREATE FUNCTION {REFUSE_TRUNCATE_FUNCTION}() RETURNS trigger
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
DROP_REFUSE_TRUNCATE_FUNCTION = f"DROP FUNCTION {REFUSE_TRUNCATE_FUNCTION}()"


def _ident(name):
    return '"%s"' % name.replace('"', '""')


def _literal(value):
    return "'%s'" % str(value).replace("'", "''")


def begin_audited_maintenance(db_table, reason):
    """A DO block registering the transaction as audited maintenance
    (``audit.begin_maintenance``) when ``db_table`` is an audit table or an
    audited one: audit 0008 refuses dropping or disabling such a table's
    triggers, and detaching its partitions, otherwise. Nothing is registered
    for other tables, nor before audit 0008 exists (migrating up to it, or
    down past it)."""
    table = _literal(quote_table(db_table))
    return f"""DO $$
DECLARE
    rel regclass := to_regclass({table});
BEGIN
    IF to_regprocedure('audit.begin_maintenance(text)') IS NOT NULL AND rel IS NOT NULL AND (
        (SELECT n.nspname = 'audit' FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = coalesce(pg_partition_root(rel), rel))
        OR EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE t.tgrelid = coalesce(pg_partition_root(rel), rel)
                     AND n.nspname = 'audit' AND p.proname IN ('capture', 'capture_statement')))
    THEN
        PERFORM audit.begin_maintenance({_literal(reason)});
    END IF;
END
$$"""


def trigger_name(db_table, purpose):
    _, table = split_table(db_table)
    return f"{table}_{purpose}"[:63]


def append_only_trigger(db_table):
    return (
        f"CREATE TRIGGER {_ident(trigger_name(db_table, APPEND_ONLY_TRIGGER))} "
        f"BEFORE UPDATE OR DELETE ON {quote_table(db_table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {REFUSE_CHANGE_FUNCTION}()"
    )


def refuse_truncate_triggers(db_table):
    """A statement trigger refusing TRUNCATE on the table and on each of its
    partitions: PostgreSQL does not clone statement triggers to partitions,
    and a partition can be truncated by name (``manage.py partitions`` gives
    the ones it creates later the same trigger)."""
    name = trigger_name(db_table, REFUSE_TRUNCATE_TRIGGER)
    table = quote_table(db_table)
    create = (
        "CREATE TRIGGER %s BEFORE TRUNCATE ON %s "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {REFUSE_TRUNCATE_FUNCTION}()"
    )
    return [
        create % (_ident(name), table),
        f"""DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_catalog.pg_inherits
                WHERE inhparent = {_literal(table)}::regclass ORDER BY 1 LOOP
        EXECUTE format({_literal(create % ("%I", "%s"))}, {_literal(name)}, part);
    END LOOP;
END
$$""",
    ]


def drop_refuse_truncate_triggers(db_table):
    name = trigger_name(db_table, REFUSE_TRUNCATE_TRIGGER)
    table = quote_table(db_table)
    return [
        f"""DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT t.tgrelid::regclass FROM pg_catalog.pg_trigger t
                JOIN pg_catalog.pg_inherits i ON i.inhrelid = t.tgrelid
                WHERE i.inhparent = {_literal(table)}::regclass AND t.tgname = {_literal(name)}
                ORDER BY 1 LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', {_literal(name)}, part);
    END LOOP;
END
$$""",
        f"DROP TRIGGER {_ident(name)} ON {table}",
    ]


def drop_trigger(db_table, purpose):
    return f"DROP TRIGGER {_ident(trigger_name(db_table, purpose))} ON {quote_table(db_table)}"


def _function(db_table, purpose):
    schema, table = split_table(db_table)
    name = _ident(f"{table}_{purpose}"[:63])
    return name if schema is None else f"{_ident(schema)}.{name}"


@dataclass(frozen=True)
class LedgerSpec:
    table: str
    owner_column: str
    owner_table: str
    owner_pk: str
    amount_column: str
    direction_column: str
    seq_column: str
    balance_column: str
    min_balance: object = None
    owner_balance_column: str | None = None


def ledger_chain(spec):
    """Trigger SQL that assigns and checks ``seq_no``/``balance_after`` per owner."""
    table = quote_table(spec.table)
    owner_table = quote_table(spec.owner_table)
    owner, seq, balance = (
        _ident(spec.owner_column),
        _ident(spec.seq_column),
        _ident(spec.balance_column),
    )
    amount, direction = _ident(spec.amount_column), _ident(spec.direction_column)
    label = display_table(spec.table)
    minimum = ""
    if spec.min_balance is not None:
        minimum = f"""
    IF expected < {spec.min_balance} THEN
        RAISE EXCEPTION '{label}: balance for {spec.owner_column} % would be % (below {spec.min_balance})',
            NEW.{owner}, expected USING ERRCODE = 'check_violation';
    END IF;"""
    cache = ""
    if spec.owner_balance_column:
        cache = f"""
    UPDATE {owner_table} SET {_ident(spec.owner_balance_column)} = expected
        WHERE {_ident(spec.owner_pk)} = NEW.{owner};"""
    statements = [
        f"""
CREATE FUNCTION {_function(spec.table, "chain")}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_balance numeric;
    expected numeric;
BEGIN
    -- One writer per owner at a time: the owner row is the lock.
    PERFORM 1 FROM {owner_table} WHERE {_ident(spec.owner_pk)} = NEW.{owner} FOR UPDATE;
    SELECT {seq}, {balance} INTO last_seq, last_balance
        FROM {table} WHERE {owner} = NEW.{owner}
        ORDER BY {seq} DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_balance := 0;
    END IF;
    IF NEW.{amount} < 0 THEN
        RAISE EXCEPTION '{label}: amount % is negative; the sign comes from {spec.direction_column}',
            NEW.{amount} USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.{seq} IS NULL THEN
        NEW.{seq} := last_seq + 1;
    ELSIF NEW.{seq} <> last_seq + 1 THEN
        RAISE EXCEPTION '{label}: {spec.seq_column} % for {spec.owner_column} % is not the next one (%)',
            NEW.{seq}, NEW.{owner}, last_seq + 1 USING ERRCODE = 'check_violation';
    END IF;
    expected := last_balance + CASE NEW.{direction} WHEN 'CREDIT' THEN NEW.{amount}
                                                     ELSE -NEW.{amount} END;
    IF NEW.{balance} IS NULL THEN
        NEW.{balance} := expected;
    ELSIF NEW.{balance} <> expected THEN
        RAISE EXCEPTION '{label}: {spec.balance_column} % for {spec.owner_column} % should be %',
            NEW.{balance}, NEW.{owner}, expected USING ERRCODE = 'check_violation';
    END IF;{minimum}{cache}
    RETURN NEW;
END
$$""",
        f"CREATE TRIGGER {_ident(trigger_name(spec.table, 'chain'))} "
        f"BEFORE INSERT ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION {_function(spec.table, 'chain')}()",
    ]
    if spec.owner_balance_column:
        column = _ident(spec.owner_balance_column)
        statements += [
            f"""
CREATE FUNCTION {_function(spec.owner_table, "balance_guard")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the ledger trigger (nested, depth > 1) may move the cached balance.
    IF NEW.{column} IS DISTINCT FROM OLD.{column} AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION '{display_table(spec.owner_table)}: {spec.owner_balance_column} changes only through {label} (% -> % refused)',
            OLD.{column}, NEW.{column} USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
            f"CREATE TRIGGER {_ident(trigger_name(spec.owner_table, 'balance_guard'))} "
            f"BEFORE UPDATE ON {owner_table} FOR EACH ROW "
            f"EXECUTE FUNCTION {_function(spec.owner_table, 'balance_guard')}()",
        ]
    return statements


def drop_ledger_chain(spec):
    statements = []
    if spec.owner_balance_column:
        statements += [
            drop_trigger(spec.owner_table, "balance_guard"),
            f"DROP FUNCTION {_function(spec.owner_table, 'balance_guard')}()",
        ]
    statements += [
        drop_trigger(spec.table, "chain"),
        f"DROP FUNCTION {_function(spec.table, 'chain')}()",
    ]
    return statements


# Partitioned tables ------------------------------------------------------------
# Converting a table to RANGE partitions (and back) needs what the table holds
# at that moment: its indexes, foreign keys, triggers, comments and grants,
# as later migrations left them. So the work is done by a function that reads
# them from pg_catalog when it runs; a migration's recorded SQL is one call
# (``SELECT public.gatimitra_rebuild_table(...)``), the same on every
# database, which the migrate-from-empty snapshot can replay.

REBUILD_TABLE_FUNCTION = "public.gatimitra_rebuild_table"

CREATE_REBUILD_TABLE_FUNCTION = f"""
CREATE FUNCTION {REBUILD_TABLE_FUNCTION}(target regclass, partition_key text)
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
    indexes text[] := '{{}}';
    constraints text[] := '{{}}';
    triggers text[] := '{{}}';
    comments text[] := '{{}}';
    grants text[] := '{{}}';
    drops text[] := '{{}}';
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
DROP_REBUILD_TABLE_FUNCTION = f"DROP FUNCTION {REBUILD_TABLE_FUNCTION}(regclass, text)"


def partition_by_range(db_table, key_column):
    return (
        f"SELECT {REBUILD_TABLE_FUNCTION}({_literal(quote_table(db_table))}, "
        f"{_literal(key_column)})"
    )


def unpartition(db_table):
    return f"SELECT {REBUILD_TABLE_FUNCTION}({_literal(quote_table(db_table))}, NULL)"
