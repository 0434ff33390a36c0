"""What a capture built from the WAL (docs/audit_capture.md, way A) would still
need on the write path, as SQL for ``bulk_writes.py --earlier-capture message``.

The WAL holds every row written, but not who wrote it: not the session's role,
application or client, not the actor and request the application sets per
statement (``audit.context``), not when the transaction started (an entry's
``created_at``) nor its 64-bit id. So the capture triggers stay, write no
entry, and after each audited statement emit that context as a transactional
logical message, which a decoder reads in order with the statement's changes
(it follows them: an AFTER statement trigger). A statement that changed no row
emits one too; a decoder skips a message no change precedes.

Any role may call ``pg_logical_emit_message``, so the message carries an
HMAC-SHA256 of the context under a key only the definer can read
(``audit_secrets``). A message per statement, not per transaction: a "sent
already" flag would live in a setting the application's role can set too,
and so could suppress the real message. The key and its pads are made by this
SQL in the scratch database it runs in; tests/gatimitra/test_benchmark_context_message.py
reads the messages back from the WAL and checks them.
"""

#: The context's fields, in the message's order, separated by U+001F; the
#: HMAC follows U+001E, in hex. Unset settings are empty fields.
FIELDS = (
    "transaction_id",
    "transaction_started_us",  # now(), microseconds since 1970 (UTC)
    "db_role",
    "application_name",
    "actor_type",
    "actor_id",
    "actor_label",
    "request_id",
    "client_ip",
)
PREFIX = "gatimitra.audit"

SQL = """
DO $key$
BEGIN
    IF to_regclass('audit_secrets.context_key') IS NULL THEN
        -- HMAC's inner and outer pads of a random 32-byte key (zero-filled to
        -- SHA-256's 64-byte block), kept so each message needs two hashes.
        CREATE TABLE audit_secrets.context_key AS
        WITH key AS (
            SELECT sha256(convert_to(gen_random_uuid()::text, 'UTF8'))
                || decode(repeat('00', 32), 'hex') AS k
        )
        SELECT decode(string_agg(lpad(to_hex(get_byte(k, i) # 54), 2, '0'), '' ORDER BY i),
                      'hex') AS ipad,
               decode(string_agg(lpad(to_hex(get_byte(k, i) # 92), 2, '0'), '' ORDER BY i),
                      'hex') AS opad
        FROM key, generate_series(0, 63) i
        GROUP BY k;
        EXECUTE format('ALTER TABLE audit_secrets.context_key OWNER TO %I',
            (SELECT proowner::regrole::text FROM pg_proc
             WHERE oid = 'audit.capture_statement'::regproc));
    END IF;
END
$key$;
CREATE OR REPLACE FUNCTION audit.capture_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET jit = off AS $function$
DECLARE
    -- Unset settings as empty fields, so every field keeps its place.
    context text := concat_ws(E'\\x1f',
        pg_current_xact_id(),
        (extract(epoch FROM now()) * 1000000)::bigint,
        session_user,
        coalesce(current_setting('application_name', true), ''),
        coalesce(current_setting('gatimitra.actor_type', true), ''),
        coalesce(current_setting('gatimitra.actor_id', true), ''),
        coalesce(current_setting('gatimitra.actor_label', true), ''),
        coalesce(current_setting('gatimitra.request_id', true), ''),
        coalesce(current_setting('gatimitra.client_ip', true), ''));
    key record;
    ignored text;
BEGIN
    SELECT ipad, opad INTO key FROM audit_secrets.context_key;
    -- An assignment, not PERFORM: plpgsql evaluates it as a simple expression,
    -- where PERFORM would start the executor.
    ignored := pg_logical_emit_message(true, 'gatimitra.audit', context || E'\\x1e'
        || encode(sha256(key.opad || sha256(key.ipad || convert_to(context, 'UTF8'))), 'hex'));
    RETURN NULL;
END
$function$;
"""
