"""Recording each sealing and verification of the audit trail
(``audit.verification_runs``), and reading the last one back for the audit
operations page (``audit.health.trail_health``)."""

import getpass
import socket
import time
from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from audit.choices import FindingKind, VerificationKind
from audit.models import VerificationRun
from audit.models.verification import FINDINGS_KEPT

#: A verification older than this is a warning on the page: verify_audit is
#: meant to run daily (docs/operations.md).
STALE_AFTER = timedelta(days=1)


def _who():
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        # A container user without a passwd entry.
        user = "unknown user"
    return f"{user} on {socket.gethostname()}"[:254]


@contextmanager
def recorded_run(connection, kind, since=None):
    """Time the block, then record what it reported: the block sets
    ``run["report"]`` (an ``audit.verify.Report``) or ``run["sealed"]``
    (``{log: count}``). Nothing is recorded if the block raises: a run that
    did not finish says nothing about the trail."""
    run = {}
    started, clock = timezone.now(), time.monotonic()
    yield run
    run["row"] = record(
        connection,
        kind,
        started_at=started,
        duration_ms=round((time.monotonic() - clock) * 1000),
        since=since,
        report=run.get("report"),
        sealed=run.get("sealed"),
    )


def record(connection, kind, *, started_at, duration_ms, since=None, report=None, sealed=None):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        db_role = cursor.fetchone()[0]
    sealed = dict(report.sealed if report is not None else sealed or {})
    fields = {}
    if kind == VerificationKind.VERIFY:
        fields = {
            "ok": report.ok,
            "findings_count": len(report.findings),
            "finding_kinds": {str(k): n for k, n in sorted(report.kinds.items())},
            "findings": report.findings[:FINDINGS_KEPT],
            "notes": report.notes,
        }
    return VerificationRun.objects.using(connection.alias).create(
        kind=kind,
        started_at=started_at,
        duration_ms=duration_ms,
        run_by=_who(),
        db_role=db_role,
        since=since,
        sealed=sealed,
        sealed_total=sum(sealed.values()),
        **fields,
    )


def _describe(run):
    if run is None:
        return None
    labels = dict(FindingKind.choices)
    return {
        "id": run.pk,
        "finished_at": run.created_at,
        "started_at": run.started_at,
        "duration_ms": run.duration_ms,
        "run_by": run.run_by,
        "db_role": run.db_role,
        "since": run.since,
        "ok": run.ok,
        "findings_count": run.findings_count,
        "finding_kinds": [
            (labels.get(kind, kind), count) for kind, count in run.finding_kinds.items()
        ],
        "findings": run.findings,
        "findings_cut": max(run.findings_count - len(run.findings), 0),
        "sealed_total": run.sealed_total,
        "sealed": sorted(run.sealed.items()),
        "notes": run.notes,
    }


def last_verification(connection, now=None):
    """The last verification and the last sealing of the trail, and what is
    wrong with the former: missing, found something, or too old."""
    runs = VerificationRun.objects.using(connection.alias)
    verified = runs.filter(kind=VerificationKind.VERIFY).order_by("-id").first()
    sealed = runs.filter(kind=VerificationKind.SEAL).order_by("-id").first()
    now = now or timezone.now()
    if verified is None:
        warning = "No verification of the audit chains is recorded: run manage.py verify_audit."
    elif not verified.ok:
        warning = (
            f"The last verification found {verified.findings_count} "
            f"problem{'' if verified.findings_count == 1 else 's'} in the audit trail."
        )
    elif now - verified.created_at > STALE_AFTER:
        finished = timezone.localtime(verified.created_at)
        warning = (
            f"The last verification finished {finished:%Y-%m-%d %H:%M}, more than a day ago: "
            "verify_audit is meant to run daily."
        )
    else:
        warning = None
    return {"last": _describe(verified), "last_sealing": _describe(sealed), "warning": warning}
