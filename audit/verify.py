"""Checking the audit trail: its hash chains, its triggers, its refusals.

``manage.py verify_audit`` prints what :func:`verify` finds; ``partitions``
seals the chains on its daily run (:func:`seal_all`). Everything is
recomputed by the database from the stored columns (``audit.row_hash``),
so the check and the capture share one definition (audit/sql.py).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps

from audit import sql
from audit.choices import FindingKind as Kind
from audit.tracked import TRACKED
from gatimitra.db.tables import quote_table
from gatimitra.ops.catalog import triggers_on


@dataclass
class Report:
    findings: list = field(default_factory=list)  # each a sentence: something is wrong
    notes: list = field(default_factory=list)  # facts (backlog, anchors)
    kinds: Counter = field(default_factory=Counter)  # {FindingKind: how many}
    sealed: dict = field(default_factory=dict)  # {log: entries sealed by this run}

    @property
    def ok(self):
        return not self.findings

    def find(self, kind, sentence):
        self.findings.append(sentence)
        self.kinds[kind] += 1


def seal_all(connection, wait="5 seconds"):
    """Seal every change log up to its horizon; ``{log: entries sealed}``."""
    sealed = {}
    with connection.cursor() as cursor:
        for log in sql.CHANGE_LOGS:
            cursor.execute("SELECT audit.seal(%s, 50000, %s::interval)", [log, wait])
            sealed[log] = cursor.fetchone()[0]
    return sealed


def seal_after_partition_upkeep(connection):
    """The daily ``manage.py partitions`` run seals every change log too
    (``AuditConfig.after_partition_upkeep``), recorded as a ``SEAL`` run;
    returns what to report."""
    from audit.choices import VerificationKind
    from audit.verification import recorded_run

    with recorded_run(connection, VerificationKind.SEAL) as run:
        run["sealed"] = seal_all(connection)
    return f"Sealed {sum(run['sealed'].values())} audit entries."


def _check_chain(cursor, log, since, report):
    cursor.execute(
        f"""
        SELECT s.id, s.first_id, s.last_id, s.row_count, s.batch_hash IS NULL,
            s.prev_hash IS NOT DISTINCT FROM lag(s.seal_hash) OVER w,
            s.first_id = coalesce(lag(s.last_id) OVER w + 1, s.first_id),
            s.seal_hash = {sql.seal_hash_sql("s")}
        FROM audit.chain_seals s WHERE s.log_table = %s
        WINDOW w AS (ORDER BY s.last_id)
        ORDER BY s.last_id
        """,
        [log],
    )
    seals = cursor.fetchall()
    if not seals:
        report.find(Kind.NO_CHAIN, f"audit.{log}: no hash chain (audit.chain_seals has no seal)")
        return None
    genesis = seals[0]
    for seal_id, first, last, _count, _empty, linked, contiguous, intact in seals:
        if not (linked and contiguous and intact):
            report.find(
                Kind.CHAIN_EDITED,
                f"audit.{log}: seal {seal_id} (entries {first}-{last}) does not chain to the "
                "previous seal: the chain was edited",
            )
    start = genesis[2]
    if since is not None:
        cursor.execute(
            f"SELECT min(id) FROM audit.{log} WHERE created_at >= %s AND id > %s", [since, start]
        )
        start = max(start, (cursor.fetchone()[0] or start + 1) - 1)
    # Each seal's batch recomputed from the entries now in its range.
    cursor.execute(
        f"""
        SELECT s.id, s.first_id, s.last_id, s.row_count, count(l.id),
            s.batch_hash = {sql.batch_hash_sql("l.")}
        FROM audit.chain_seals s
        LEFT JOIN audit.{log} l ON l.id BETWEEN s.first_id AND s.last_id
        WHERE s.log_table = %s AND s.id <> %s AND s.last_id > %s
        GROUP BY s.id ORDER BY s.last_id
        """,
        [log, genesis[0], start],
    )
    for seal_id, first, last, count, present, same in cursor.fetchall():
        if present < count:
            report.find(
                Kind.DELETED,
                f"audit.{log}: {count - present} entr{'y' if count - present == 1 else 'ies'} "
                f"of seal {seal_id} (ids {first}-{last}) deleted",
            )
        elif present > count:
            report.find(
                Kind.INSERTED,
                f"audit.{log}: {present - count} entr{'y' if present - count == 1 else 'ies'} "
                f"inserted into sealed range {first}-{last} (seal {seal_id})",
            )
        elif not same:
            report.find(
                Kind.EDITED,
                f"audit.{log}: entries {first}-{last} (seal {seal_id}) edited or reordered",
            )
    # Entries whose content no longer matches their hash, or that the
    # capture did not write (no hash).
    cursor.execute(
        f"""
        SELECT id, row_hash IS NULL FROM audit.{log}
        WHERE id > %s AND row_hash IS DISTINCT FROM {sql.row_hash_sql()}
        ORDER BY id LIMIT 20
        """,
        [start],
    )
    for entry_id, unhashed in cursor.fetchall():
        report.find(
            Kind.UNHASHED if unhashed else Kind.EDITED,
            f"audit.{log}: entry {entry_id} "
            + ("has no hash: not written by the capture" if unhashed else "was edited"),
        )
    last_seal = seals[-1]
    cursor.execute(f"SELECT count(*) FROM audit.{log} WHERE id > %s", [last_seal[2]])
    backlog = cursor.fetchone()[0]
    cursor.execute(
        "SELECT encode(seal_hash, 'hex') FROM audit.chain_seals WHERE id = %s", [last_seal[0]]
    )
    anchor = cursor.fetchone()[0]
    report.notes.append(
        f"audit.{log}: chain up to entry {last_seal[2]}, head {anchor[:16]}; "
        f"{backlog} entr{'y' if backlog == 1 else 'ies'} not sealed yet"
    )
    return anchor


def _check_triggers(cursor, report):
    for track in TRACKED:
        model = apps.get_model(track.model)
        table = quote_table(model._meta.db_table)
        present = triggers_on(cursor, table)
        for name, _ in sql.CAPTURE_TRIGGERS.values():
            state = present.get(name)
            if state is None:
                report.find(Kind.TRIGGER_MISSING, f"{table}: audit trigger {name} is missing")
            elif state not in ("O", "A"):
                report.find(
                    Kind.TRIGGER_DISABLED, f"{table}: audit trigger {name} is disabled ({state})"
                )
    for log in (*sql.CHANGE_LOGS, "pii_access_logs"):
        table = f"audit.{log}"
        wanted = [f"{log}_append_only", f"{log}_no_truncate"]
        if log in sql.CHANGE_LOGS:
            wanted.append(f"{log}_{sql.INSERT_GUARD_TRIGGER}")
        present = triggers_on(cursor, table)
        for name in wanted:
            state = present.get(name)
            if state is None:
                report.find(Kind.TRIGGER_MISSING, f"{table}: guard trigger {name} is missing")
            elif state not in ("O", "A"):
                report.find(
                    Kind.TRIGGER_DISABLED, f"{table}: guard trigger {name} is disabled ({state})"
                )
        cursor.execute(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass AND c.relkind = 'r' AND NOT EXISTS (
                SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgtype & 1 = 0
                  AND t.tgfoid = 'audit.refuse_truncate()'::regprocedure
                  AND t.tgenabled IN ('O', 'A'))
            """,
            [table],
        )
        for (partition,) in cursor.fetchall():
            report.find(
                Kind.TRIGGER_MISSING, f"audit.{partition}: partition without its TRUNCATE guard"
            )
    cursor.execute(
        "SELECT evtname, evtenabled FROM pg_event_trigger WHERE evtname = ANY(%s)",
        [list(sql.EVENT_TRIGGERS)],
    )
    events = dict(cursor.fetchall())
    for name in sql.EVENT_TRIGGERS:
        if events.get(name) is None:
            report.find(
                Kind.TRIGGER_MISSING,
                f"event trigger {name} is missing: a superuser must run "
                "SELECT audit.install_event_triggers();",
            )
        elif events[name] not in ("O", "A"):
            report.find(Kind.TRIGGER_DISABLED, f"event trigger {name} is disabled")


def verify(connection, since=None, seal=True):
    report = Report()
    if seal:
        report.sealed = seal_all(connection)
        for log, count in report.sealed.items():
            if count:
                report.notes.append(f"audit.{log}: sealed {count} entries")
    with connection.cursor() as cursor:
        for log in sql.CHANGE_LOGS:
            _check_chain(cursor, log, since, report)
        _check_triggers(cursor, report)
    return report
