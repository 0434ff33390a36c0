"""Enums owned by the merchants domain (CATALOG.md section 7)."""

from django.db import models  # noqa: F401
