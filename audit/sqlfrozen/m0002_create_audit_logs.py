"""SQL that audit migration 0002_create_audit_logs ran, frozen as it ran.

The migration reads these names from ``audit.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
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
