"""SQL that audit migration 0007_seal_audit_chains ran, frozen as it ran.

The migration reads these names from ``audit.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

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

#: Existing entries keep no hash: each chain starts after the last entry
#: present when the chain was installed (a genesis seal, batch_hash NULL).
START_CHAINS = """
INSERT INTO audit.chain_seals (log_table, first_id, last_id, row_count, sealed_at, seal_hash)
SELECT log, 1, last, 0, NULL, sha256(convert_to(concat_ws(':', log, 1, last, 0, encode(NULL, 'hex'), encode(NULL, 'hex')), 'UTF8'))
FROM (VALUES ('system_audit_logs', (SELECT coalesce(max(id), 0) FROM audit.system_audit_logs)), ('merchant_audit_logs', (SELECT coalesce(max(id), 0) FROM audit.merchant_audit_logs)), ('customer_audit_log', (SELECT coalesce(max(id), 0) FROM audit.customer_audit_log)), ('rider_audit_logs', (SELECT coalesce(max(id), 0) FROM audit.rider_audit_logs)), ('order_audit_logs', (SELECT coalesce(max(id), 0) FROM audit.order_audit_logs)), ('access_audit_logs', (SELECT coalesce(max(id), 0) FROM audit.access_audit_logs)))
    AS logs (log, last);
"""

CREATE_SEAL = """
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
    IF NOT log = ANY(ARRAY['system_audit_logs', 'merchant_audit_logs', 'customer_audit_log', 'rider_audit_logs', 'order_audit_logs', 'access_audit_logs']::text[]) THEN
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
            SELECT count(*) AS n, max(id) AS last, sha256(convert_to(coalesce(string_agg(id::text || '=' || coalesce(encode(row_hash, 'hex'), ''), ',' ORDER BY id), ''), 'UTF8')) AS hash
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
                sha256(convert_to(concat_ws(':', log, previous.last_id + 1, batch.last, batch.n, encode(batch.hash, 'hex'), encode(previous.seal_hash, 'hex')), 'UTF8')));
        sealed := sealed + batch.n;
    END LOOP;
    RETURN sealed;
END
$function$;
REVOKE ALL ON FUNCTION audit.seal(text, integer, interval) FROM PUBLIC;
"""

DROP_SEAL = "DROP FUNCTION audit.seal(text, integer, interval)"
