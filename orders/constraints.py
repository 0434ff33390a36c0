"""Constraint builders shared by several orders tables (each returns a named
``CheckConstraint``; names follow ``<table>_<purpose>``)."""

from django.db.models import CheckConstraint, F, Q

from gatimitra.db.constraints import one_of


def valid_window(table, start="valid_from", end="valid_to"):
    """``start < end`` or an open end (CATALOG section 8, item 16)."""
    return CheckConstraint(
        condition=Q(**{f"{start}__lt": F(end)}) | Q(**{f"{end}__isnull": True}),
        name=f"{table}_valid_window",
        violation_error_message=f"{end} must be later than {start}.",
    )


def both_or_neither(table, first, second, purpose):
    """Two columns that are set together (a point's latitude and longitude,
    a time band's start and end)."""
    return CheckConstraint(
        condition=Q(**{f"{first}__isnull": True}, **{f"{second}__isnull": True})
        | Q(**{f"{first}__isnull": False}, **{f"{second}__isnull": False}),
        name=f"{table}_{purpose}",
        violation_error_message=f"Set both {first} and {second}, or neither.",
    )


def range_order(table, low, high, purpose):
    """``low < high`` when ``high`` is set (distance or value slabs)."""
    return CheckConstraint(
        condition=Q(**{f"{high}__isnull": True}) | Q(**{f"{low}__lt": F(high)}),
        name=f"{table}_{purpose}",
        violation_error_message=f"{high} must be greater than {low}.",
    )


def in_list(table, column, values, purpose=None):
    """The old orders spelling of :func:`gatimitra.db.constraints.one_of`
    (with a colon in its message), kept so code written against it still
    imports; no model uses it since orders migration 0021 gave their CHECKs
    ``one_of``'s message. New code calls ``one_of``."""
    return one_of(
        table,
        column,
        values,
        purpose=purpose,
        message=f"{column} must be one of: {', '.join(values)}.",
    )
