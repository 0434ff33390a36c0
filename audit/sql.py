"""The audit trail's SQL: one capture function for every tracked table.

``audit.capture()`` is a SECURITY DEFINER trigger function: it runs as the
owner of the audit schema, so application roles need no privilege on the
audit tables and cannot write, change or skip entries themselves. Each
tracked table gets one trigger passing the target log table, the column that
names the row's owner (subject), the personal-data columns, and the key.
"""

CREATE_PEPPER = """
CREATE TABLE audit.hash_pepper (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    value text NOT NULL DEFAULT encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex')
);
INSERT INTO audit.hash_pepper DEFAULT VALUES;
COMMENT ON TABLE audit.hash_pepper IS
    'Secret mixed into hashes of personal data in audit diffs; readable only by the audit owner.';
REVOKE ALL ON audit.hash_pepper FROM PUBLIC;
"""
DROP_PEPPER = "DROP TABLE audit.hash_pepper"

CREATE_REDACT = """
CREATE FUNCTION audit.redact(value jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    plain text;
    pepper text;
BEGIN
    IF value IS NULL OR value = 'null'::jsonb THEN
        RETURN value;
    END IF;
    plain := value #>> '{}';
    SELECT p.value INTO pepper FROM audit.hash_pepper p;
    RETURN jsonb_build_object(
        'masked', repeat('*', greatest(length(plain) - 4, 0)) || right(plain, 4),
        'sha256', encode(sha256(convert_to(coalesce(pepper, '') || plain, 'UTF8')), 'hex')
    );
END
$$;
REVOKE ALL ON FUNCTION audit.redact(jsonb) FROM PUBLIC;
"""
DROP_REDACT = "DROP FUNCTION audit.redact(jsonb)"

CREATE_CAPTURE = """
CREATE FUNCTION audit.capture() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    log_table text := TG_ARGV[0];
    subject_column text := nullif(TG_ARGV[1], '');
    personal text[] := coalesce(string_to_array(nullif(TG_ARGV[2], ''), ','), '{}');
    key_column text := coalesce(nullif(TG_ARGV[3], ''), 'id');
    old_row jsonb;
    new_row jsonb;
    any_row jsonb;
    changes jsonb := '{}';
    column_name text;
    before jsonb;
    after jsonb;
    action text := TG_OP;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN new_row := to_jsonb(NEW); END IF;
    any_row := coalesce(new_row, old_row);
    FOR column_name IN SELECT jsonb_object_keys(any_row) LOOP
        before := old_row -> column_name;
        after := new_row -> column_name;
        -- updated_at moves on every save; alone it is not a change.
        CONTINUE WHEN column_name = 'updated_at'
            OR (TG_OP = 'UPDATE' AND before IS NOT DISTINCT FROM after);
        IF column_name = ANY(personal) THEN
            before := audit.redact(before);
            after := audit.redact(after);
        END IF;
        changes := changes || jsonb_build_object(column_name, jsonb_build_array(before, after));
    END LOOP;
    IF TG_OP = 'UPDATE' THEN
        IF changes = '{}' THEN
            RETURN NULL;
        END IF;
        IF EXISTS (SELECT 1 FROM jsonb_object_keys(changes) k
                   WHERE k LIKE '%status' OR k LIKE '%stage') THEN
            action := 'STATUS_CHANGE';
        END IF;
    END IF;
    EXECUTE format(
        'INSERT INTO audit.%I (created_at, updated_at, table_schema, table_name, row_pk,'
        ' subject_id, action, changes, actor_type, actor_id, actor_label, db_role,'
        ' application_name, request_id, client_ip, transaction_id)'
        ' VALUES (now(), now(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
        log_table)
    USING TG_TABLE_SCHEMA, TG_TABLE_NAME, any_row ->> key_column,
        (any_row ->> subject_column)::bigint, action, changes,
        nullif(current_setting('gatimitra.actor_type', true), ''),
        nullif(current_setting('gatimitra.actor_id', true), '')::bigint,
        coalesce(current_setting('gatimitra.actor_label', true), ''),
        session_user,
        coalesce(current_setting('application_name', true), ''),
        coalesce(current_setting('gatimitra.request_id', true), ''),
        nullif(current_setting('gatimitra.client_ip', true), '')::inet,
        pg_current_xact_id()::text::bigint;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION audit.capture() FROM PUBLIC;
"""
DROP_CAPTURE = "DROP FUNCTION audit.capture()"

#: Audit tables refuse TRUNCATE too, except in a maintenance transaction
#: (``flush`` in tests sets it; application roles also lack the privilege).
CREATE_REFUSE_TRUNCATE = """
CREATE FUNCTION audit.refuse_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF coalesce(current_setting('gatimitra.maintenance', true), '') <> 'on' THEN
        RAISE EXCEPTION '%.% is append-only: TRUNCATE refused', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END
$$
"""
DROP_REFUSE_TRUNCATE = "DROP FUNCTION audit.refuse_truncate()"

TRIGGER_NAME = "audit_changes"


def _literal(value):
    return "'%s'" % str(value).replace("'", "''")


def track_table(quoted_table, log_table, subject_column, personal_columns, key_column):
    arguments = ", ".join(
        _literal(value)
        for value in (log_table, subject_column or "", ",".join(personal_columns), key_column)
    )
    return (
        f"CREATE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE ON {quoted_table} "
        f"FOR EACH ROW EXECUTE FUNCTION audit.capture({arguments})"
    )


def untrack_table(quoted_table):
    return f"DROP TRIGGER {TRIGGER_NAME} ON {quoted_table}"


def refuse_truncate(quoted_table, table_name):
    return (
        f'CREATE TRIGGER "{table_name}_no_truncate" BEFORE TRUNCATE ON {quoted_table} '
        "FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_truncate()"
    )


def allow_truncate(quoted_table, table_name):
    return f'DROP TRIGGER "{table_name}_no_truncate" ON {quoted_table}'


# Capture per statement ---------------------------------------------------------------------
#
# Since audit migration 0006 the trail is written by statement-level AFTER
# triggers that read the statement's transition tables and write all of its
# entries with one INSERT ... SELECT (issue 23): the same rows, columns,
# redaction and actor as the per-row ``audit.capture()`` above, which is kept
# (attached to nothing) so tests and benchmarks/audit_capture.py can compare
# the two. Everything below is generated here and only here.

#: The schema holding the secret pepper: owner-only, and left out of every
#: audit backup (``gatimitra.ops.backup`` excludes it by this name). The
#: pepper is backed up separately by the operator.
SECRETS_SCHEMA = "audit_secrets"
PEPPER_TABLE = f"{SECRETS_SCHEMA}.hash_pepper"

#: The audit logs whose rows only the capture trigger may write.
CHANGE_LOGS = (
    "system_audit_logs",
    "merchant_audit_logs",
    "customer_audit_log",
    "rider_audit_logs",
    "order_audit_logs",
    "access_audit_logs",
)

#: Audit tables that are not models but are append-only like the logs (the
#: ``gatimitra_refuse_change`` guard and a TRUNCATE refusal): rows written
#: only by ``audit.seal`` and ``audit.begin_maintenance``, granted to nobody.
APPEND_ONLY_RECORDS = ("chain_seals", "maintenance_log")

CREATE_SECRETS_SCHEMA = f"""
CREATE SCHEMA {SECRETS_SCHEMA};
COMMENT ON SCHEMA {SECRETS_SCHEMA} IS
    'Secrets of the audit trail (the pepper): readable by the audit owner alone, never in an audit backup.';
REVOKE ALL ON SCHEMA {SECRETS_SCHEMA} FROM PUBLIC;
ALTER TABLE audit.hash_pepper SET SCHEMA {SECRETS_SCHEMA};
REVOKE ALL ON {PEPPER_TABLE} FROM PUBLIC;
"""
DROP_SECRETS_SCHEMA = f"""
ALTER TABLE {PEPPER_TABLE} SET SCHEMA audit;
DROP SCHEMA {SECRETS_SCHEMA};
"""

#: The per-row functions read the pepper from its new place (the old
#: capture stays usable for comparisons).
MOVE_REDACT_PEPPER = CREATE_REDACT.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION").replace(
    "audit.hash_pepper", PEPPER_TABLE
)
RESTORE_REDACT_PEPPER = CREATE_REDACT.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")

#: Roles whose ``gatimitra.actor_*`` settings are believed. Anyone else's
#: entries record the claimed actor with ``actor_verified = false``. Seeded
#: with the application role and, on a development server, the role that
#: ran migrate; ``sync_db_roles`` and DBAs maintain it (docs/operations.md).
CREATE_TRUSTED_ACTOR_ROLES = """
CREATE TABLE audit.trusted_actor_roles (
    role_name name PRIMARY KEY,
    reason text NOT NULL
);
COMMENT ON TABLE audit.trusted_actor_roles IS
    'Login roles whose gatimitra.actor_* settings the audit capture believes (actor_verified).';
REVOKE ALL ON audit.trusted_actor_roles FROM PUBLIC;
INSERT INTO audit.trusted_actor_roles VALUES ('gm_app', 'the application''s login role');
-- A development or test server migrates as the role the application logs in
-- with; the managed gm_* roles other than gm_app are never trusted.
INSERT INTO audit.trusted_actor_roles
    SELECT session_user, 'ran the first migrate of this database (development)'
    WHERE session_user::text NOT LIKE 'gm\\_%'
    ON CONFLICT DO NOTHING;
"""
DROP_TRUSTED_ACTOR_ROLES = "DROP TABLE audit.trusted_actor_roles"

#: The masked and hashed form of a personal value, the pepper passed in so
#: that a statement reads it once (same output as ``audit.redact``). STABLE,
#: not IMMUTABLE (convert_to is stable), and no SET clause: the planner then
#: inlines it into the capture's statement instead of calling it per value.
CREATE_REDACT_WITH = """
CREATE FUNCTION audit.redact(value jsonb, pepper text) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value IS NULL OR value = 'null'::jsonb THEN value ELSE jsonb_build_object(
        'masked', repeat('*', greatest(length(value #>> '{}') - 4, 0)) || right(value #>> '{}', 4),
        'sha256', encode(sha256(convert_to(coalesce(pepper, '') || (value #>> '{}'), 'UTF8')), 'hex'))
    END
$$;
REVOKE ALL ON FUNCTION audit.redact(jsonb, text) FROM PUBLIC;
"""
DROP_REDACT_WITH = "DROP FUNCTION audit.redact(jsonb, text)"

#: The content hash of one change-log row: what the capture stores in
#: ``row_hash`` and ``manage.py verify_audit`` recomputes. Every column but
#: ``id`` (chained by the seals) and ``updated_at`` (never differs).
ROW_HASH_COLUMNS = (
    "created_at",
    "table_schema",
    "table_name",
    "row_pk",
    "subject_id",
    "action",
    "changes",
    "actor_type",
    "actor_id",
    "actor_label",
    "actor_verified",
    "db_role",
    "application_name",
    "request_id",
    "client_ip",
    "transaction_id",
)
CREATE_ROW_HASH = """
CREATE FUNCTION audit.row_hash(
    created_at timestamptz, table_schema text, table_name text, row_pk text, subject_id bigint,
    action text, changes jsonb, actor_type text, actor_id bigint, actor_label text,
    actor_verified boolean, db_role text, application_name text, request_id text,
    client_ip inet, transaction_id bigint
) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    -- epoch, not text: a timestamp's text depends on the session's TimeZone.
    SELECT sha256(convert_to(jsonb_build_array(
        extract(epoch FROM created_at), table_schema, table_name, row_pk, subject_id, action,
        changes, actor_type, actor_id, actor_label, actor_verified, db_role, application_name,
        request_id, client_ip::text, transaction_id)::text, 'UTF8'))
$$;
"""
DROP_ROW_HASH = (
    "DROP FUNCTION audit.row_hash(timestamptz, text, text, text, bigint, text, jsonb, text, "
    "bigint, text, boolean, text, text, text, inet, bigint)"
)


def row_hash_sql(prefix=""):
    """``audit.row_hash(...)`` over the columns of a log row (``prefix``: an alias and dot)."""
    return "audit.row_hash(%s)" % ", ".join(prefix + column for column in ROW_HASH_COLUMNS)


TRANSITION_NEW = "audit_new_rows"
TRANSITION_OLD = "audit_old_rows"

_SOURCES = {
    "INSERT": f"SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM {TRANSITION_NEW} n",
    "DELETE": f"SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM {TRANSITION_OLD} o",
    # Old and new rows paired by key (a changed key gives two entries).
    "UPDATE": f"SELECT o.j AS o, n.j AS n FROM (SELECT to_jsonb(o) AS j FROM {TRANSITION_OLD} o) o "
    f"FULL JOIN (SELECT to_jsonb(n) AS j FROM {TRANSITION_NEW} n) n "
    "ON (o.j -> key_column) = (n.j -> key_column)",
}


def _capture_insert(log_table, operation):
    """The INSERT ... SELECT writing one statement's entries into one log:
    static SQL, so PL/pgSQL plans it once per trigger and session."""
    update = operation == "UPDATE"
    action = (
        "CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END"
        if update
        else (f"'{operation}'")
    )
    changed = " AND (s.o -> k) IS DISTINCT FROM (s.n -> k)" if update else ""
    some = "\n                WHERE d.changes <> '{}'" if update else ""
    return f"""
            INSERT INTO audit.{log_table} (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, {row_hash_sql("e.")}
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    {action}::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM ({_SOURCES[operation]}) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{{}}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'{changed}
                ) d{some}
            ) e;"""


def _capture_branches():
    lines = []
    for number, operation in enumerate(("INSERT", "UPDATE", "DELETE")):
        lines.append(f"    {'IF' if number == 0 else 'ELSIF'} TG_OP = '{operation}' THEN")
        for inner, log_table in enumerate(CHANGE_LOGS):
            lines.append(
                f"        {'IF' if inner == 0 else 'ELSIF'} log_table = '{log_table}' THEN"
            )
            lines.append(_capture_insert(log_table, operation))
        lines.append("        ELSE RAISE EXCEPTION 'audit: % is not a change log', log_table;")
        lines.append("        END IF;")
    lines.append("    END IF;")
    return "\n".join(lines)


#: One statement's entries, set-based. The diff, redaction, STATUS_CHANGE
#: and skipping of no-op updates are the per-row capture's, column for
#: column; the statements are static (one per log and event, generated
#: here) so that their plans are cached, not made again for every write.
CREATE_CAPTURE_STATEMENT = f"""
CREATE FUNCTION audit.capture_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $function$
DECLARE
    log_table text := TG_ARGV[0];
    subject_column text := nullif(TG_ARGV[1], '');
    personal text[] := coalesce(string_to_array(nullif(TG_ARGV[2], ''), ','), '{{}}');
    key_column text := coalesce(nullif(TG_ARGV[3], ''), 'id');
    pepper text;
    actor_type text := nullif(current_setting('gatimitra.actor_type', true), '');
    actor_id bigint := nullif(current_setting('gatimitra.actor_id', true), '')::bigint;
    actor_label text := coalesce(current_setting('gatimitra.actor_label', true), '');
    application text := coalesce(current_setting('application_name', true), '');
    request_id text := coalesce(current_setting('gatimitra.request_id', true), '');
    client_ip inet := nullif(current_setting('gatimitra.client_ip', true), '')::inet;
    transaction_id bigint := pg_current_xact_id()::text::bigint;
    verified boolean;
BEGIN
    IF personal <> '{{}}' THEN
        SELECT p.value INTO pepper FROM {PEPPER_TABLE} p;
    END IF;
    -- The actor is believed only from the application's own login roles.
    verified := (actor_type IS NULL AND actor_id IS NULL AND actor_label = '')
        OR EXISTS (SELECT 1 FROM audit.trusted_actor_roles t WHERE t.role_name = session_user);
{_capture_branches()}
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION audit.capture_statement() FROM PUBLIC;
"""
DROP_CAPTURE_STATEMENT = "DROP FUNCTION audit.capture_statement()"

#: Change-log rows come from the capture trigger only: an INSERT (or COPY)
#: issued by anyone outside a trigger is refused, whatever their privileges
#: (INSERT is granted to nobody; this stops the owner and superusers too).
#: The WHEN clause keeps the trigger's cost off the capture's own inserts.
CREATE_REFUSE_DIRECT_INSERT = """
CREATE FUNCTION audit.refuse_direct_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    RAISE EXCEPTION 'audit.% is written by the audit capture only: direct INSERT refused',
        coalesce((SELECT c.relname FROM pg_class c
                  WHERE c.oid = pg_partition_root(TG_RELID)), TG_TABLE_NAME)
        USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION audit.refuse_direct_insert() FROM PUBLIC;
"""
DROP_REFUSE_DIRECT_INSERT = "DROP FUNCTION audit.refuse_direct_insert()"

INSERT_GUARD_TRIGGER = "capture_only"


def refuse_direct_insert(log_table):
    return (
        f'CREATE TRIGGER "{log_table}_{INSERT_GUARD_TRIGGER}" BEFORE INSERT ON audit."{log_table}" '
        "FOR EACH ROW WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION audit.refuse_direct_insert()"
    )


def allow_direct_insert(log_table):
    return f'DROP TRIGGER "{log_table}_{INSERT_GUARD_TRIGGER}" ON audit."{log_table}"'


#: One trigger per event: a trigger with transition tables takes one event only.
CAPTURE_TRIGGERS = {
    "INSERT": (f"{TRIGGER_NAME}_insert", f"NEW TABLE AS {TRANSITION_NEW}"),
    "UPDATE": (
        f"{TRIGGER_NAME}_update",
        f"OLD TABLE AS {TRANSITION_OLD} NEW TABLE AS {TRANSITION_NEW}",
    ),
    "DELETE": (f"{TRIGGER_NAME}_delete", f"OLD TABLE AS {TRANSITION_OLD}"),
}


def capture_statements(quoted_table, log_table, subject_column, personal_columns, key_column):
    """The statement-level capture triggers of one tracked table."""
    arguments = ", ".join(
        _literal(value)
        for value in (log_table, subject_column or "", ",".join(personal_columns), key_column)
    )
    return [
        f"CREATE TRIGGER {name} AFTER {event} ON {quoted_table} REFERENCING {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION audit.capture_statement({arguments})"
        for event, (name, transition) in CAPTURE_TRIGGERS.items()
    ]


def stop_capture_statements(quoted_table):
    return [f"DROP TRIGGER {name} ON {quoted_table}" for name, _ in CAPTURE_TRIGGERS.values()]


# Hash chains -------------------------------------------------------------------------------
#
# Writers never take a lock for the chain: the capture stores each entry's
# content hash (row_hash) and its transaction id, and audit.seal(log) later
# chains the committed entries in batches, each seal holding the hash of
# its batch and of the previous seal. A batch ends at a horizon no running
# transaction can still write below (docs/operations.md, "Audit trail").

CREATE_CHAIN_SEALS = """
CREATE TABLE audit.chain_seals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    log_table text NOT NULL,
    first_id bigint NOT NULL,
    last_id bigint NOT NULL,
    row_count bigint NOT NULL,
    batch_hash bytea,
    prev_hash bytea,
    seal_hash bytea NOT NULL,
    -- NULL on the genesis seal: a migration's rows must not depend on when it ran.
    sealed_at timestamptz DEFAULT now(),
    CONSTRAINT chain_seals_ids_ordered CHECK (first_id <= last_id + 1),
    CONSTRAINT chain_seals_sealed_at_set CHECK (sealed_at IS NOT NULL OR batch_hash IS NULL)
);
CREATE UNIQUE INDEX chain_seals_log_last_uniq ON audit.chain_seals (log_table, last_id);
COMMENT ON TABLE audit.chain_seals IS
    'Hash chain of each change log: a seal covers the entries with first_id <= id <= last_id.';
REVOKE ALL ON audit.chain_seals FROM PUBLIC;
CREATE TRIGGER chain_seals_append_only BEFORE UPDATE OR DELETE ON audit.chain_seals
    FOR EACH ROW EXECUTE FUNCTION public.gatimitra_refuse_change();
CREATE TRIGGER chain_seals_no_truncate BEFORE TRUNCATE ON audit.chain_seals
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_truncate();
"""
DROP_CHAIN_SEALS = "DROP TABLE audit.chain_seals"


def _seal_hash(log, first, last, count, batch, prev):
    return (
        f"sha256(convert_to(concat_ws(':', {log}, {first}, {last}, {count}, "
        f"encode({batch}, 'hex'), encode({prev}, 'hex')), 'UTF8'))"
    )


def batch_hash_sql(alias=""):
    """The hash of a batch of entries: their ids and row hashes, in id order."""
    return (
        f"sha256(convert_to(coalesce(string_agg({alias}id::text || '=' || "
        f"coalesce(encode({alias}row_hash, 'hex'), ''), ',' ORDER BY {alias}id), ''), 'UTF8'))"
    )


#: Existing entries keep no hash: each chain starts after the last entry
#: present when the chain was installed (a genesis seal, batch_hash NULL).
START_CHAINS = f"""
INSERT INTO audit.chain_seals (log_table, first_id, last_id, row_count, sealed_at, seal_hash)
SELECT log, 1, last, 0, NULL, {_seal_hash("log", "1", "last", "0", "NULL", "NULL")}
FROM (VALUES {", ".join(f"('{log}', (SELECT coalesce(max(id), 0) FROM audit.{log}))" for log in CHANGE_LOGS)})
    AS logs (log, last);
"""

CREATE_SEAL = f"""
CREATE FUNCTION audit.seal(log text, batch_size integer DEFAULT 50000, wait interval DEFAULT '5 seconds')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $function$
DECLARE
    horizon_id bigint;
    snap pg_snapshot;
    waiting xid8[];
    own xid8 := pg_current_xact_id_if_assigned();
    deadline timestamptz := clock_timestamp() + wait;
    previous record;
    batch record;
    sealed bigint := 0;
BEGIN
    IF NOT log = ANY(ARRAY{list(CHANGE_LOGS)}::text[]) THEN
        RAISE EXCEPTION 'audit.seal: % is not a change log', log USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('audit.seal'), hashtext(log));
    -- The horizon: the last id handed out, then the transactions running
    -- now. An entry's transaction has its id before it takes an entry id
    -- (the capture runs after its write), so once those transactions end no
    -- entry at or below horizon_id can still appear.
    -- Transactions known to run in another database are not waited for.
    horizon_id := pg_sequence_last_value(pg_get_serial_sequence(format('audit.%I', log), 'id')::regclass);
    IF horizon_id IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM pg_stat_clear_snapshot();
    snap := pg_current_snapshot();
    waiting := ARRAY(
        SELECT x FROM pg_snapshot_xip(snap) x
        WHERE x IS DISTINCT FROM own AND NOT EXISTS (
            SELECT 1 FROM pg_stat_activity a
            WHERE a.backend_xid = xid(x)
              AND a.datid <> (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())));
    WHILE EXISTS (SELECT 1 FROM unnest(waiting) w WHERE pg_xact_status(w) = 'in progress') LOOP
        IF clock_timestamp() > deadline THEN
            RAISE NOTICE 'audit.seal(%): transactions older than the horizon still run; sealed nothing', log;
            RETURN 0;
        END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
    LOOP
        SELECT s.last_id, s.seal_hash INTO previous FROM audit.chain_seals s
            WHERE s.log_table = log ORDER BY s.last_id DESC LIMIT 1;
        EXIT WHEN previous.last_id >= horizon_id;
        EXECUTE format($sql$
            SELECT count(*) AS n, max(id) AS last, {batch_hash_sql()} AS hash
            FROM (SELECT id, row_hash FROM audit.%I WHERE id > $1 AND id <= $2
                  ORDER BY id LIMIT $3) b
            $sql$, log)
            INTO batch USING previous.last_id, horizon_id, batch_size;
        IF batch.n = 0 THEN
            batch.last := horizon_id;
        ELSIF batch.n < batch_size THEN
            -- The batch reaches the horizon: it covers the ids up to it.
            batch.last := horizon_id;
        END IF;
        INSERT INTO audit.chain_seals (log_table, first_id, last_id, row_count, batch_hash, prev_hash, seal_hash)
        VALUES (log, previous.last_id + 1, batch.last, batch.n, batch.hash, previous.seal_hash,
                {_seal_hash("log", "previous.last_id + 1", "batch.last", "batch.n", "batch.hash", "previous.seal_hash")});
        sealed := sealed + batch.n;
    END LOOP;
    RETURN sealed;
END
$function$;
REVOKE ALL ON FUNCTION audit.seal(text, integer, interval) FROM PUBLIC;
"""
DROP_SEAL = "DROP FUNCTION audit.seal(text, integer, interval)"


def seal_hash_sql(alias):
    """The seal hash recomputed from a chain_seals row ``alias``."""
    return _seal_hash(
        f"{alias}.log_table",
        f"{alias}.first_id",
        f"{alias}.last_id",
        f"{alias}.row_count",
        f"{alias}.batch_hash",
        f"{alias}.prev_hash",
    )


# Refusals ----------------------------------------------------------------------------------
#
# TRUNCATE of an audit table or any of its partitions is refused, with no
# setting that lets it through. Disabling or dropping a trigger of an audit
# or audited table, and detaching a partition of one, is refused by an event
# trigger unless the transaction registered itself with
# audit.begin_maintenance(reason) first: an audited act (each registration
# is an entry of system_audit_logs), never a setting.

REPLACE_REFUSE_TRUNCATE = """
CREATE OR REPLACE FUNCTION audit.refuse_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: TRUNCATE refused', TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'The audit trail is never truncated; expired months are detached by manage.py partitions.';
END
$$
"""
RESTORE_REFUSE_TRUNCATE = CREATE_REFUSE_TRUNCATE.replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)

#: Statement triggers are not inherited by partitions: each partition of an
#: audit log gets its own TRUNCATE guard (``manage.py partitions`` copies
#: the parent's statement triggers onto the partitions it makes).
GUARD_EXISTING_PARTITIONS = """
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN
        SELECT i.inhrelid::regclass FROM pg_inherits i
        JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = 'audit' AND c.relkind IN ('r', 'p')
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_truncate()',
                       left((SELECT relname FROM pg_class WHERE oid = part) || '_no_truncate', 63),
                       part);
    END LOOP;
END
$$
"""
UNGUARD_EXISTING_PARTITIONS = """
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT tg.tgname, tg.tgrelid::regclass AS rel FROM pg_trigger tg
        JOIN pg_inherits i ON i.inhrelid = tg.tgrelid
        JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = 'audit' AND tg.tgname LIKE '%\\_no\\_truncate'
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
    END LOOP;
END
$$
"""

#: Every registration of a maintenance transaction; itself audited (its
#: capture writes to system_audit_logs) and append-only.
CREATE_MAINTENANCE = f"""
CREATE TABLE audit.maintenance_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
    db_role text NOT NULL DEFAULT session_user,
    reason text NOT NULL CHECK (length(trim(reason)) >= 8),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_log_transaction_idx ON audit.maintenance_log (transaction_id);
COMMENT ON TABLE audit.maintenance_log IS
    'Transactions allowed to disable, drop or detach audit triggers and partitions, and why.';
REVOKE ALL ON audit.maintenance_log FROM PUBLIC;
CREATE TRIGGER maintenance_log_append_only BEFORE UPDATE OR DELETE ON audit.maintenance_log
    FOR EACH ROW EXECUTE FUNCTION public.gatimitra_refuse_change();
CREATE TRIGGER maintenance_log_no_truncate BEFORE TRUNCATE ON audit.maintenance_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_truncate();
{capture_statements("audit.maintenance_log", "system_audit_logs", None, [], "id")[0]};

CREATE FUNCTION audit.begin_maintenance(reason text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
    INSERT INTO audit.maintenance_log (reason) VALUES (reason);
$$;
REVOKE ALL ON FUNCTION audit.begin_maintenance(text) FROM PUBLIC;
COMMENT ON FUNCTION audit.begin_maintenance(text) IS
    'Allow this transaction to disable/drop audit triggers and detach audit partitions; logged.';

CREATE FUNCTION audit.in_maintenance() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM audit.maintenance_log
                   WHERE transaction_id = pg_current_xact_id_if_assigned()::text::bigint);
$$;
"""
DROP_MAINTENANCE = """
DROP FUNCTION audit.in_maintenance();
DROP FUNCTION audit.begin_maintenance(text);
DROP TABLE audit.maintenance_log;
"""

#: The tables whose triggers are guarded: the audit schema's and those a
#: capture trigger is attached to.
_GUARDED_TABLE = """
    (SELECT n.nspname = 'audit' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = coalesce(pg_partition_root({rel}), {rel}))
    OR EXISTS (SELECT 1 FROM pg_trigger t
               WHERE t.tgrelid = coalesce(pg_partition_root({rel}), {rel})
                 AND t.tgfoid IN ('audit.capture_statement()'::regprocedure,
                                  'audit.capture()'::regprocedure))
"""

CREATE_GUARD_DDL = f"""
CREATE FUNCTION audit.refuse_unaudited_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    command record;
    off record;
BEGIN
    IF audit.in_maintenance() THEN
        RETURN;
    END IF;
    FOR command IN SELECT * FROM pg_event_trigger_ddl_commands()
                   WHERE object_type IN ('table', 'table column') AND command_tag = 'ALTER TABLE'
    LOOP
        CONTINUE WHEN NOT ({_GUARDED_TABLE.format(rel="command.objid")});
        -- Any trigger of the table no longer firing in normal operation.
        SELECT t.tgname INTO off FROM pg_trigger t
            WHERE t.tgrelid = command.objid AND NOT t.tgisinternal AND t.tgenabled NOT IN ('O', 'A')
            LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'trigger % of % may not be disabled outside audited maintenance',
                off.tgname, command.object_identity
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'SELECT audit.begin_maintenance(''why'') in the same transaction first.';
        END IF;
        IF current_query() ~* '\\mDETACH\\s+PARTITION\\M' THEN
            RAISE EXCEPTION 'partitions of % may not be detached outside audited maintenance',
                command.object_identity
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'manage.py partitions does it; or SELECT audit.begin_maintenance(''why'') first.';
        END IF;
    END LOOP;
END
$$;

CREATE FUNCTION audit.refuse_unaudited_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    dropped record;
BEGIN
    IF audit.in_maintenance() THEN
        RETURN;
    END IF;
    FOR dropped IN
        SELECT d.object_identity, d.address_names, d.address_args
        FROM pg_event_trigger_dropped_objects() d
        WHERE d.object_type = 'trigger' AND d.original
    LOOP
        -- address_names: {{schema, table, trigger}}; the table still exists
        -- at sql_drop when only the trigger goes.
        CONTINUE WHEN to_regclass(format('%I.%I', dropped.address_names[1], dropped.address_names[2])) IS NULL;
        CONTINUE WHEN NOT ({
    _GUARDED_TABLE.format(
        rel="to_regclass(format('%I.%I', dropped.address_names[1], dropped.address_names[2]))"
    )
});
        RAISE EXCEPTION 'trigger % may not be dropped outside audited maintenance', dropped.object_identity
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'SELECT audit.begin_maintenance(''why'') in the same transaction first.';
    END LOOP;
END
$$;

CREATE FUNCTION audit.install_event_triggers() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    CREATE EVENT TRIGGER audit_refuse_unaudited_ddl ON ddl_command_end
        WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION audit.refuse_unaudited_ddl();
    CREATE EVENT TRIGGER audit_refuse_unaudited_drop ON sql_drop
        WHEN TAG IN ('DROP TRIGGER') EXECUTE FUNCTION audit.refuse_unaudited_drop();
END
$$;
REVOKE ALL ON FUNCTION audit.install_event_triggers() FROM PUBLIC;
"""
DROP_GUARD_DDL = """
DROP EVENT TRIGGER IF EXISTS audit_refuse_unaudited_ddl;
DROP EVENT TRIGGER IF EXISTS audit_refuse_unaudited_drop;
DROP FUNCTION audit.install_event_triggers();
DROP FUNCTION audit.refuse_unaudited_drop();
DROP FUNCTION audit.refuse_unaudited_ddl();
"""

EVENT_TRIGGERS = ("audit_refuse_unaudited_ddl", "audit_refuse_unaudited_drop")

#: Event triggers need a superuser. A migrator that is not one leaves them
#: to the DBA, loudly; verify_audit reports them missing until then.
INSTALL_EVENT_TRIGGERS = """
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        PERFORM audit.install_event_triggers();
    ELSE
        RAISE WARNING 'audit: the event triggers refusing DISABLE/DROP TRIGGER and DETACH PARTITION were NOT installed: % is not a superuser',
            current_user
            USING HINT = 'A superuser must run: SELECT audit.install_event_triggers(); (manage.py verify_audit reports them missing until then)';
    END IF;
END
$$
"""


def begin_maintenance(reason):
    """Register the current transaction as audited maintenance (a no-op
    where audit 0008 has not run yet, e.g. while migrating up to it)."""
    return (
        "DO $$ BEGIN IF to_regprocedure('audit.begin_maintenance(text)') IS NOT NULL THEN "
        f"PERFORM audit.begin_maintenance({_literal(reason)}); END IF; END $$"
    )
