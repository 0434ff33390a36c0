"""Enums owned by the riders domain (CATALOG.md section 7)."""

from django.db import models  # noqa: F401
