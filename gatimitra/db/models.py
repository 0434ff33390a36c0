"""Abstract base models."""

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from gatimitra.db.fields import EnumField
from gatimitra.enums import LedgerEntryDirection


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


class AppendOnlyModel(TimestampedModel):
    """A row that is never changed or deleted once written (ledgers, event
    logs). The database refuses UPDATE and DELETE: the model's migrations must
    apply ``gatimitra.db.operations.AppendOnly`` (a system check verifies it).
    Corrections are compensating rows."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{self._meta.label} is append-only; write a compensating row")
        super().save(*args, **kwargs)


#: ``db_default`` for a column the database fills in (a trigger assigns it on
#: INSERT; NOT NULL is checked after BEFORE triggers run). Declaring a database
#: default makes Django leave the value to the database and read it back with
#: ``RETURNING``.
ASSIGNED_BY_DATABASE = models.Value(None)


class LedgerEntryModel(AppendOnlyModel):
    """One entry of a per-owner ledger chained by ``LedgerChain``: ``seq_no``
    and ``balance_after`` are assigned by the database from the previous row.
    Concrete ledgers add the owner FK, ``amount`` and ``balance_after``."""

    seq_no = models.BigIntegerField(db_default=ASSIGNED_BY_DATABASE, editable=False)
    direction = EnumField(LedgerEntryDirection)

    #: The owner FK the chain runs per (``LedgerChain``'s ``owner_field``),
    #: for ``gatimitra.db.ledgers.append_entries``.
    chain_owner_field: str

    class Meta:
        abstract = True
