"""SQL that audit migration 0008_refuse_audit_tampering ran, frozen as it ran.

The migration reads these names from ``audit.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

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

RESTORE_REFUSE_TRUNCATE = """
CREATE OR REPLACE FUNCTION audit.refuse_truncate() RETURNS trigger
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

UNGUARD_EXISTING_PARTITIONS = r"""
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT tg.tgname, tg.tgrelid::regclass AS rel FROM pg_trigger tg
        JOIN pg_inherits i ON i.inhrelid = tg.tgrelid
        JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = 'audit' AND tg.tgname LIKE '%\_no\_truncate'
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
    END LOOP;
END
$$
"""

#: Every registration of a maintenance transaction; itself audited (its
#: capture writes to system_audit_logs) and append-only.
CREATE_MAINTENANCE = """
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
CREATE TRIGGER audit_changes_insert AFTER INSERT ON audit.maintenance_log REFERENCING NEW TABLE AS audit_new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit.capture_statement('system_audit_logs', '', '', 'id');

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

CREATE_GUARD_DDL = r"""
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
        CONTINUE WHEN NOT (
    (SELECT n.nspname = 'audit' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = coalesce(pg_partition_root(command.objid), command.objid))
    OR EXISTS (SELECT 1 FROM pg_trigger t
               WHERE t.tgrelid = coalesce(pg_partition_root(command.objid), command.objid)
                 AND t.tgfoid IN ('audit.capture_statement()'::regprocedure,
                                  'audit.capture()'::regprocedure))
);
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
        IF current_query() ~* '\mDETACH\s+PARTITION\M' THEN
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
        -- address_names: {schema, table, trigger}; the table still exists
        -- at sql_drop when only the trigger goes.
        CONTINUE WHEN to_regclass(format('%I.%I', dropped.address_names[1], dropped.address_names[2])) IS NULL;
        CONTINUE WHEN NOT (
    (SELECT n.nspname = 'audit' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = coalesce(pg_partition_root(to_regclass(format('%I.%I', dropped.address_names[1], dropped.address_names[2]))), to_regclass(format('%I.%I', dropped.address_names[1], dropped.address_names[2]))))
    OR EXISTS (SELECT 1 FROM pg_trigger t
               WHERE t.tgrelid = coalesce(pg_partition_root(to_regclass(format('%I.%I', dropped.address_names[1], dropped.address_names[2]))), to_regclass(format('%I.%I', dropped.address_names[1], dropped.address_names[2])))
                 AND t.tgfoid IN ('audit.capture_statement()'::regprocedure,
                                  'audit.capture()'::regprocedure))
);
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
