from django.db import models

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
