from django.conf import settings
from django.db import models
from django.utils import timezone

from gatimitra.ops.deploy import HISTORY_TABLE


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


class DevelopmentMarker(models.Model):
    """The row that marks this database as a development database: commands
    that truncate or load demo data (``start``, ``seed_demo``, ``flush``, demo
    fixtures) refuse on a database without it (gatimitra/guards.py).
    ``manage.py start`` writes it into a database it builds from nothing.
    Unmanaged (made by migration 0004's SQL) so that ``flush`` does not empty
    it with the data: it describes the database, not its rows."""

    marked_at = models.DateTimeField()
    marked_by = models.TextField(help_text="The command, user and host that marked it.")

    class Meta:
        managed = False
        db_table = "gatimitra_development_marker"

    def __str__(self):
        return f"development database since {self.marked_at:%Y-%m-%d %H:%M}"


class AppliedSeed(models.Model):
    """One fixture file of ``fixtures/`` as ``manage.py seed`` last applied
    it: its checksum (applied again only when that changes) and when."""

    fixture = models.CharField(max_length=255, unique=True)
    checksum = models.CharField(max_length=64)
    objects_written = models.IntegerField()
    applied_at = models.DateTimeField()

    class Meta:
        db_table = "gatimitra_applied_seeds"
        ordering = ["fixture"]

    def __str__(self):
        return self.fixture


class SeedRow(models.Model):
    """One row a seed wrote, with a hash of each column as written: a row
    whose hashes no longer match was edited since, and the seed leaves it
    alone (``seed`` stops naming the table, key and column unless --force).
    The hashes are unkeyed SHA-256 of values that are in the repository's
    fixture files anyway."""

    seed = models.ForeignKey(AppliedSeed, on_delete=models.CASCADE, related_name="rows")
    model = models.CharField(max_length=100, help_text="app_label.model_name")
    object_pk = models.TextField()
    column_hashes = models.JSONField()

    class Meta:
        db_table = "gatimitra_seed_rows"
        constraints = [
            models.UniqueConstraint(
                fields=["model", "object_pk"], name="gatimitra_seed_rows_one_per_row"
            )
        ]
        indexes = [models.Index(fields=["seed"], name="gatimitra_seed_rows_seed")]

    def __str__(self):
        return f"{self.model} {self.object_pk}"


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
        # At most 50 characters: auth 0002 reversed (migrating auth to zero)
        # narrows auth_permission.name back to varchar(50).
        permissions = [
            (
                "administer_database",
                "Can use the database operations pages",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.page} {self.schema}".strip()
