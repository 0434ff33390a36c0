"""Abstract base models."""

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class TimestampedModel(models.Model):
    """Every table's ``created_at``/``updated_at`` (``timestamptz``).

    Both have database defaults, so rows written by raw SQL, COPY or
    ``loaddata`` get them too; ``created_at`` also has a Python default so a
    new instance knows its time before it is saved.
    """

    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        abstract = True
