"""Model fields shared by every domain."""

from django.contrib.postgres.fields import ArrayField
from django.core import checks
from django.db import models

#: Wide enough for every value in CATALOG.md section 7 (the longest is 25).
ENUM_MAX_LENGTH = 32


def _sql_literal(value):
    return "'%s'" % str(value).replace("'", "''")


def text_array_literal(values):
    """``values`` as one SQL literal of a PostgreSQL array: ``'{"A","B"}'``."""
    elements = ",".join(
        '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"') for value in values
    )
    return _sql_literal("{%s}" % elements)


class EnumField(models.CharField):
    """A ``TextChoices`` value whose allowed values PostgreSQL enforces.

    The column is ``varchar(32)`` with a CHECK constraint named
    ``<table>_<column>_check`` listing the values. Django treats ``choices``
    as a non-database attribute; here it is a database attribute, so editing
    the enum produces an ``AlterField`` that replaces the CHECK. A CHECK rather
    than a native PostgreSQL enum type keeps every change transactional and
    reversible (removing a value from a native enum is not possible).

    Usage: ``status = EnumField(RiderStatus, default=RiderStatus.ONBOARDING)``.

    ``check_form`` is how the CHECK is written, never which values it
    allows. ``"in"`` (the default) is Django's ``col IN (...)``, which
    PostgreSQL keeps as an ``ARRAY[...]`` of one cast per value.
    ``"text_array"`` is one array constant, ``col::text = ANY ('{...}'::text[])``:
    PostgreSQL reads and plans every CHECK of a table again at each
    statement that writes it, and the constant costs about half as much
    (benchmarks/README.md, "Audit 0014"): for tables written by many small
    statements (the audit logs). A new form is a new value: migrations
    written with a form keep it.
    """

    CHECK_FORMS = ("in", "text_array")

    description = "One value of an enumeration, checked by the database"
    non_db_attrs = tuple(attr for attr in models.CharField.non_db_attrs if attr != "choices")

    def __init__(self, enum=None, *args, check_form="in", **kwargs):
        # Kept for the generated schema docs (which name the enum); the
        # database attribute is ``choices``.
        self.enum = enum
        self.check_form = check_form
        if enum is not None:
            kwargs["choices"] = enum.choices
        kwargs.setdefault("max_length", ENUM_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    @property
    def enum_values(self):
        return [value for value, _label in self.flatchoices]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.check_form != "in":
            kwargs["check_form"] = self.check_form
        return name, path, args, kwargs

    def db_check_sql(self, quoted_column):
        if self.check_form == "text_array":
            return f"{quoted_column}::text = ANY ({text_array_literal(self.enum_values)}::text[])"
        values = ", ".join(_sql_literal(value) for value in self.enum_values)
        return f"{quoted_column} IN ({values})"

    def db_check(self, connection):
        return self.db_check_sql(connection.ops.quote_name(self.column))

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
        if self.check_form not in self.CHECK_FORMS:
            errors.append(
                checks.Error(
                    f"EnumField check_form must be one of {', '.join(self.CHECK_FORMS)}.",
                    obj=self,
                    id="gatimitra.E102",
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

    def db_check_sql(self, quoted_column):
        values = ", ".join(_sql_literal(value) for value in self.base_field.enum_values)
        return f"{quoted_column} <@ ARRAY[{values}]::varchar({self.base_field.max_length})[]"

    def db_check(self, connection):
        return self.db_check_sql(connection.ops.quote_name(self.column))


class MoneyField(models.DecimalField):
    """An amount in INR: ``numeric(12,2)``, never negative (CHECK >= 0).

    The sign of a movement comes from a direction or charge type column, never
    from the amount (CATALOG section 8, item 6)."""

    description = "Amount in INR (numeric(12,2), >= 0)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def db_check_sql(self, quoted_column):
        return f"{quoted_column} >= 0"

    def db_check(self, connection):
        return self.db_check_sql(connection.ops.quote_name(self.column))


class _RangeDecimalField(models.DecimalField):
    minimum: int | None = None
    maximum: int | None = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 6)
        super().__init__(*args, **kwargs)

    def db_check_sql(self, quoted_column):
        return f"{quoted_column} BETWEEN {self.minimum} AND {self.maximum}"

    def db_check(self, connection):
        return self.db_check_sql(connection.ops.quote_name(self.column))


class LatitudeField(_RangeDecimalField):
    """Latitude in degrees, ``numeric(9,6)``, CHECK between -90 and 90."""

    minimum, maximum = -90, 90


class LongitudeField(_RangeDecimalField):
    """Longitude in degrees, ``numeric(9,6)``, CHECK between -180 and 180."""

    minimum, maximum = -180, 180


class HashField(models.CharField):
    """A secret's keyed hash (hex HMAC-SHA256, see ``gatimitra.db.secrets``).

    The CHECK accepts only 64 lowercase hex digits, so no plain OTP, token,
    key or document number can be stored in it."""

    description = "HMAC-SHA256 digest (64 hex digits)"

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 64
        super().__init__(*args, **kwargs)

    def db_check_sql(self, quoted_column):
        return f"{quoted_column} ~ '^[0-9a-f]{{64}}$'"

    def db_check(self, connection):
        return self.db_check_sql(connection.ops.quote_name(self.column))


class CIEmailField(models.EmailField):
    """An email address compared case-insensitively (PostgreSQL ``citext``).

    Non-deterministic ICU collations are Django's suggested replacement, but
    the embedded server is built without ICU; ``citext`` works everywhere.
    """

    description = "Email address (case-insensitive)"

    def db_type(self, connection):
        return "citext"
