"""Writing demo rows: PostgreSQL COPY for every table, ids from the tables'
own sequences, progress on long loads.

Generators hand over rows as dicts keyed by column name (keys starting with
"_" are their own notes and are not written). A column left out
gets what the model says: its default, NULL when nullable, '' for blank
text, the row's ``created_at`` for ``updated_at``; a column the model
cannot fill names itself in the error. Generated columns are never sent.

Every table is written with COPY, small or big, inside the caller's
transaction, with every trigger, CHECK and foreign key in force: the
database verifies the demo data as it would any other.

Rows are formatted as COPY text by a ``RowEncoder`` (psycopg's own text
format, the bytes ``Copy.write_row`` would send) apart from sending them,
so a long step can build and format its next batch on a thread of its own
while the server runs the current one's triggers (``demo.orders``).
"""

import operator
import time

from django.db import connections, models, transaction

# psycopg's formatter of COPY text has no public name: it is the code
# ``Copy.write_row`` runs, so rows formatted ahead are the bytes it would send.
from psycopg._copy_base import TextFormatter
from psycopg.adapt import Transformer
from psycopg.types.json import Jsonb

from audit.context import set_actor_for_transaction
from gatimitra.db.tables import display_table, quote_table

_MISSING = object()


#: A single COPY this big reports its rate (city-scale steps take minutes).
BIG_COPY = 20_000


class DemoDataError(Exception):
    """A generator produced a row its table cannot take."""


def _column_default(field):
    """What a column gets when a generator leaves it out (or _MISSING)."""
    if field.primary_key:
        return _MISSING
    if field.name in ("created_at", "updated_at"):
        return _MISSING  # filled from the row (see TableSpec.row)
    if field.has_default():
        default = field.default
        if callable(default):
            if default in (list, dict):
                return default
            return _MISSING  # uuid4, timezone.now...: not deterministic
        return default
    if field.db_default is not models.NOT_PROVIDED:
        return None  # the database (a trigger) assigns it
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField) and field.blank:
        return ""
    return _MISSING


def _converter(field):
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else Jsonb(value)
    return None


class TableSpec:
    """The columns COPY writes for one model, with their defaults."""

    def __init__(self, model):
        self.model = model
        self.label = display_table(model._meta.db_table)
        self.quoted = quote_table(model._meta.db_table)
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        self.columns = [f.column for f in fields]
        self.defaults = [_column_default(f) for f in fields]
        self.converters = [(i, c) for i, f in enumerate(fields) if (c := _converter(f))]
        self.pairs = list(zip(self.columns, self.defaults, strict=True))
        self.required = {c for c, d in self.pairs if d is _MISSING}
        self.factories = [(i, d) for i, d in enumerate(self.defaults) if d in (list, dict)]
        self.adjust = bool(self.factories or self.converters)
        self.template = dict(self.pairs)
        take = operator.itemgetter(*self.columns)
        self.take = take if len(self.columns) > 1 else lambda row: (take(row),)
        self.known = set(self.columns)
        self.has_timestamps = "created_at" in self.known
        self.pk_column = model._meta.pk.column
        self.auto_pk = isinstance(model._meta.pk, models.AutoField)

    def copy_sql(self):
        columns = ", ".join(f'"{c}"' for c in self.columns)
        return f"COPY {self.quoted} ({columns}) FROM STDIN"

    def row(self, values, default_time):
        """The tuple COPY writes for ``values`` (a dict keyed by column)."""
        if self.has_timestamps:
            created = values.get("created_at") or default_time
            values.setdefault("created_at", created)
            values.setdefault("updated_at", created)
        # Millions of rows at city scale: the defaults merged and the columns
        # taken in C, then one set check, instead of Python work per column.
        if not values.keys() >= self.required:
            column = next(c for c, d in self.pairs if d is _MISSING and c not in values)
            raise DemoDataError(f"{self.label}: no value for column {column} in {values}")
        out = self.take({**self.template, **values})
        if not self.adjust:
            return out
        out = list(out)
        for index, factory in self.factories:
            if out[index] is factory:
                out[index] = factory()
        for index, convert in self.converters:
            out[index] = convert(out[index])
        return out

    def check_keys(self, values):
        """Keys starting with "_" are the generator's own notes, not columns."""
        unknown = {key for key in values if not key.startswith("_")} - self.known
        if unknown:
            raise DemoDataError(f"{self.label}: unknown column(s) {sorted(unknown)}")


class Encoded:
    """One table's rows as COPY text, ready to send."""

    __slots__ = ("data", "model", "rows")

    def __init__(self, model, data, rows):
        self.model, self.data, self.rows = model, data, rows


class _Dumpers:
    """psycopg's adaptation context with a connection's dumpers but not the
    connection itself: formatting then touches no connection, so it may run
    on another thread while that connection is busy (text is utf-8, as the
    connection's, which ``RowEncoder`` checks)."""

    connection = None

    def __init__(self, adapters):
        self.adapters = adapters


class RowEncoder:
    """Formats rows (dicts) as the COPY text of their table, on any thread."""

    def __init__(self, writer):
        writer.connection.ensure_connection()
        pgconn = writer.connection.connection
        if pgconn.info.encoding != "utf-8":
            raise DemoDataError(f"the connection's encoding is {pgconn.info.encoding}, not utf-8")
        self.context = _Dumpers(pgconn.adapters)
        self.writer = writer

    def encode(self, model, rows):
        spec = self.writer.spec(model)
        if rows:
            spec.check_keys(rows[0])
        # A formatter (and its dumper cache) per table, as a cursor's COPY has.
        formatter = TextFormatter(Transformer(self.context))
        default_time = self.writer.default_time
        chunks = []
        for values in rows:
            if chunk := formatter.write_row(spec.row(values, default_time)):
                chunks.append(chunk)
        if chunk := formatter.end():
            chunks.append(chunk)
        return Encoded(model, b"".join(chunks), len(rows))


class Progress:
    """Rows done / total and the rate, printed at most every few seconds."""

    def __init__(self, label, total, out, every=3.0, unit="rows"):
        self.label, self.total, self.out, self.every = label, total, out, every
        self.unit = unit
        self.done = 0
        self.started = self.last = time.monotonic()

    def advance(self, rows):
        self.done += rows
        now = time.monotonic()
        if self.out and now - self.last >= self.every:
            self.last = now
            self.out(self.line(now))

    def line(self, now=None):
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"  {self.label}: {self.done:,}"
        if self.total:
            text += f" / {self.total:,} ({100 * self.done / self.total:.0f}%)"
            if rate and self.done < self.total:
                text += f", about {int((self.total - self.done) / rate)}s left"
        return text + f", {rate:,.0f} {self.unit}/s"


class Writer:
    """COPY rows into the domain tables on one Django connection.

    ``counts`` and ``seconds`` per table feed the summary and the benchmark."""

    def __init__(self, connection, default_time, log=None):
        self.connection = connection
        self.default_time = default_time
        self.log = log
        self.specs = {}
        self.counts = {}
        self.seconds = {}
        self._next_id = {}

    def spec(self, model):
        if model not in self.specs:
            self.specs[model] = TableSpec(model)
        return self.specs[model]

    # Ids -----------------------------------------------------------------------

    def ids(self, model, count):
        """Reserve ``count`` new ids of ``model``'s table; returns the first.

        Ids come from the table's own sequence, moved past the block with
        ``setval``, so rows written later by the application never collide
        with demo rows (and a rolled-back block only leaves a gap)."""
        spec = self.spec(model)
        if not spec.auto_pk:
            raise DemoDataError(f"{spec.label}: its primary key is not a sequence")
        # The calling thread's own connection: the order step reserves ids
        # on the thread that builds its batches (sequences are not
        # transactional, so every session sees the block at once).
        with connections[self.connection.alias].cursor() as cursor:
            if model not in self._next_id:
                # Past the sequence and past any row written with an explicit id.
                cursor.execute(
                    f"SELECT greatest(nextval(pg_get_serial_sequence(%s, %s)), "
                    f"(SELECT coalesce(max({spec.pk_column}), 0) + 1 FROM {spec.quoted}))",
                    [spec.quoted, spec.pk_column],
                )
            else:
                cursor.execute(
                    "SELECT greatest(nextval(pg_get_serial_sequence(%s, %s)), %s)",
                    [spec.quoted, spec.pk_column, self._next_id[model]],
                )
            first = cursor.fetchone()[0]
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                [spec.quoted, spec.pk_column, first + count - 1 if count else first],
            )
        self._next_id[model] = first + count
        return first

    # COPY ------------------------------------------------------------------------

    def encoder(self):
        return RowEncoder(self)

    def copy(self, model, rows, progress=None, quiet=False):
        """COPY ``rows`` (dicts) into ``model``'s table; returns how many.

        A big COPY reports its rate unless ``quiet`` (a batched step reports
        its own progress)."""
        if not rows:
            return 0
        started = time.monotonic()
        return self.send(self.encoder().encode(model, rows), progress, quiet, started)

    def send(self, encoded, progress=None, quiet=False, started=None):
        """COPY rows ``encoded`` before (``RowEncoder``); returns how many.

        ``seconds`` count from ``started`` (the formatting included) if given,
        else from now: the server's work and sending only."""
        if not encoded.rows:
            return 0
        spec = self.spec(encoded.model)
        if started is None:
            started = time.monotonic()
        with (
            transaction.atomic(using=self.connection.alias),
            self.connection.cursor() as cursor,
        ):
            # COPY goes around the execute wrapper that names the audit actor.
            set_actor_for_transaction(self.connection)
            with cursor.cursor.copy(spec.copy_sql()) as copy:
                copy.write(encoded.data)
        elapsed = time.monotonic() - started
        rows = encoded.rows
        self.counts[spec.label] = self.counts.get(spec.label, 0) + rows
        self.seconds[spec.label] = self.seconds.get(spec.label, 0.0) + elapsed
        if progress is not None:
            progress.advance(rows)
        elif self.log and not quiet and rows >= BIG_COPY:
            self.log(f"  {spec.label}: {rows:,} rows, {rows / elapsed:,.0f} rows/s")
        return rows

    def progress(self, label, total, unit="rows"):
        return Progress(label, total, self.log, unit=unit)
