"""Factories for audit rows. Only the capture trigger writes change-log
entries (a direct INSERT is refused), so their factory goes through it;
PII access logs are written by the application."""

import factory
from django.db import connection
from factory.django import DjangoModelFactory

from audit import models, sql
from gatimitra.db.tables import split_table
from gatimitra.enums import ActorType


class ChangeLogEntryFactory(DjangoModelFactory):
    """An entry written the only way entries are written: by the capture
    trigger. The factory inserts a row into a temporary table of its own
    whose capture triggers log into the model's table (a direct INSERT into
    a change log is refused), and returns the entry; ``status`` becomes the
    row's status, so the entry records it."""

    row_pk = factory.Sequence(lambda n: n + 1)
    status = "ACTIVE"

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, row_pk, status, **ignored):
        log = split_table(model_class._meta.db_table)[1]
        table = f"pg_temp.audit_factory_{log}"[:63]
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NULL", [table])
            if cursor.fetchone()[0]:
                cursor.execute(f"CREATE TEMP TABLE {table} (id bigint PRIMARY KEY, status text)")
                for statement in sql.capture_statements(table, log, "id", [], "id"):
                    cursor.execute(statement)
            cursor.execute(
                f"INSERT INTO {table} VALUES (%s, %s) ON CONFLICT (id) "
                "DO UPDATE SET status = excluded.status",
                [int(row_pk), status],
            )
        return model_class.objects.latest("id")


class SystemAuditLogFactory(ChangeLogEntryFactory):
    class Meta:
        model = models.SystemAuditLog


class MerchantAuditLogFactory(ChangeLogEntryFactory):
    class Meta:
        model = models.MerchantAuditLog


class CustomerAuditLogFactory(ChangeLogEntryFactory):
    class Meta:
        model = models.CustomerAuditLog


class RiderAuditLogFactory(ChangeLogEntryFactory):
    class Meta:
        model = models.RiderAuditLog


class OrderAuditLogFactory(ChangeLogEntryFactory):
    class Meta:
        model = models.OrderAuditLog


class AccessAuditLogFactory(ChangeLogEntryFactory):
    class Meta:
        model = models.AccessAuditLog


class PiiAccessLogFactory(DjangoModelFactory):
    actor_id = 1
    actor_label = "kyc.reviewer@gatimitra.test"
    subject_type = ActorType.RIDER
    subject_id = factory.Sequence(lambda n: n + 1)
    table_name = "riders.rider_documents"
    fields = factory.LazyFunction(lambda: ["number"])
    purpose = "KYC re-verification"

    class Meta:
        model = models.PiiAccessLog
