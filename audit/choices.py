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
