"""Enums owned by the access_mgmt domain (CATALOG.md section 7)."""

from django.db import models


class SystemUserStatus(models.TextChoices):
    INVITED = "INVITED", "Invited"
    ACTIVE = "ACTIVE", "Active"
    LOCKED = "LOCKED", "Locked"
    DISABLED = "DISABLED", "Disabled"
    OFFBOARDED = "OFFBOARDED", "Offboarded"
