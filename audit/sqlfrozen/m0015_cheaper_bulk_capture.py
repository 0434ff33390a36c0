"""SQL of audit migration 0015_cheaper_bulk_capture, frozen as it runs.

The migration reads these names from ``audit.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.

A statement of many rows (a COPY, a bulk UPDATE, a backfill) is captured by
a statement built for its table at run time; a statement of a few rows keeps
audit 0012's static statements. Why both (issue 23; benchmarks/README.md,
"Audit 0015: bulk statements by a per-table statement"):

- 0012's static statements are generic: each row becomes jsonb
  (``to_jsonb(row)``), its diff is built key by key by ``jsonb_each`` /
  ``jsonb_object_keys`` and an aggregate, and an UPDATE's old and new rows
  are paired by a join on the key's jsonb. Cheap to start (one plan kept for
  the session), dear per row.
- A statement written for the table's own columns (a typed join on the key,
  ``IS DISTINCT FROM`` per column, jsonb only for what goes into the entry)
  is cheaper per row but dear to start: its plan grows with the number of
  columns, so on a single-row statement it cost 25-44% more than 0012's
  (benchmarks/README.md, "Audit capture: per-table functions measured").
  Built here by ``audit.capture_bulk_statement`` from ``pg_attribute`` at each
  bulk statement and run by EXECUTE (which sees the transition tables), it is
  parsed and planned once per statement, and because it is read from the live
  catalog it cannot go stale when a column is added later.
- Which one runs is decided by ``EXISTS (SELECT FROM <transition> OFFSET n)``:
  one row read for a single-row statement, at most ``BULK_FROM_ROWS`` for any.

The entries are the same either way, every column and ``row_hash``
(tests/audit/test_capture_cheaper.py compares them with 0012's). Same
function, same triggers, same SECURITY DEFINER owner and ``SET``s, so the
event triggers' guards (audit 0008, 0013) stay as they are. Nothing a user
writes reaches the built statement's text: it holds the catalog's column
names (``%I`` as identifiers, ``%L`` as the diff's keys) and the log's name,
one of the six change logs; every value is a parameter (``USING``).
"""

from audit.sqlfrozen.m0012_cheaper_capture_per_statement import CAPTURE_STATEMENT_CHEAPER

#: From this many rows a statement takes the per-table statement (measured:
#: benchmarks/README.md, "Audit 0015"; below it 0012's static statements).
BULK_FROM_ROWS = 32

#: The statement of one bulk capture, for the table ``relid`` and the
#: trigger's arguments; NULL when the table's shape is one the static
#: statements are left to handle (no key column, a key that may be NULL, no
#: column but updated_at, an unknown log: the static path raises that error).
#: Parameters of the statement: $1 pepper, $2 actor_type, $3 actor_id,
#: $4 actor_label, $5 actor_verified, $6 application_name, $7 request_id,
#: $8 client_ip, $9 transaction_id, $10 table_schema, $11 table_name.
#: Comparisons: typed ``IS DISTINCT FROM`` only for types whose equality is
#: exactly that of their jsonb form (deterministic collations), the jsonb
#: form otherwise (citext, json, floats...), as 0012 compares everything
#: (numeric too: jsonb compares numbers as numeric, so 1.0 and 1.00 are equal).
CREATE_CAPTURE_BULK_STATEMENT = """
CREATE FUNCTION audit.capture_bulk_statement(
    relid oid, operation text, log_table text, subject_column text, personal text[],
    key_column text
) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $function$
DECLARE
    typed_equal regtype[] := ARRAY['int2', 'int4', 'int8', 'bool', 'text', 'varchar', 'date',
                                   'timestamp', 'timestamptz', 'uuid', 'numeric',
                                   'jsonb']::regtype[];
    text_same regtype[] := ARRAY['int2', 'int4', 'int8', 'text', 'varchar', 'uuid']::regtype[];
    integers regtype[] := ARRAY['int2', 'int4', 'int8']::regtype[];
    col record;
    typed boolean;
    unpaired text;
    key_found boolean := false;
    key_typed boolean;
    key_text_same boolean;
    subject_n text := 'NULL::bigint';
    subject_o text := 'NULL::bigint';
    differs text;
    value_o text;
    value_n text;
    whole_pairs text[] := '{}';
    update_pairs text[] := '{}';
    unchanged text[] := '{}';
    status_change text[] := '{}';
    chunk integer;
    changes text := '';
    row_pk text;
    subject text;
    action text;
    source text;
    filter text := '';
BEGIN
    IF log_table NOT IN ('system_audit_logs', 'merchant_audit_logs', 'customer_audit_log',
                         'rider_audit_logs', 'order_audit_logs', 'access_audit_logs') THEN
        RETURN NULL;
    END IF;
    unpaired := format('(o.%1$I IS NULL OR n.%1$I IS NULL)', key_column);
    FOR col IN
        SELECT a.attname::text AS name, a.atttypid::regtype AS type, a.attnotnull AS not_null,
               coalesce(c.collisdeterministic, true) AS deterministic
        FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation
        WHERE a.attrelid = relid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
    LOOP
        typed := col.type = ANY (typed_equal) AND col.deterministic;
        IF col.name = key_column THEN
            IF NOT col.not_null THEN
                RETURN NULL;
            END IF;
            key_found := true;
            key_typed := typed;
            key_text_same := col.type = ANY (text_same) AND col.deterministic;
        END IF;
        IF col.name = subject_column THEN
            IF col.type = ANY (integers) THEN
                subject_n := format('n.%I::bigint', col.name);
                subject_o := format('o.%I::bigint', col.name);
            ELSE
                subject_n := format('(to_jsonb(n.%I) #>> ''{}'')::bigint', col.name);
                subject_o := format('(to_jsonb(o.%I) #>> ''{}'')::bigint', col.name);
            END IF;
        END IF;
        CONTINUE WHEN col.name = 'updated_at';
        IF col.name = ANY (personal) THEN
            value_o := format('audit.redact(to_jsonb(o.%I), $1)', col.name);
            value_n := format('audit.redact(to_jsonb(n.%I), $1)', col.name);
        ELSE
            -- jsonb_build_array converts a value as to_jsonb does, without a jsonb
            -- made and read again for each value.
            value_o := format('o.%I', col.name);
            value_n := format('n.%I', col.name);
        END IF;
        IF typed THEN
            differs := format('(%2$s OR o.%1$I IS DISTINCT FROM n.%1$I)', col.name, unpaired);
        ELSE
            differs := format('(%2$s OR to_jsonb(o.%1$I) IS DISTINCT FROM to_jsonb(n.%1$I))',
                              col.name, unpaired);
        END IF;
        IF operation = 'DELETE' THEN
            whole_pairs := whole_pairs || format('%L, jsonb_build_array(%s, NULL::jsonb)',
                                                 col.name, value_o);
        ELSE
            whole_pairs := whole_pairs || format('%L, jsonb_build_array(NULL::jsonb, %s)',
                                                 col.name, value_n);
        END IF;
        update_pairs := update_pairs || format('%L, CASE WHEN %s THEN jsonb_build_array(%s, %s) END',
                                               col.name, differs, value_o, value_n);
        unchanged := unchanged || format('CASE WHEN NOT %s THEN %L END', differs, col.name);
        IF col.name LIKE '%status' OR col.name LIKE '%stage' THEN
            status_change := status_change || differs;
        END IF;
    END LOOP;
    IF NOT key_found OR cardinality(whole_pairs) = 0 THEN
        RETURN NULL;
    END IF;
    -- jsonb_build_object takes at most 100 arguments: 40 columns a call, joined by ||.
    FOR chunk IN 0 .. (cardinality(whole_pairs) - 1) / 40 LOOP
        changes := changes || CASE WHEN chunk > 0 THEN ' || ' ELSE '' END
            || 'jsonb_build_object(' || array_to_string(
                CASE WHEN operation = 'UPDATE' THEN update_pairs[chunk * 40 + 1 : chunk * 40 + 40]
                ELSE whole_pairs[chunk * 40 + 1 : chunk * 40 + 40] END, ', ') || ')';
    END LOOP;
    IF operation = 'INSERT' THEN
        row_pk := 'n.' || quote_ident(key_column);
        subject := subject_n;
        action := '''INSERT''';
        source := 'audit_new_rows n';
    ELSIF operation = 'DELETE' THEN
        row_pk := 'o.' || quote_ident(key_column);
        subject := subject_o;
        action := '''DELETE''';
        source := 'audit_old_rows o';
    ELSE
        -- The new row's key and subject when there is one, as 0012's coalesce(new, old).
        row_pk := format('CASE WHEN n.%1$I IS NOT NULL THEN n.%1$I ELSE o.%1$I END', key_column);
        subject := format('CASE WHEN n.%I IS NOT NULL THEN %s ELSE %s END',
                          key_column, subject_n, subject_o);
        action := CASE WHEN cardinality(status_change) = 0 THEN '''UPDATE'''
            ELSE format('CASE WHEN %s THEN ''STATUS_CHANGE'' ELSE ''UPDATE'' END',
                        array_to_string(status_change, ' OR ')) END;
        -- Only the diff's columns: drop the keys of those that did not change.
        changes := format('(%s) - ARRAY[%s]::text[]', changes, array_to_string(unchanged, ', '));
        IF key_typed THEN
            source := format('audit_old_rows o FULL JOIN audit_new_rows n ON o.%1$I = n.%1$I',
                             key_column);
        ELSE
            source := format('audit_old_rows o FULL JOIN audit_new_rows n '
                             'ON to_jsonb(o.%1$I) = to_jsonb(n.%1$I)', key_column);
        END IF;
        -- Rows where nothing but updated_at moved are no change.
        filter := ' WHERE e.changes <> ''{}''';
    END IF;
    IF NOT key_text_same THEN
        row_pk := format('(to_jsonb(%s) #>> ''{}'')', row_pk);
    ELSE
        row_pk := row_pk || '::text';
    END IF;
    RETURN format($sql$
INSERT INTO audit.%I (created_at, updated_at, table_schema, table_name, row_pk, subject_id,
    action, changes, actor_type, actor_id, actor_label, actor_verified, db_role,
    application_name, request_id, client_ip, transaction_id, row_hash)
SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id,
    e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role,
    e.application_name, e.request_id, e.client_ip, e.transaction_id)
FROM (
    SELECT now() AS created_at, now() AS updated_at, $10::text AS table_schema,
        $11::text AS table_name, %s AS row_pk, %s AS subject_id, (%s)::text AS action,
        %s AS changes, $2::text AS actor_type, $3::bigint AS actor_id, $4::text AS actor_label,
        $5::boolean AS actor_verified, session_user::text AS db_role,
        $6::text AS application_name, $7::text AS request_id, $8::inet AS client_ip,
        $9::bigint AS transaction_id
    FROM %s
    -- Kept apart: pulled up, each of its expressions would run again where
    -- row_hash and the filter name it (the diff twice per row).
    OFFSET 0
) e%s$sql$, log_table, row_pk, subject, action, changes, source, filter);
END
$function$;
REVOKE ALL ON FUNCTION audit.capture_bulk_statement(oid, text, text, text, text[], text) FROM PUBLIC;
"""

DROP_CAPTURE_BULK_STATEMENT = (
    "DROP FUNCTION audit.capture_bulk_statement(oid, text, text, text, text[], text)"
)

#: Where 0012's function starts its static statements: the bulk path goes first.
_STATIC_START = "    IF TG_OP = 'INSERT' THEN\n"
_BULK_PATH = f"""    -- A statement of {BULK_FROM_ROWS} rows or more: one statement built for the table
    -- (audit.capture_bulk_statement), planned once for all its rows. Fewer rows: the
    -- static statements below, whose plans the session keeps.
    -- (PERFORM: a plain scan of at most that many rows, no subplan to set up.)
    IF TG_OP = 'DELETE' THEN
        PERFORM FROM audit_old_rows OFFSET {BULK_FROM_ROWS - 1};
    ELSE
        PERFORM FROM audit_new_rows OFFSET {BULK_FROM_ROWS - 1};
    END IF;
    IF FOUND THEN
        bulk := audit.capture_bulk_statement(TG_RELID, TG_OP, log_table, subject_column,
                                             personal, key_column);
        IF bulk IS NOT NULL THEN
            EXECUTE bulk USING pepper, actor_type, actor_id, actor_label, verified, application,
                request_id, client_ip, transaction_id, TG_TABLE_SCHEMA::text, TG_TABLE_NAME::text;
            RETURN NULL;
        END IF;
    END IF;
"""
_DECLARE_END = "    verified boolean;\n"
_DECLARE_BULK = "    verified boolean;\n    bulk text;\n"
assert CAPTURE_STATEMENT_CHEAPER.count(_STATIC_START) == 1
assert CAPTURE_STATEMENT_CHEAPER.count(_DECLARE_END) == 1
#: The trusted roles are read only when an actor is set (the same value: with
#: no actor the entry is verified): a query less per single-row capture, which
#: pays for the bulk test above (benchmarks/README.md, "Audit 0015").
_VERIFIED = """    verified := (actor_type IS NULL AND actor_id IS NULL AND actor_label = '')
        OR EXISTS (SELECT 1 FROM audit.trusted_actor_roles t WHERE t.role_name = session_user);
"""
_VERIFIED_WITH_AN_ACTOR = """    verified := true;
    IF actor_type IS NOT NULL OR actor_id IS NOT NULL OR actor_label <> '' THEN
        verified := EXISTS (SELECT 1 FROM audit.trusted_actor_roles t
                            WHERE t.role_name = session_user);
    END IF;
"""
assert CAPTURE_STATEMENT_CHEAPER.count(_VERIFIED) == 1

#: Audit 0012's capture with the bulk path in front of its static statements.
CAPTURE_STATEMENT_BULK = (
    CAPTURE_STATEMENT_CHEAPER.replace(_DECLARE_END, _DECLARE_BULK)
    .replace(_VERIFIED, _VERIFIED_WITH_AN_ACTOR)
    .replace(_STATIC_START, _BULK_PATH + _STATIC_START)
)

#: Back to audit 0012's capture (its function first: it calls the helper no more).
RESTORE_CAPTURE_STATEMENT_CHEAPER = CAPTURE_STATEMENT_CHEAPER
