"""SQL of audit 0013: the guard against dropping audit triggers finds the
dropped trigger's table by name in the catalog.

audit 0008's ``audit.refuse_unaudited_drop()`` looked the table up with
``to_regclass``, which needs USAGE on the table's schema. The function runs as
its owner (SECURITY DEFINER), and once ``sync_db_roles`` has given the audit
functions to the audit owner, that role holds no USAGE on the domain schemas:
every DROP TRIGGER on a domain table outside maintenance then failed with
"permission denied for schema ..." instead of being let through (a table the
audit does not track) or refused by name (one it does). Frozen: applied
migrations never change meaning."""

#: audit 0013 forward: the same checks and message, the table read from pg_class.
REFUSE_UNAUDITED_DROP_BY_CATALOG = [
    r"""CREATE OR REPLACE FUNCTION audit.refuse_unaudited_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    dropped record;
    relid oid;
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
        -- at sql_drop when only the trigger goes. Found by name in the
        -- catalog: to_regclass would need USAGE on the table's schema, which
        -- this function's owner (the audit owner) does not hold.
        SELECT c.oid INTO relid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = dropped.address_names[1] AND c.relname = dropped.address_names[2];
        CONTINUE WHEN relid IS NULL;
        relid := coalesce(pg_partition_root(relid), relid);
        CONTINUE WHEN NOT (
            (SELECT n.nspname = 'audit' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = relid)
            OR EXISTS (SELECT 1 FROM pg_trigger t
                       WHERE t.tgrelid = relid
                         AND t.tgfoid IN ('audit.capture_statement()'::regprocedure,
                                          'audit.capture()'::regprocedure))
        );
        RAISE EXCEPTION 'trigger % may not be dropped outside audited maintenance', dropped.object_identity
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'SELECT audit.begin_maintenance(''why'') in the same transaction first.';
    END LOOP;
END
$$;
""",
]

#: audit 0013 backward: audit 0008's body, as it was.
REFUSE_UNAUDITED_DROP_BY_REGCLASS = [
    r"""CREATE OR REPLACE FUNCTION audit.refuse_unaudited_drop() RETURNS event_trigger
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
""",
]
