import pgtrigger
from django.db import models

from gatimitra.db.tables import schema_table


class Receipt(models.Model):
    """A domain model with a django-pgtrigger trigger and no migration yet."""

    number = models.TextField()

    class Meta:
        db_table = schema_table("triggerlab", "receipts")
        triggers = [pgtrigger.Protect(name="receipts_protect_delete", operation=pgtrigger.Delete)]
