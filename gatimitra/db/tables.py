"""One way to spell a table that lives in a PostgreSQL schema.

Django has no notion of schemas, but it does understand one spelling of a
namespaced identifier: ``schema"."table`` (see ``django.db.backends.utils.
split_identifier``). Quoted by ``quote_name`` it becomes ``"schema"."table"``;
index and constraint names are derived from the bare table name; auto-created
many-to-many tables (``<db_table>_<field>``) land in the owner's schema. This
module is the only place that builds or parses that spelling.
"""

import re

#: The domain schemas, in dependency-free display order.
DOMAIN_SCHEMAS = ("access_mgmt", "customers", "merchants", "riders", "orders", "audit")

#: Longest identifier PostgreSQL keeps (NAMEDATALEN - 1).
MAX_IDENTIFIER_LENGTH = 63

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SEPARATOR = '"."'


def schema_table(schema, table):
    """Return the ``Meta.db_table`` value for ``table`` in ``schema``."""
    for part in (schema, table):
        if not _IDENTIFIER.match(part):
            raise ValueError(
                f"{part!r} is not a lowercase PostgreSQL identifier of at most 63 characters"
            )
    return f"{schema}{_SEPARATOR}{table}"


def split_table(db_table):
    """Split a table reference into ``(schema, name)``; schema is None when unqualified.

    Accepts the canonical ``schema"."table``, the fully quoted ``"schema"."table"``
    and, for people typing names on a command line, ``schema.table``.
    """
    if _SEPARATOR in db_table:
        schema, name = db_table.split(_SEPARATOR, 1)
        return schema.strip('"'), name.strip('"')
    stripped = db_table.strip('"')
    if '"' not in db_table and "." in stripped:
        schema, name = stripped.split(".", 1)
        return schema, name
    return None, stripped


def canonical_table(db_table):
    """Normalise any accepted spelling to the one ``Meta.db_table`` uses."""
    schema, name = split_table(db_table)
    return name if schema is None else f"{schema}{_SEPARATOR}{name}"


def display_table(db_table):
    """``riders.riders`` for messages and docs; bare names stay bare."""
    schema, name = split_table(db_table)
    return name if schema is None else f"{schema}.{name}"


def quote_table(db_table):
    """The SQL reference: ``"riders"."riders"`` or ``"django_migrations"``."""
    schema, name = split_table(db_table)
    quoted = '"%s"' % name.replace('"', '""')
    return quoted if schema is None else '"%s".%s' % (schema.replace('"', '""'), quoted)
