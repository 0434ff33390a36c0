from django.conf import settings
from django.db import models
from django.utils import timezone

from gatimitra.db.deploy import HISTORY_TABLE


class MigrationHistory(models.Model):
    """One applied, unapplied, faked or accepted migration, as ``migrate``
    recorded it. The table is created by ``migrate`` itself (like
    ``django_migrations``), not by a migration: hence ``managed = False``."""

    app = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    direction = models.CharField(max_length=8)
    success = models.BooleanField()
    file_checksum = models.CharField(max_length=64, null=True)
    sql_checksum = models.CharField(max_length=64, null=True)
    statements = models.IntegerField()
    duration_ms = models.IntegerField()
    db_user = models.TextField()
    host = models.TextField()
    project_version = models.TextField()
    error = models.TextField(null=True)
    recorded_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = HISTORY_TABLE
        ordering = ["-id"]
        verbose_name_plural = "migration history"

    def __str__(self):
        return f"{self.direction} {self.app}.{self.name}"


class ConsoleEvent(models.Model):
    """One look at, or one run from, the admin console's operations pages
    (``gatimitra/console/operations.py``): who opened which page or ran
    which check, and for a run its result. The last ``check_drift`` run of
    each schema is read from here. Its changes are captured by the audit
    trigger into ``audit.system_audit_logs`` (audit/tracked.py), so every
    look and run is in the audit trail with its actor."""

    class Kind(models.TextChoices):
        VIEW = "VIEW", "Viewed a page"
        DRIFT_CHECK = "DRIFT_CHECK", "Ran check_drift"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    page = models.CharField(max_length=40)
    schema = models.CharField(max_length=63, blank=True, help_text="The schema a run checked.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="console_events",
        db_constraint=False,  # the user table lives in a domain schema; the log outlives it
    )
    ok = models.BooleanField(null=True, help_text="A run's result: no difference found.")
    summary = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "gatimitra_console_events"
        ordering = ["-id"]
        permissions = [
            (
                "administer_database",
                "Can open the database operations pages and run their checks",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.page} {self.schema}".strip()
