"""Model fields shared by every domain."""

from django.contrib.postgres.fields import ArrayField
from django.core import checks
from django.db import models

#: Wide enough for every value in CATALOG.md section 7 (the longest is 25).
ENUM_MAX_LENGTH = 32


def _sql_literal(value):
    return "'%s'" % str(value).replace("'", "''")


class EnumField(models.CharField):
    """A ``TextChoices`` value whose allowed values PostgreSQL enforces.

    The column is ``varchar(32)`` with a CHECK constraint named
    ``<table>_<column>_check`` listing the values. Django treats ``choices``
    as a non-database attribute; here it is a database attribute, so editing
    the enum produces an ``AlterField`` that replaces the CHECK. A CHECK rather
    than a native PostgreSQL enum type keeps every change transactional and
    reversible (removing a value from a native enum is not possible).

    Usage: ``status = EnumField(RiderStatus, default=RiderStatus.ONBOARDING)``.
    """

    description = "One value of an enumeration, checked by the database"
    non_db_attrs = tuple(attr for attr in models.CharField.non_db_attrs if attr != "choices")

    def __init__(self, enum=None, *args, **kwargs):
        if enum is not None:
            kwargs["choices"] = enum.choices
        kwargs.setdefault("max_length", ENUM_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    @property
    def enum_values(self):
        return [value for value, _label in self.flatchoices]

    def enum_check_sql(self, quoted_column):
        values = ", ".join(_sql_literal(value) for value in self.enum_values)
        return f"{quoted_column} IN ({values})"

    def db_check(self, connection):
        return self.enum_check_sql(connection.ops.quote_name(self.column))

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not self.choices:
            errors.append(
                checks.Error(
                    "EnumField needs a TextChoices class (or choices).",
                    obj=self,
                    id="gatimitra.E101",
                )
            )
        return errors


class EnumArrayField(ArrayField):
    """A set of enum values (e.g. the services a rider is enabled for), checked
    by the database with ``column <@ ARRAY[...]``."""

    description = "A list of values of one enumeration, checked by the database"

    def __init__(self, enum=None, base_field=None, **kwargs):
        if base_field is None:
            base_field = EnumField(enum)
        super().__init__(base_field, **kwargs)

    def enum_check_sql(self, quoted_column):
        values = ", ".join(_sql_literal(value) for value in self.base_field.enum_values)
        return f"{quoted_column} <@ ARRAY[{values}]::varchar({self.base_field.max_length})[]"

    def db_check(self, connection):
        return self.enum_check_sql(connection.ops.quote_name(self.column))


class CIEmailField(models.EmailField):
    """An email address compared case-insensitively (PostgreSQL ``citext``).

    Non-deterministic ICU collations are Django's suggested replacement, but
    the embedded server is built without ICU; ``citext`` works everywhere.
    """

    description = "Email address (case-insensitive)"

    def db_type(self, connection):
        return "citext"
