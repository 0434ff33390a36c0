"""SQL of audit migration 0012_cheaper_capture_per_statement, frozen as it runs.

The migration reads these names from ``audit.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

from audit.sqlfrozen.m0006_capture_per_statement import CREATE_CAPTURE_STATEMENT

#: The capture of audit 0006 with the same entries and hashes, cheaper
#: (issue 23; benchmarks/README.md, "Audit capture cost"). JIT is off for it:
#: the join of old and new rows by a jsonb key is estimated far too large, so
#: any UPDATE of a few hundred rows (and an INSERT from ~16k) passed
#: jit_above_cost and spent 1.4-1.8 s compiling, more than the work itself.
#: Same function, so its triggers, the event triggers' checks and the
#: SECURITY DEFINER owner stay as they are.
CAPTURE_STATEMENT_CHEAPER = """
CREATE OR REPLACE FUNCTION audit.capture_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET jit = off AS $function$
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
    -- Each row becomes jsonb once, in a subquery kept apart by OFFSET 0: flattened,
    -- to_jsonb(row) ran again at every reference, several times per column.
    -- INSERT and DELETE take each column as jsonb_each yields it (no lookups, no
    -- comparison); UPDATE first drops, by one comparison of the whole row, the rows
    -- where nothing but updated_at moved (updated_at moves on every save; alone it
    -- is not a change), then compares column by column.
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(NULL::jsonb,
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END)), '{}') AS changes
                    FROM jsonb_each(s.n) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(NULL::jsonb,
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END)), '{}') AS changes
                    FROM jsonb_each(s.n) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(NULL::jsonb,
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END)), '{}') AS changes
                    FROM jsonb_each(s.n) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(NULL::jsonb,
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END)), '{}') AS changes
                    FROM jsonb_each(s.n) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(NULL::jsonb,
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END)), '{}') AS changes
                    FROM jsonb_each(s.n) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'INSERT'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM audit_new_rows n OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(NULL::jsonb,
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END)), '{}') AS changes
                    FROM jsonb_each(s.n) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (
                    SELECT o.j AS o, n.j AS n
                    FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o OFFSET 0) o
                    FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n OFFSET 0) n
                        ON (o.j -> key_column) = (n.j -> key_column)
                    WHERE (o.j - 'updated_at') IS DISTINCT FROM (n.j - 'updated_at')
                ) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(coalesce(s.n, s.o)) k
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (
                    SELECT o.j AS o, n.j AS n
                    FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o OFFSET 0) o
                    FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n OFFSET 0) n
                        ON (o.j -> key_column) = (n.j -> key_column)
                    WHERE (o.j - 'updated_at') IS DISTINCT FROM (n.j - 'updated_at')
                ) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(coalesce(s.n, s.o)) k
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (
                    SELECT o.j AS o, n.j AS n
                    FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o OFFSET 0) o
                    FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n OFFSET 0) n
                        ON (o.j -> key_column) = (n.j -> key_column)
                    WHERE (o.j - 'updated_at') IS DISTINCT FROM (n.j - 'updated_at')
                ) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(coalesce(s.n, s.o)) k
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (
                    SELECT o.j AS o, n.j AS n
                    FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o OFFSET 0) o
                    FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n OFFSET 0) n
                        ON (o.j -> key_column) = (n.j -> key_column)
                    WHERE (o.j - 'updated_at') IS DISTINCT FROM (n.j - 'updated_at')
                ) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(coalesce(s.n, s.o)) k
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (
                    SELECT o.j AS o, n.j AS n
                    FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o OFFSET 0) o
                    FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n OFFSET 0) n
                        ON (o.j -> key_column) = (n.j -> key_column)
                    WHERE (o.j - 'updated_at') IS DISTINCT FROM (n.j - 'updated_at')
                ) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(coalesce(s.n, s.o)) k
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    CASE WHEN d.status THEN 'STATUS_CHANGE' ELSE 'UPDATE' END::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (
                    SELECT o.j AS o, n.j AS n
                    FROM (SELECT to_jsonb(o) AS j FROM audit_old_rows o OFFSET 0) o
                    FULL JOIN (SELECT to_jsonb(n) AS j FROM audit_new_rows n OFFSET 0) n
                        ON (o.j -> key_column) = (n.j -> key_column)
                    WHERE (o.j - 'updated_at') IS DISTINCT FROM (n.j - 'updated_at')
                ) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(k, CASE WHEN k = ANY(personal)
                            THEN jsonb_build_array(audit.redact(s.o -> k, pepper),
                                                   audit.redact(s.n -> k, pepper))
                            ELSE jsonb_build_array(s.o -> k, s.n -> k) END), '{}') AS changes,
                        coalesce(bool_or(k LIKE '%status' OR k LIKE '%stage'), false) AS status
                    FROM jsonb_object_keys(coalesce(s.n, s.o)) k
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END, NULL::jsonb)), '{}') AS changes
                    FROM jsonb_each(s.o) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END, NULL::jsonb)), '{}') AS changes
                    FROM jsonb_each(s.o) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END, NULL::jsonb)), '{}') AS changes
                    FROM jsonb_each(s.o) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END, NULL::jsonb)), '{}') AS changes
                    FROM jsonb_each(s.o) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END, NULL::jsonb)), '{}') AS changes
                    FROM jsonb_each(s.o) f
                    WHERE f.key <> 'updated_at'
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
                    coalesce(s.n, s.o) ->> key_column AS row_pk,
                    (coalesce(s.n, s.o) ->> subject_column)::bigint AS subject_id,
                    'DELETE'::text AS action,
                    d.changes, actor_type AS actor_type, actor_id AS actor_id,
                    actor_label AS actor_label, verified AS actor_verified,
                    session_user::text AS db_role, application AS application_name,
                    request_id AS request_id, client_ip AS client_ip,
                    transaction_id AS transaction_id
                FROM (SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM audit_old_rows o OFFSET 0) s
                CROSS JOIN LATERAL (
                    SELECT coalesce(jsonb_object_agg(f.key, jsonb_build_array(
                            CASE WHEN f.key = ANY(personal) THEN audit.redact(f.value, pepper)
                            ELSE f.value END, NULL::jsonb)), '{}') AS changes
                    FROM jsonb_each(s.o) f
                    WHERE f.key <> 'updated_at'
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

#: Back to the capture of audit 0006, as it ran.
RESTORE_CAPTURE_STATEMENT = CREATE_CAPTURE_STATEMENT.replace(
    "CREATE FUNCTION audit.capture_statement()",
    "CREATE OR REPLACE FUNCTION audit.capture_statement()",
    1,
)
