"""Factories for audit rows. In the running system only the capture trigger
and the application's PII logging write these; factories exist for tests
and admin pages."""

import factory
from factory.django import DjangoModelFactory

from audit import models
from audit.choices import AuditAction
from gatimitra.enums import ActorType


class ChangeLogEntryFactory(DjangoModelFactory):
    table_schema = "access_mgmt"
    table_name = "system_users"
    row_pk = factory.Sequence(str)
    action = AuditAction.UPDATE
    changes = factory.LazyFunction(lambda: {"status": ["ACTIVE", "LOCKED"]})
    actor_type = ActorType.SYSTEM_USER
    actor_id = 1
    actor_label = "ops@gatimitra.test"
    db_role = "gatimitra_app"
    transaction_id = factory.Sequence(lambda n: 1000 + n)

    class Meta:
        abstract = True


class SystemAuditLogFactory(ChangeLogEntryFactory):
    class Meta:
        model = models.SystemAuditLog


class MerchantAuditLogFactory(ChangeLogEntryFactory):
    table_schema = "merchants"
    table_name = "merchant_stores"

    class Meta:
        model = models.MerchantAuditLog


class CustomerAuditLogFactory(ChangeLogEntryFactory):
    table_schema = "customers"
    table_name = "customers"

    class Meta:
        model = models.CustomerAuditLog


class RiderAuditLogFactory(ChangeLogEntryFactory):
    table_schema = "riders"
    table_name = "riders"

    class Meta:
        model = models.RiderAuditLog


class OrderAuditLogFactory(ChangeLogEntryFactory):
    table_schema = "orders"
    table_name = "orders"

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
