"""Enums owned by the orders domain (CATALOG.md section 7)."""

from django.db import models  # noqa: F401
