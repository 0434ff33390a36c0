"""Constraint helpers every domain's models share.

CATALOG.md keeps the short lists that change often (fuel types, closure
reasons, zone kinds...) as CHECK-constrained text instead of enum types:
adding a value is an ``AlterField`` plus a new CHECK, with no type to migrate.
Each app declares its lists in its ``choices.py``; :func:`one_of` is the one
way to turn a list into its named CHECK, and :func:`values` the one way to
read a list's stored values.
"""

from django.db.models import CheckConstraint, Q


def values(choices):
    """The stored values of ``choices``: ``(value, label)`` pairs, a
    ``TextChoices`` class, or plain values, in their order."""
    if isinstance(choices, type):  # a TextChoices class
        return [member.value for member in choices]
    return [item[0] if isinstance(item, tuple | list) else item for item in choices]


def one_of(table, column, choices, message=None, *, purpose=None):
    """The CHECK ``<table>_<purpose>`` (by default ``<table>_<column>_valid``)
    keeping ``column`` within ``choices``. NULL passes, as for every CHECK:
    make the column NOT NULL where a value is required."""
    allowed = values(choices)
    return CheckConstraint(
        condition=Q(**{f"{column}__in": allowed}),
        name=f"{table}_{purpose or column + '_valid'}",
        violation_error_message=message
        or f"{column} must be one of {', '.join(str(value) for value in allowed)}.",
    )
