"""The audit trail's health as the admin console's operations page shows it
(``AuditConfig.console_audit_health``): the tracked tables whose audit
trigger is missing or disabled (from ``pg_trigger``), and the last
verification of the trail's chains.

``last_verification`` reads the last recorded run of ``manage.py
verify_audit`` (and of the daily sealing) from ``audit.verification_runs``
(audit/verification.py)."""

from django.apps import apps

from audit.sql import CAPTURE_TRIGGERS
from audit.tracked import TRACKED
from audit.verification import last_verification
from gatimitra.db.tables import quote_table

_STATES = {"O": "enabled", "A": "enabled (always)", "R": "replica only", "D": "disabled"}


def trail_health(connection):
    """A tracked table is ok when all its capture triggers (one per event,
    ``audit.sql.CAPTURE_TRIGGERS``) are there and enabled; its state is the
    worst of theirs, naming the triggers that are not."""
    names = [name for name, _transition in CAPTURE_TRIGGERS.values()]
    tables = {}
    for track in TRACKED:
        model = apps.get_model(track.model)
        tables[quote_table(model._meta.db_table)] = track
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.name, array_agg(trig.tgname) FILTER (WHERE trig.tgname IS NOT NULL), "
            "array_agg(trig.tgenabled::text) FILTER (WHERE trig.tgname IS NOT NULL) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS t(name, n) "
            "LEFT JOIN pg_trigger trig ON trig.tgrelid = to_regclass(t.name) "
            "AND trig.tgname = ANY(%s) AND NOT trig.tgisinternal "
            "GROUP BY t.name, t.n ORDER BY t.n",
            [list(tables), names],
        )
        states = cursor.fetchall()
    rows = []
    for (name, track), (_name, found, enabled) in zip(tables.items(), states, strict=True):
        present = dict(zip(found or [], enabled or [], strict=True))
        missing = [trigger for trigger in names if trigger not in present]
        off = [trigger for trigger in names if present.get(trigger) not in (None, "O", "A")]
        if missing:
            state, which = "missing", missing
        elif off:
            state, which = _STATES.get(present[off[0]], "disabled"), off
        else:
            state, which = "enabled", []
        rows.append(
            {
                "table": name.replace('"', ""),
                "model": track.model,
                "log": track.log_table,
                "state": state,
                "triggers": which,
                "ok": not which,
            }
        )
    return {
        "triggers": names,
        "tables": rows,
        "broken": [row for row in rows if not row["ok"]],
        "verification": last_verification(connection),
    }
