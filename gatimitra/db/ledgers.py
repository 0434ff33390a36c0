"""Appending many entries to a ledger chained by ``LedgerChain`` in one statement.

The ORM's ``create``/``bulk_create`` leave ``seq_no`` and ``balance_after``
to the database, whose row trigger locks the owner and looks up its last
entry once per row. ``append_entries`` computes them for all rows at once
instead: it locks the owners (once each, in owner order, as the chain check
does), then one ``INSERT ... SELECT`` numbers each owner's rows after its
last entry with window functions, in the order given. The database's
per-statement chain check then verifies every row (nothing is trusted: a
wrong figure is refused with the row trigger's message).
"""

from django.db import connections, router, transaction
from django.db.models.expressions import DatabaseDefault

from gatimitra.db.tables import display_table, quote_table


def _ident(name):
    return '"%s"' % name.replace('"', '""')


def append_entries(entries, using=None):
    """Insert unsaved ledger ``entries`` (instances of one ``LedgerEntryModel``
    subclass, any owners, in the order they happen) with one statement; set
    each one's ``pk``, ``seq_no`` and ``balance_after``. Returns ``entries``."""
    entries = list(entries)
    if not entries:
        return entries
    model = type(entries[0])
    if any(type(entry) is not model for entry in entries):
        raise TypeError("append_entries takes entries of one ledger model at a time")
    if any(not entry._state.adding for entry in entries):
        raise TypeError(f"{model._meta.label} is append-only: entries must be new")
    meta = model._meta
    table = meta.db_table
    owner = meta.get_field(model.chain_owner_field)
    seq = meta.get_field("seq_no")
    balance = meta.get_field("balance_after")
    amount = meta.get_field("amount")
    direction = meta.get_field("direction")
    using = using or router.db_for_write(model)
    connection = connections[using]

    fields, columns = [], []
    for field in meta.concrete_fields:
        if field in (seq, balance) or field.generated:
            continue
        values = [field.pre_save(entry, add=True) for entry in entries]
        defaults = [isinstance(value, DatabaseDefault) for value in values]
        if field.primary_key and all(value is None for value in values):
            continue
        if all(defaults):
            continue  # the column's own default, for every row
        if any(defaults):
            raise ValueError(f"{display_table(table)}: {field.column} is set on some entries only")
        fields.append(field)
        columns.append([field.get_db_prep_save(value, connection) for value in values])

    names = [_ident(field.column) for field in fields]
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    owner_table = owner.related_model._meta.db_table
    o, s, b = _ident(owner.column), _ident(seq.column), _ident(balance.column)
    a, d = _ident(amount.column), _ident(direction.column)
    quoted = quote_table(table)
    given = ", ".join(f"e.{name}" for name in names)
    insert = f"""
        WITH e AS (
            SELECT * FROM unnest({arrays}) WITH ORDINALITY AS e({", ".join(names)}, ord)
        ), heads AS (
            SELECT o.owner, coalesce(h.seq, 0) AS seq, coalesce(h.balance, 0) AS balance
            FROM (SELECT DISTINCT {o} AS owner FROM e) AS o
            LEFT JOIN LATERAL (
                SELECT t.{s} AS seq, t.{b} AS balance FROM {quoted} AS t
                WHERE t.{o} = o.owner ORDER BY t.{s} DESC LIMIT 1
            ) AS h ON true
        )
        INSERT INTO {quoted} ({", ".join(names)}, {s}, {b})
        SELECT {given},
               heads.seq + row_number() OVER per_owner,
               heads.balance + sum(CASE e.{d} WHEN 'CREDIT' THEN e.{a} ELSE -e.{a} END)
                   OVER per_owner
        FROM e JOIN heads ON heads.owner = e.{o}
        WINDOW per_owner AS (PARTITION BY e.{o} ORDER BY e.ord)
        ORDER BY e.ord
        RETURNING {_ident(meta.pk.column)}, {s}, {b}
    """
    owners = sorted({getattr(entry, owner.attname) for entry in entries})
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The owners' locks first, in their own statement: the INSERT's
        # snapshot is then taken after any writer ahead of us committed.
        pk = _ident(owner.target_field.column)
        cursor.execute(
            f"SELECT 1 FROM {quote_table(owner_table)} "
            f"WHERE {pk} = ANY(%s) ORDER BY {pk} FOR UPDATE",
            [owners],
        )
        cursor.execute(insert, columns)
        rows = cursor.fetchall()
    for entry, (pk_value, seq_no, balance_after) in zip(entries, rows, strict=True):
        entry.pk, entry.seq_no, entry.balance_after = pk_value, seq_no, balance_after
        entry._state.adding, entry._state.db = False, using
    return entries
