"""SQL of audit migration 0014_cheaper_audit_log_writes, frozen as it runs.

Every audit entry is a row written into one of the six change logs by
``audit.capture_statement()``, and a single-row write of an audited table is
one capture statement; part of its cost is the log itself (issue 23,
benchmarks/README.md, "Audit 0014: cheaper log writes"):

- PostgreSQL reads (``stringToNode``) and plans every CHECK of the table an
  INSERT writes, at each statement. The ``action`` and ``actor_type``
  CHECKs, as Django wrote them (``col IN (...)``, kept as an ``ARRAY[...]``
  of one cast per value), are rewritten as one array constant,
  ``col::text = ANY ('{...}'::text[])``: the same values allowed, the same
  names, so the same refusals (SQLSTATE 23514, ``<log>_action_check``);
  ``EnumField(check_form="text_array")`` writes this form from now on.
- Each entry is an insert into each of the log's five indexes. The actor
  index ``(actor_id, id DESC)`` only of entries with an actor: bulk jobs,
  seeds, migrations and the system write without one, and nothing looks
  entries up by a missing actor (the admin's search ``actor_id = X``
  implies ``actor_id IS NOT NULL``, so it still reads the index).
  PostgreSQL builds it on every partition, and on those ``manage.py
  partitions`` adds or attaches later. Built with a plain CREATE INDEX (a
  partitioned table has no CONCURRENTLY): it holds writes of that log, so
  every audited write, for the build; on a large log, run it in a quiet hour.

Frozen: applied migrations never change meaning; the literal lists are the
enums' values at the time of this migration (a later change of an enum is
an AlterField of its own, which writes the same form).
"""

#: (log table, the prefix of its index names).
LOGS = [
    ("system_audit_logs", "audit_sys"),
    ("merchant_audit_logs", "audit_mer"),
    ("customer_audit_log", "audit_cus"),
    ("rider_audit_logs", "audit_rid"),
    ("order_audit_logs", "audit_ord"),
    ("access_audit_logs", "audit_acc"),
]
ACTIONS = [
    "INSERT",
    "UPDATE",
    "DELETE",
    "STATUS_CHANGE",
    "OVERRIDE",
    "APPROVE",
    "LOGIN_AS",
    "VIEW_PII",
    "EXPORT",
]
ACTOR_TYPES = [
    "CUSTOMER",
    "RIDER",
    "MERCHANT_USER",
    "SYSTEM_USER",
    "API_CLIENT",
    "EXTERNAL_PROVIDER",
    "SYSTEM",
]
CHECKED = {"action": ACTIONS, "actor_type": ACTOR_TYPES}


def check_sql(column, values, form):
    """The CHECK of one column in ``form``: ``"in"`` (audit 0002's, as Django
    wrote it) or ``"text_array"`` (this migration's)."""
    if form == "in":
        return "%s IN (%s)" % (column, ", ".join(f"'{v}'" for v in values))
    return "%s::text = ANY ('{%s}'::text[])" % (column, ",".join(values))


def replace_checks(table, form):
    """The log's two CHECKs replaced by ``form``, same names, in one ALTER
    TABLE (one validating scan). PostgreSQL drops and adds them on every
    partition too: those created ``PARTITION OF`` the log and those
    ``manage.py partitions`` built standalone and attached (ATTACH makes
    their copies the log's)."""
    drops = [f"DROP CONSTRAINT {table}_{column}_check" for column in CHECKED]
    adds = [
        f"ADD CONSTRAINT {table}_{column}_check CHECK ({check_sql(column, values, form)})"
        for column, values in CHECKED.items()
    ]
    return f"ALTER TABLE audit.{table} " + ", ".join(drops + adds)


#: audit 0014 forward: the logs' CHECKs as array constants.
CHEAPER_CHECKS = [replace_checks(table, "text_array") for table, _prefix in LOGS]
#: audit 0014 backward: audit 0002's CHECKs.
EARLIER_CHECKS = [replace_checks(table, "in") for table, _prefix in LOGS]


def actor_index(table, prefix, partial):
    """The log's actor index, of the entries with an actor only when ``partial``."""
    where = " WHERE actor_id IS NOT NULL" if partial else ""
    return (
        f"DROP INDEX audit.{prefix}_actor_idx;\n"
        f"CREATE INDEX {prefix}_actor_idx ON audit.{table} (actor_id, id DESC){where};"
    )


#: audit 0014 forward: the actor indexes partial.
PARTIAL_ACTOR_INDEXES = [actor_index(table, prefix, True) for table, prefix in LOGS]
#: audit 0014 backward: audit 0002's actor indexes.
FULL_ACTOR_INDEXES = [actor_index(table, prefix, False) for table, prefix in LOGS]
