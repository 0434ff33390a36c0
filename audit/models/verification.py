"""The runs that sealed and verified the audit trail's hash chains, their
findings and what they sealed: the audit operations page shows the last one."""

from django.db import models

from audit.choices import VerificationKind
from gatimitra.db.fields import EnumField
from gatimitra.db.models import AppendOnlyModel
from gatimitra.db.tables import schema_table

#: A run keeps at most this many finding sentences (their kinds are all
#: counted): a wholesale tampering would otherwise make one row megabytes.
FINDINGS_KEPT = 200


class VerificationRun(AppendOnlyModel):
    """One ``manage.py verify_audit`` (``VERIFY``: seal, then walk the chains
    and the triggers) or one sealing by the daily ``manage.py partitions``
    (``SEAL``: no check, so no result). ``created_at`` is when it finished.
    Its rows are captured into ``audit.system_audit_logs`` like the console's
    own events (audit/tracked.py)."""

    kind = EnumField(VerificationKind)
    started_at = models.DateTimeField()
    duration_ms = models.IntegerField()
    run_by = models.CharField(
        max_length=254, help_text="The operating-system user and host that ran it."
    )
    db_role = models.CharField(max_length=63, help_text="The database role it ran as.")
    since = models.DateTimeField(
        null=True, blank=True, help_text="Entries checked from (--since); empty: all of them."
    )
    ok = models.BooleanField(
        null=True, blank=True, help_text="Nothing found wrong; empty for a sealing (no check)."
    )
    findings_count = models.IntegerField(default=0)
    finding_kinds = models.JSONField(
        default=dict, blank=True, help_text="{kind (FindingKind): how many}."
    )
    findings = models.JSONField(
        default=list, blank=True, help_text=f"The first {FINDINGS_KEPT} findings, as reported."
    )
    sealed = models.JSONField(default=dict, blank=True, help_text="{log: entries sealed}.")
    sealed_total = models.BigIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True, help_text="Chain heads and backlogs.")

    class Meta:
        db_table = schema_table("audit", "verification_runs")
        ordering = ["-id"]
        indexes = [models.Index(fields=["kind", "-id"], name="audit_ver_kind_idx")]
        constraints = [
            # A sealing checks nothing; a verification is ok exactly when it
            # found nothing.
            models.CheckConstraint(
                condition=models.Q(kind=VerificationKind.SEAL, ok__isnull=True, findings_count=0)
                | models.Q(kind=VerificationKind.VERIFY, ok=True, findings_count=0)
                | models.Q(kind=VerificationKind.VERIFY, ok=False, findings_count__gt=0),
                name="verification_runs_ok_is_no_findings",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_ms__gte=0, sealed_total__gte=0),
                name="verification_runs_counts_not_negative",
            ),
        ]

    def __str__(self):
        result = {True: "ok", False: f"{self.findings_count} findings", None: "sealed"}[self.ok]
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}: {result}"
