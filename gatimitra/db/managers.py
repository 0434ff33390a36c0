"""The natural-key manager every domain uses where a manager only finds a
row by its natural key (``loaddata`` with natural keys, seeds naming rows)."""

from django.db import models


class NaturalKeyManager(models.Manager):
    """A manager that finds a row by its natural key, so seeds can name rows
    (``["SUPPORT_AGENT"]``) instead of numbering them and ``loaddata`` updates
    an existing row in place.

    ``NaturalKeyManager("role__code", "permission__code")`` matches a model
    whose ``natural_key()`` returns ``(role.code, permission.code)``.
    """

    def __init__(self, *lookups):
        super().__init__()
        self.lookups = lookups

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.lookups, values, strict=True)))
