from collections.abc import Callable
from dataclasses import dataclass

# SQL of applied migrations, frozen as it ran (sqlfrozen/, docs/migrations.md):
# those migrations read these names from this module, and their files may not change.
from audit.sqlfrozen.m0002_create_audit_logs import (  # noqa: F401
    CREATE_CAPTURE,
    CREATE_PEPPER,
    CREATE_REDACT,
    CREATE_REFUSE_TRUNCATE,
    DROP_CAPTURE,
    DROP_PEPPER,
    DROP_REDACT,
    DROP_REFUSE_TRUNCATE,
)
from audit.sqlfrozen.m0006_capture_per_statement import (  # noqa: F401
    CREATE_CAPTURE_STATEMENT,
    CREATE_REDACT_WITH,
    CREATE_REFUSE_DIRECT_INSERT,
    CREATE_ROW_HASH,
    CREATE_SECRETS_SCHEMA,
    CREATE_TRUSTED_ACTOR_ROLES,
    DROP_CAPTURE_STATEMENT,
    DROP_REDACT_WITH,
    DROP_REFUSE_DIRECT_INSERT,
    DROP_ROW_HASH,
    DROP_SECRETS_SCHEMA,
    DROP_TRUSTED_ACTOR_ROLES,
    MOVE_REDACT_PEPPER,
    RESTORE_REDACT_PEPPER,
)
from audit.sqlfrozen.m0007_seal_audit_chains import (  # noqa: F401
    CREATE_CHAIN_SEALS,
    CREATE_SEAL,
    DROP_CHAIN_SEALS,
    DROP_SEAL,
    START_CHAINS,
)
from audit.sqlfrozen.m0008_refuse_audit_tampering import (  # noqa: F401
    CREATE_GUARD_DDL,
    CREATE_MAINTENANCE,
    DROP_GUARD_DDL,
    DROP_MAINTENANCE,
    GUARD_EXISTING_PARTITIONS,
    INSTALL_EVENT_TRIGGERS,
    REPLACE_REFUSE_TRUNCATE,
    RESTORE_REFUSE_TRUNCATE,
    UNGUARD_EXISTING_PARTITIONS,
)
from audit.sqlfrozen.m0012_cheaper_capture_per_statement import (  # noqa: F401
    CAPTURE_STATEMENT_CHEAPER,
    RESTORE_CAPTURE_STATEMENT,
)
from audit.sqlfrozen.m0015_cheaper_bulk_capture import (  # noqa: F401
    BULK_FROM_ROWS,
    CAPTURE_STATEMENT_BULK,
    CREATE_CAPTURE_BULK_STATEMENT,
    DROP_CAPTURE_BULK_STATEMENT,
    RESTORE_CAPTURE_STATEMENT_CHEAPER,
)
from audit.sqlfrozen.m0016_cheaper_bulk_rows import (  # noqa: F401
    REPLACE_CAPTURE_BULK_STATEMENT,
    RESTORE_CAPTURE_BULK_STATEMENT,
)

"""The audit trail's SQL: one capture function for every tracked table.

``audit.capture()`` is a SECURITY DEFINER trigger function: it runs as the
owner of the audit schema, so application roles need no privilege on the
audit tables and cannot write, change or skip entries themselves. Each
tracked table gets one trigger passing the target log table, the column that
names the row's owner (subject), the personal-data columns, and the key.
"""


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


def row_hash_sql(prefix=""):
    """``audit.row_hash(...)`` over the columns of a log row (``prefix``: an alias and dot)."""
    return "audit.row_hash(%s)" % ", ".join(prefix + column for column in ROW_HASH_COLUMNS)


TRANSITION_NEW = "audit_new_rows"
TRANSITION_OLD = "audit_old_rows"


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


EVENT_TRIGGERS = ("audit_refuse_unaudited_ddl", "audit_refuse_unaudited_drop")


def begin_maintenance(reason):
    """Register the current transaction as audited maintenance (a no-op
    where audit 0008 has not run yet, e.g. while migrating up to it)."""
    return (
        "DO $$ BEGIN IF to_regprocedure('audit.begin_maintenance(text)') IS NOT NULL THEN "
        f"PERFORM audit.begin_maintenance({_literal(reason)}); END IF; END $$"
    )


# Generator versions ------------------------------------------------------------------------
# Each operation of ``audit.operations`` runs the generator version it was
# written with (its ``version`` argument, 1 when a migration names none). SQL
# that must change is a new version added beside the old ones, used by new
# migrations; an old version never changes, since applied migrations run it
# (what each generates is frozen in ``audit/sqlfrozen/operations.json`` and the
# other apps' ``sqlfrozen/operations.json``, docs/migrations.md).


@dataclass(frozen=True)
class CaptureGenerators:
    """One version of the capture triggers' SQL (``TrackChanges`` and kin):
    the per-row trigger (before audit 0006) and the statement-level ones,
    each installed from ``(quoted_table, log_table, subject_column,
    personal_columns, key_column)`` and removed from ``quoted_table``."""

    track_row: Callable[..., str]
    untrack_row: Callable[[str], str]
    track_statements: Callable[..., list[str]]
    untrack_statements: Callable[[str], list[str]]
    begin_maintenance: Callable[[str], str]


CAPTURE_GENERATORS = {
    1: CaptureGenerators(
        track_row=track_table,
        untrack_row=untrack_table,
        track_statements=capture_statements,
        untrack_statements=stop_capture_statements,
        begin_maintenance=begin_maintenance,
    )
}
#: ``{version: (forward, backward)}``, from ``(quoted_table, table_name)``.
REFUSE_TRUNCATE_GENERATORS = {1: (refuse_truncate, allow_truncate)}
#: ``{version: (forward, backward)}``, from ``log_table``.
DIRECT_INSERT_GENERATORS = {1: (refuse_direct_insert, allow_direct_insert)}
