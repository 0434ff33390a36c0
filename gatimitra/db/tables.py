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

    Only the namespaced spellings split: ``schema"."table`` (``Meta.db_table``)
    and ``"schema"."table"`` (SQL). Anything else is one name, dots included:
    ``inspectdb_special.table name`` is a legal table in the current schema,
    exactly as Django's ``quote_name`` treats it. (People typing a name on a
    command line may write ``schema.table``: see ``table_argument``.)
    """
    quoted = len(db_table) > 1 and db_table.startswith('"') and db_table.endswith('"')
    inner = db_table[1:-1] if quoted else db_table
    if _SEPARATOR in inner:
        schema, name = inner.split(_SEPARATOR, 1)
        return schema, name
    return None, inner


def canonical_table(db_table):
    """Normalise any accepted spelling to the one ``Meta.db_table`` uses."""
    schema, name = split_table(db_table)
    return name if schema is None else f"{schema}{_SEPARATOR}{name}"


def table_argument(text):
    """The ``Meta.db_table`` spelling of a table as a person types it on a
    command line: ``schema.table``, ``table``, or a namespaced spelling. A
    table whose own name has a dot is typed quoted: ``'"name.with dot"'``."""
    if '"' in text or "." not in text:
        return canonical_table(text)
    schema, name = text.split(".", 1)
    return f"{schema}{_SEPARATOR}{name}"


def display_table(db_table):
    """``riders.riders`` for messages and docs; bare names stay bare."""
    schema, name = split_table(db_table)
    return name if schema is None else f"{schema}.{name}"


def quote_table(db_table):
    """The SQL reference: ``"riders"."riders"`` or ``"django_migrations"``."""
    schema, name = split_table(db_table)
    quoted = '"%s"' % name.replace('"', '""')
    return quoted if schema is None else '"%s".%s' % (schema.replace('"', '""'), quoted)
