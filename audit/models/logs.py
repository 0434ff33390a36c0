from django.db import models

from audit.choices import AuditAction
from gatimitra.db.fields import EnumField
from gatimitra.db.models import AppendOnlyModel
from gatimitra.db.partitions import MONTH, Partitioning
from gatimitra.db.tables import schema_table
from gatimitra.enums import ActorType


class ChangeLogEntry(AppendOnlyModel):
    """A row change captured by the database triggers (``audit.capture_statement()``).

    References are soft (ids and a masked snapshot of what changed), never
    foreign keys, so entries outlive what they describe (erasure, partition
    drops). ``created_at`` is when the change was made.

    Partitioned by month of ``created_at`` (UTC), detached (kept as archive
    tables) after 7 years (docs/partitions.md); the database's primary key is
    ``(id, created_at)``."""

    partitioning = Partitioning(key="created_at", interval=MONTH, retention="7 years")

    table_schema = models.CharField(max_length=63)
    table_name = models.CharField(max_length=63)
    row_pk = models.CharField(max_length=64)
    subject_id = models.BigIntegerField(
        null=True, blank=True, help_text="The domain's owner of the row (rider, store, ...)."
    )
    # One array constant per CHECK: read and planned again at every capture
    # statement (audit 0014).
    action = EnumField(AuditAction, check_form="text_array")
    changes = models.JSONField(
        default=dict,
        help_text="{column: [old, new]}; personal data is masked and hashed, never in clear.",
    )
    actor_type = EnumField(ActorType, null=True, blank=True, check_form="text_array")
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    actor_verified = models.BooleanField(
        null=True,
        blank=True,
        help_text="False when a role the audit does not trust named the actor "
        "(audit.trusted_actor_roles); empty on entries from before the check.",
    )
    db_role = models.CharField(max_length=63)
    application_name = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    transaction_id = models.BigIntegerField()
    row_hash = models.BinaryField(
        null=True,
        editable=False,
        help_text="sha256 of the entry's content (audit.row_hash), sealed into the log's "
        "hash chain by audit.seal(); empty on entries from before the chain.",
    )

    class Meta:
        abstract = True
        ordering = ["-id"]

    def __str__(self):
        return f"{self.action} {self.table_schema}.{self.table_name}#{self.row_pk}"

    @property
    def actor(self):
        actor = self.actor_label or f"database role {self.db_role}"
        if self.actor_verified is False:
            return f"{actor} (unverified, set by database role {self.db_role})"
        return actor


def _indexes(prefix):
    # Django caps index names at 30 characters: a short prefix per log table.
    return [
        models.Index(fields=["table_name", "row_pk", "-id"], name=f"{prefix}_row_idx"),
        models.Index(fields=["subject_id", "-id"], name=f"{prefix}_subject_idx"),
        # Entries without an actor (bulk jobs, seeds, migrations) are never
        # looked up by actor: no index entry to write for them (audit 0014).
        models.Index(
            fields=["actor_id", "-id"],
            name=f"{prefix}_actor_idx",
            condition=models.Q(actor_id__isnull=False),
        ),
        models.Index(fields=["created_at"], name=f"{prefix}_time_idx"),
    ]


class SystemAuditLog(ChangeLogEntry):
    """A change to a tracked table that has no domain audit log of its own,
    or an admin action recorded by the application."""

    class Meta(ChangeLogEntry.Meta):
        db_table = schema_table("audit", "system_audit_logs")
        indexes = _indexes("audit_sys")


class MerchantAuditLog(ChangeLogEntry):
    """A change to a merchant's parent, stores, menus, prices, bank accounts or payouts."""

    class Meta(ChangeLogEntry.Meta):
        db_table = schema_table("audit", "merchant_audit_logs")
        indexes = _indexes("audit_mer")


class CustomerAuditLog(ChangeLogEntry):
    """A change to a customer's profile, PII, consents or wallet (singular
    table name, as in the source)."""

    class Meta(ChangeLogEntry.Meta):
        db_table = schema_table("audit", "customer_audit_log")
        indexes = _indexes("audit_cus")


class RiderAuditLog(ChangeLogEntry):
    """A change to a rider's onboarding, documents, bank accounts, ledger or penalties."""

    class Meta(ChangeLogEntry.Meta):
        db_table = schema_table("audit", "rider_audit_logs")
        indexes = _indexes("audit_rid")


class OrderAuditLog(ChangeLogEntry):
    """A change to an order, its status, payments, refunds or settlement."""

    class Meta(ChangeLogEntry.Meta):
        db_table = schema_table("audit", "order_audit_logs")
        indexes = _indexes("audit_ord")


class AccessAuditLog(ChangeLogEntry):
    """A change to staff users, roles, grants, API keys or impersonation."""

    class Meta(ChangeLogEntry.Meta):
        db_table = schema_table("audit", "access_audit_logs")
        indexes = _indexes("audit_acc")


class PiiAccessLog(AppendOnlyModel):
    """An unmasked read or export of personal or KYC data, written by the
    application with the grant that allowed it. Partitioned like the change
    logs (by month of ``created_at``, 7 years)."""

    partitioning = Partitioning(key="created_at", interval=MONTH, retention="7 years")

    action = EnumField(AuditAction, default=AuditAction.VIEW_PII)
    actor_id = models.BigIntegerField(help_text="The system user who read the data (soft).")
    actor_label = models.CharField(max_length=254)
    grant_id = models.BigIntegerField(
        null=True, blank=True, help_text="access_mgmt.pii_access_grants id (soft)."
    )
    subject_type = EnumField(ActorType)
    subject_id = models.BigIntegerField()
    table_name = models.CharField(max_length=127)
    fields = models.JSONField(default=list)
    purpose = models.CharField(max_length=255)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        db_table = schema_table("audit", "pii_access_logs")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "-id"], name="audit_pii_subject_idx"
            ),
            models.Index(fields=["actor_id", "-id"], name="audit_pii_actor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=[AuditAction.VIEW_PII, AuditAction.EXPORT]),
                name="pii_access_logs_action_is_read",
            )
        ]

    def __str__(self):
        return f"{self.action} {self.subject_type}#{self.subject_id} by {self.actor_label}"
