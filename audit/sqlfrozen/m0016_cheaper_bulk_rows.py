"""SQL of audit migration 0016_cheaper_bulk_rows, frozen as it runs.

The migration reads these names from ``audit.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.

Audit 0015's bulk statement (``audit.capture_bulk_statement``) made each
row's entry with jsonb functions: a ``jsonb_build_array`` per column, a
``jsonb_build_object`` of them all, an inlined ``audit.redact`` per personal
value (``to_jsonb`` of the value five times), and ``audit.row_hash``, which
copies ``changes`` into a second jsonb array only to print it as text. Each
of those calls looks up the type of every argument in the catalog caches,
per row. Profiled (callgrind, a 3,000-row INSERT of a probe shaped like
``customers.customers``, PostgreSQL 15): ~465k instructions per row, of which
the jsonb builders ~47%, ``to_jsonb`` 12%, ``jsonb_out`` for the hash 9%,
the catalog cache lookups under them ~19% (benchmarks/README.md, "Audit
0016").

This migration's builder writes the same entries from text. ``changes`` is
built as the text ``jsonb_out`` prints for it (keys in jsonb's order, shorter
first then bytewise; ``", "`` and ``": "``; each value as jsonb prints it) and
read once as jsonb; the row hash hashes the very text ``audit.row_hash``
hashes, ``jsonb_build_array(...)::text``, with that same ``changes`` text in
the middle and the parts that are the same for every row of the statement
(the time, the table, the actor, the session) printed once (scalar
subqueries, run once per statement). A value's text:

- integers: ``::text`` (jsonb prints the number as written); booleans:
  ``::text`` (``true``/``false``); jsonb: ``::text`` (its own print);
- text and varchar, numeric, date and timestamps: ``to_json(value)::text``
  (the same escaping, number check and date format as jsonb's);
- a personal text, varchar or citext value: its redaction (``masked``, then
  ``sha256``) printed from the column's text, as ``audit.redact(to_jsonb(col),
  pepper)`` computes it from ``to_jsonb(col) #>> '{}'``, the same text;
- anything else (citext, arrays, inet, a type added later...), and personal
  values of other types: ``to_jsonb(value)::text`` or
  ``audit.redact(to_jsonb(value), $1)::text``, jsonb's own print by definition.

One difference from 0015, towards 0012: 0015 compared a jsonb column typed,
so a JSON null set to SQL NULL (or back) wrote an entry ``[null, null]`` that
0012's static statements (comparing the rows' jsonb) do not write; here NULL
compares as JSON null, as in 0012.

``verify_audit`` still recomputes ``audit.row_hash`` over the stored columns,
which is unchanged; tests/audit/test_capture_cheaper.py compares every column
and ``row_hash`` with audit 0012's and 0015's captures. ``audit.capture_statement``
is audit 0015's, unchanged: single-row statements keep 0012's static
statements, and from ``BULK_FROM_ROWS`` = 32 rows the built statement runs
(still the break-even with 0012's statements: its text is larger to plan,
each row cheaper; benchmarks/README.md, "Audit 0016").
"""

from audit.sqlfrozen.m0015_cheaper_bulk_capture import CREATE_CAPTURE_BULK_STATEMENT

#: The statement of one bulk capture, as audit 0015's (same arguments, same
#: parameters $1-$11, NULL for the same table shapes), each entry built from text.
REPLACE_CAPTURE_BULK_STATEMENT = """
CREATE OR REPLACE FUNCTION audit.capture_bulk_statement(
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
    -- Types whose ::text is jsonb's print of the value.
    printed regtype[] := ARRAY['int2', 'int4', 'int8', 'bool', 'jsonb']::regtype[];
    -- Types whose to_json(value)::text is jsonb's print of the value.
    as_json regtype[] := ARRAY['text', 'varchar', 'numeric', 'date', 'timestamp',
                               'timestamptz']::regtype[];
    -- Personal values redacted from the column's text (and citext, below).
    texts regtype[] := ARRAY['text', 'varchar']::regtype[];
    -- Keys whose text is a JSON string as it is (digits, hex, dashes).
    plain_keys regtype[] := ARRAY['int2', 'int4', 'int8', 'uuid']::regtype[];
    col record;
    typed boolean;
    unpaired text;
    key_found boolean := false;
    key_typed boolean;
    key_text_same boolean;
    key_plain boolean;
    subject_n text := 'NULL::bigint';
    subject_o text := 'NULL::bigint';
    differs text;
    value_o text;
    value_n text;
    item text;
    alias text;
    value text;
    whole_items text[] := '{}';
    update_items text[] := '{}';
    status_change text[] := '{}';
    changes text;
    row_pk text;
    row_pk_json text;
    subject text;
    action text;
    source text;
    filter text := '';
BEGIN
    IF log_table NOT IN ('system_audit_logs', 'merchant_audit_logs', 'customer_audit_log',
                         'rider_audit_logs', 'order_audit_logs', 'access_audit_logs') THEN
        RETURN NULL;
    END IF;
    -- citext, the extension's type, whatever its schema (its text is the value's).
    texts := texts || ARRAY(
        SELECT t.oid::regtype FROM pg_type t
        JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid
            AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
        JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'citext'
        WHERE t.typname = 'citext');
    unpaired := format('(o.%1$I IS NULL OR n.%1$I IS NULL)', key_column);
    -- In the order of a jsonb object's keys: shorter first, then bytewise.
    FOR col IN
        SELECT a.attname::text AS name, a.atttypid::regtype AS type, a.attnotnull AS not_null,
               coalesce(c.collisdeterministic, true) AS deterministic
        FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation
        WHERE a.attrelid = relid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY octet_length(a.attname::text), a.attname::text COLLATE "C"
    LOOP
        typed := col.type = ANY (typed_equal) AND col.deterministic;
        IF col.name = key_column THEN
            IF NOT col.not_null THEN
                RETURN NULL;
            END IF;
            key_found := true;
            key_typed := typed;
            key_text_same := col.type = ANY (text_same) AND col.deterministic;
            key_plain := col.type = ANY (plain_keys);
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
        -- The value's text in the old row (o) and the new (n); NULL for a NULL value.
        FOREACH alias IN ARRAY ARRAY['o', 'n'] LOOP
            value := format('%s.%I', alias, col.name);
            IF col.name = ANY (personal) AND col.type = ANY (texts) THEN
                value := format('CASE WHEN %1$s IS NOT NULL THEN ''{"masked": '' || '
                    'to_json(repeat(''*'', greatest(length(%1$s::text) - 4, 0)) '
                    '|| right(%1$s::text, 4))::text || '', "sha256": "'' || '
                    'encode(sha256(convert_to(coalesce($1, '''') || %1$s::text, ''UTF8'')), '
                    '''hex'') || ''"}'' END', value);
            ELSIF col.name = ANY (personal) THEN
                value := format('audit.redact(to_jsonb(%s), $1)::text', value);
            ELSIF col.type = ANY (printed) THEN
                value := format('%s::text', value);
            ELSIF col.type = ANY (as_json) THEN
                value := format('to_json(%s)::text', value);
            ELSE
                value := format('to_jsonb(%s)::text', value);
            END IF;
            -- A NULL value, or no old or new row (an UPDATE of the key): null.
            value := format('coalesce(%s, ''null'')', value);
            IF alias = 'o' THEN
                value_o := value;
            ELSE
                value_n := value;
            END IF;
        END LOOP;
        -- As 0012 compares the rows' jsonb: a JSON null and an SQL NULL are the
        -- same value (0015 took them for a change; only json and jsonb have both).
        IF typed AND col.type = 'jsonb'::regtype THEN
            differs := format('(%2$s OR coalesce(o.%1$I, ''null'') IS DISTINCT FROM '
                              'coalesce(n.%1$I, ''null''))', col.name, unpaired);
        ELSIF typed THEN
            differs := format('(%2$s OR o.%1$I IS DISTINCT FROM n.%1$I)', col.name, unpaired);
        ELSE
            differs := format('(%2$s OR coalesce(to_jsonb(o.%1$I), ''null'') IS DISTINCT FROM '
                              'coalesce(to_jsonb(n.%1$I), ''null''))', col.name, unpaired);
        END IF;
        -- '"name": [' as jsonb prints the key.
        item := quote_literal(to_json(col.name)::text || ': [');
        IF operation = 'DELETE' THEN
            whole_items := whole_items || format('%s || %s || '', null]''', item, value_o);
        ELSE
            whole_items := whole_items || format('%s || ''null, '' || %s || '']''', item, value_n);
        END IF;
        update_items := update_items || format('CASE WHEN %s THEN %s || %s || '', '' || %s || '']'' END',
                                               differs, item, value_o, value_n);
        IF col.name LIKE '%status' OR col.name LIKE '%stage' THEN
            status_change := status_change || differs;
        END IF;
    END LOOP;
    IF NOT key_found OR cardinality(whole_items) = 0 THEN
        RETURN NULL;
    END IF;
    -- The text of changes: its items joined as jsonb prints them (NULLs, the
    -- unchanged columns of an UPDATE, left out).
    changes := format('''{'' || array_to_string(ARRAY[%s], '', '') || ''}''',
                      array_to_string(CASE WHEN operation = 'UPDATE' THEN update_items
                                      ELSE whole_items END, ', '));
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
    -- The key never NULL (a NOT NULL column); as a JSON string.
    IF key_plain THEN
        row_pk_json := '''"'' || e.row_pk || ''"''';
    ELSE
        row_pk_json := 'to_json(e.row_pk)::text';
    END IF;
    RETURN format($sql$
INSERT INTO audit.%I (created_at, updated_at, table_schema, table_name, row_pk, subject_id,
    action, changes, actor_type, actor_id, actor_label, actor_verified, db_role,
    application_name, request_id, client_ip, transaction_id, row_hash)
SELECT now(), now(), $10::text, $11::text, e.row_pk, e.subject_id, e.action, e.changes::jsonb,
    $2::text, $3::bigint, $4::text, $5::boolean, session_user::text, $6::text, $7::text,
    $8::inet, $9::bigint,
    -- audit.row_hash's text, jsonb_build_array(...)::text: what is the same for
    -- every row printed once (each scalar subquery runs once per statement).
    sha256(convert_to((SELECT '[' || extract(epoch FROM now())::text || ', '
            || to_json($10::text)::text || ', ' || to_json($11::text)::text || ', ')
        || %s || ', ' || coalesce(e.subject_id::text, 'null') || ', "' || e.action || '", '
        || e.changes
        || (SELECT ', ' || coalesce(to_json($2::text)::text, 'null') || ', '
            || coalesce($3::bigint::text, 'null') || ', '
            || coalesce(to_json($4::text)::text, 'null') || ', '
            || coalesce($5::boolean::text, 'null') || ', '
            || to_json(session_user::text)::text || ', '
            || coalesce(to_json($6::text)::text, 'null') || ', '
            || coalesce(to_json($7::text)::text, 'null') || ', '
            || coalesce(to_json($8::inet::text)::text, 'null') || ', '
            || coalesce($9::bigint::text, 'null') || ']'), 'UTF8'))
FROM (
    SELECT %s AS row_pk, %s AS subject_id, (%s)::text AS action, %s AS changes
    FROM %s
    -- Kept apart: pulled up, the diff would run again where the hash and the
    -- filter name it.
    OFFSET 0
) e%s$sql$, log_table, row_pk_json, row_pk, subject, action, changes, source, filter);
END
$function$;
REVOKE ALL ON FUNCTION audit.capture_bulk_statement(oid, text, text, text, text[], text) FROM PUBLIC;
"""

#: Back to audit 0015's builder, as it ran (replacing this one).
RESTORE_CAPTURE_BULK_STATEMENT = CREATE_CAPTURE_BULK_STATEMENT.replace(
    "CREATE FUNCTION audit.capture_bulk_statement(",
    "CREATE OR REPLACE FUNCTION audit.capture_bulk_statement(",
    1,
)
assert RESTORE_CAPTURE_BULK_STATEMENT != CREATE_CAPTURE_BULK_STATEMENT
