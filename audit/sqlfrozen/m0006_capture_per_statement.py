"""SQL that audit migration 0006_capture_per_statement ran, frozen as it ran.

The migration reads these names from ``audit.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

CREATE_SECRETS_SCHEMA = """
CREATE SCHEMA audit_secrets;
COMMENT ON SCHEMA audit_secrets IS
    'Secrets of the audit trail (the pepper): readable by the audit owner alone, never in an audit backup.';
REVOKE ALL ON SCHEMA audit_secrets FROM PUBLIC;
ALTER TABLE audit.hash_pepper SET SCHEMA audit_secrets;
REVOKE ALL ON audit_secrets.hash_pepper FROM PUBLIC;
"""

DROP_SECRETS_SCHEMA = """
ALTER TABLE audit_secrets.hash_pepper SET SCHEMA audit;
DROP SCHEMA audit_secrets;
"""

#: The per-row functions read the pepper from its new place (the old
#: capture stays usable for comparisons).
MOVE_REDACT_PEPPER = """
CREATE OR REPLACE FUNCTION audit.redact(value jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    plain text;
    pepper text;
BEGIN
    IF value IS NULL OR value = 'null'::jsonb THEN
        RETURN value;
    END IF;
    plain := value #>> '{}';
    SELECT p.value INTO pepper FROM audit_secrets.hash_pepper p;
    RETURN jsonb_build_object(
        'masked', repeat('*', greatest(length(plain) - 4, 0)) || right(plain, 4),
        'sha256', encode(sha256(convert_to(coalesce(pepper, '') || plain, 'UTF8')), 'hex')
    );
END
$$;
REVOKE ALL ON FUNCTION audit.redact(jsonb) FROM PUBLIC;
"""

RESTORE_REDACT_PEPPER = """
CREATE OR REPLACE FUNCTION audit.redact(value jsonb) RETURNS jsonb
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

#: Roles whose ``gatimitra.actor_*`` settings are believed. Anyone else's
#: entries record the claimed actor with ``actor_verified = false``. Seeded
#: with the application role and, on a development server, the role that
#: ran migrate; ``sync_db_roles`` and DBAs maintain it (docs/operations.md).
CREATE_TRUSTED_ACTOR_ROLES = r"""
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
    WHERE session_user::text NOT LIKE 'gm\_%'
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

DROP_ROW_HASH = "DROP FUNCTION audit.row_hash(timestamptz, text, text, text, bigint, text, jsonb, text, bigint, text, boolean, text, text, text, inet, bigint)"

#: One statement's entries, set-based. The diff, redaction, STATUS_CHANGE
#: and skipping of no-op updates are the per-row capture's, column for
#: column; the statements are static (one per log and event, generated
#: here) so that their plans are cached, not made again for every write.
CREATE_CAPTURE_STATEMENT = """
CREATE FUNCTION audit.capture_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $function$
DECLARE
    log_table text := TG_ARGV[0];
    subject_column text := nullif(TG_ARGV[1], '');
    personal text[] := coalesce(string_to_array(nullif(TG_ARGV[2], ''), ','), '{}');
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
    IF personal <> '{}' THEN
        SELECT p.value INTO pepper FROM audit_secrets.hash_pepper p;
    END IF;
    -- The actor is believed only from the application's own login roles.
    verified := (actor_type IS NULL AND actor_id IS NULL AND actor_label = '')
        OR EXISTS (SELECT 1 FROM audit.trusted_actor_roles t WHERE t.role_name = session_user);
    IF TG_OP = 'INSERT' THEN
        IF log_table = 'system_audit_logs' THEN

            INSERT INTO audit.system_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'merchant_audit_logs' THEN

            INSERT INTO audit.merchant_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'customer_audit_log' THEN

            INSERT INTO audit.customer_audit_log (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'rider_audit_logs' THEN

            INSERT INTO audit.rider_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'order_audit_logs' THEN

            INSERT INTO audit.order_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'access_audit_logs' THEN

            INSERT INTO audit.access_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSE RAISE EXCEPTION 'audit: % is not a change log', log_table;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF log_table = 'system_audit_logs' THEN

            INSERT INTO audit.system_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT o.j AS o, n.j AS n FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o) o FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n) n ON (o.j -> key_column) = (n.j -> key_column)) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at' AND (s.o -> k) IS DISTINCT FROM (s.n -> k)
                ) d
                WHERE d.changes <> '{}'
            ) e;
        ELSIF log_table = 'merchant_audit_logs' THEN

            INSERT INTO audit.merchant_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT o.j AS o, n.j AS n FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o) o FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n) n ON (o.j -> key_column) = (n.j -> key_column)) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at' AND (s.o -> k) IS DISTINCT FROM (s.n -> k)
                ) d
                WHERE d.changes <> '{}'
            ) e;
        ELSIF log_table = 'customer_audit_log' THEN

            INSERT INTO audit.customer_audit_log (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT o.j AS o, n.j AS n FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o) o FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n) n ON (o.j -> key_column) = (n.j -> key_column)) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at' AND (s.o -> k) IS DISTINCT FROM (s.n -> k)
                ) d
                WHERE d.changes <> '{}'
            ) e;
        ELSIF log_table = 'rider_audit_logs' THEN

            INSERT INTO audit.rider_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT o.j AS o, n.j AS n FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o) o FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n) n ON (o.j -> key_column) = (n.j -> key_column)) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at' AND (s.o -> k) IS DISTINCT FROM (s.n -> k)
                ) d
                WHERE d.changes <> '{}'
            ) e;
        ELSIF log_table = 'order_audit_logs' THEN

            INSERT INTO audit.order_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT o.j AS o, n.j AS n FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o) o FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n) n ON (o.j -> key_column) = (n.j -> key_column)) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at' AND (s.o -> k) IS DISTINCT FROM (s.n -> k)
                ) d
                WHERE d.changes <> '{}'
            ) e;
        ELSIF log_table = 'access_audit_logs' THEN

            INSERT INTO audit.access_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT o.j AS o, n.j AS n FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o) o FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n) n ON (o.j -> key_column) = (n.j -> key_column)) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at' AND (s.o -> k) IS DISTINCT FROM (s.n -> k)
                ) d
                WHERE d.changes <> '{}'
            ) e;
        ELSE RAISE EXCEPTION 'audit: % is not a change log', log_table;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF log_table = 'system_audit_logs' THEN

            INSERT INTO audit.system_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'merchant_audit_logs' THEN

            INSERT INTO audit.merchant_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'customer_audit_log' THEN

            INSERT INTO audit.customer_audit_log (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'rider_audit_logs' THEN

            INSERT INTO audit.rider_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'order_audit_logs' THEN

            INSERT INTO audit.order_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSIF log_table = 'access_audit_logs' THEN

            INSERT INTO audit.access_audit_logs (created_at, updated_at, table_schema, table_name,
                row_pk, subject_id, action, changes, actor_type, actor_id, actor_label,
                actor_verified, db_role, application_name, request_id, client_ip,
                transaction_id, row_hash)
            SELECT e.*, audit.row_hash(e.created_at, e.table_schema, e.table_name, e.row_pk, e.subject_id, e.action, e.changes, e.actor_type, e.actor_id, e.actor_label, e.actor_verified, e.db_role, e.application_name, e.request_id, e.client_ip, e.transaction_id)
            FROM (
                SELECT now() AS created_at, now() AS updated_at,
                    TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name,
                    r.j ->> key_column AS row_pk, (r.j ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o) s
                CROSS JOIN LATERAL (SELECT coalesce(s.n, s.o) AS j) r
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(r.j) k
                    -- updated_at moves on every save; alone it is not a change.
                    WHERE k <> 'updated_at'
                ) d
            ) e;
        ELSE RAISE EXCEPTION 'audit: % is not a change log', log_table;
        END IF;
    END IF;
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
