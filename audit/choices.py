"""Enums owned by the audit domain (CATALOG.md section 7)."""

from django.db import models


class AuditAction(models.TextChoices):
    INSERT = "INSERT", "Insert"
    UPDATE = "UPDATE", "Update"
    DELETE = "DELETE", "Delete"
    STATUS_CHANGE = "STATUS_CHANGE", "Status change"
    OVERRIDE = "OVERRIDE", "Override"
    APPROVE = "APPROVE", "Approve"
    LOGIN_AS = "LOGIN_AS", "Login as"
    VIEW_PII = "VIEW_PII", "View PII"
    EXPORT = "EXPORT", "Export"


class VerificationKind(models.TextChoices):
    VERIFY = "VERIFY", "Sealed and verified the chains (verify_audit)"
    SEAL = "SEAL", "Sealed the chains (the daily partitions run)"


class FindingKind(models.TextChoices):
    """What a verification of the trail found wrong (audit/verify.py)."""

    NO_CHAIN = "NO_CHAIN", "A log has no hash chain"
    CHAIN_EDITED = "CHAIN_EDITED", "The seals' chain was edited"
    DELETED = "DELETED", "Sealed entries deleted"
    INSERTED = "INSERTED", "Entries inserted into a sealed range"
    EDITED = "EDITED", "Entries edited or reordered"
    UNHASHED = "UNHASHED", "Entries not written by the capture"
    TRIGGER_MISSING = "TRIGGER_MISSING", "A capture, guard or event trigger is missing"
    TRIGGER_DISABLED = "TRIGGER_DISABLED", "A capture, guard or event trigger is disabled"
