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
#: audit backup (``gatimitra.db.backup`` excludes it by this name). The
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
#: that a statement reads it once (same output as ``audit.redact``).
CREATE_REDACT_WITH = """
CREATE FUNCTION audit.redact(value jsonb, pepper text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog AS $$
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
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog AS $$
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

#: One statement's entries, set-based. The statement's rows are paired by
#: key for UPDATE; the diff, redaction, STATUS_CHANGE and skipping of
#: no-op updates are the per-row capture's, column for column.
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
    verified boolean;
    source text;
BEGIN
    IF personal <> '{{}}' THEN
        SELECT p.value INTO pepper FROM {PEPPER_TABLE} p;
    END IF;
    -- The actor is believed only from the application's own login roles.
    verified := (actor_type IS NULL AND actor_id IS NULL AND actor_label = '')
        OR EXISTS (SELECT 1 FROM audit.trusted_actor_roles t WHERE t.role_name = session_user);
    source := CASE TG_OP
        WHEN 'INSERT' THEN
            'SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM {TRANSITION_NEW} n'
        WHEN 'DELETE' THEN
            'SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM {TRANSITION_OLD} o'
        ELSE format('SELECT to_jsonb(o) AS o, to_jsonb(n) AS n FROM {TRANSITION_OLD} o '
                    'FULL JOIN {TRANSITION_NEW} n ON o.%1$I = n.%1$I', key_column)
    END;
    EXECUTE format($sql$
        INSERT INTO audit.%1$I (created_at, updated_at, table_schema, table_name, row_pk,
            subject_id, action, changes, actor_type, actor_id, actor_label, actor_verified,
            db_role, application_name, request_id, client_ip, transaction_id, row_hash)
        SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk,
            e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label,
            e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip,
            e.transaction_id)
        FROM (
            SELECT now() AS created_at, now() AS updated_at, $1 AS table_schema,
                $2 AS table_name, r.j ->> %2$L::text AS row_pk,
                (r.j ->> %3$L::text)::bigint AS subject_id,
                CASE WHEN $4 = 'UPDATE' AND d.status THEN 'STATUS_CHANGE' ELSE $4 END AS action,
                d.changes, $5 AS actor_type, $6 AS actor_id, $7 AS actor_label,
                $8 AS actor_verified, session_user::text AS db_role,
                coalesce(current_setting('application_name', true), '') AS application_name,
                coalesce(current_setting('gatimitra.request_id', true), '') AS request_id,
                nullif(current_setting('gatimitra.client_ip', true), '')::inet AS client_ip,
                pg_current_xact_id()::text::bigint AS transaction_id
            FROM (%4$s) s
            CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
            CROSS JOIN LATERAL (
                SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY($3)
                        THEN jsonb_build_array(audit.redact(s.o -> k, $9), audit.redact(s.n -> k, $9))
                        ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{{}}') AS changes,
                    coalesce(bool_or(k LIKE '%%status' OR k LIKE '%%stage'), false) AS status
                FROM jsonb_object_keys(r.j) k
                -- updated_at moves on every save; alone it is not a change.
                WHERE k <> 'updated_at'
                    AND ($4 <> 'UPDATE' OR (s.o -> k) IS DISTINCT FROM (s.n -> k))
            ) d
            WHERE $4 <> 'UPDATE' OR d.changes <> '{{}}'
        ) e
        $sql$, log_table, key_column, subject_column, source)
    USING TG_TABLE_SCHEMA, TG_TABLE_NAME, personal, TG_OP, actor_type, actor_id, actor_label,
        verified, pepper;
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
