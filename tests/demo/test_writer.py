"""demo.writer formats rows for COPY ahead of sending them (``RowEncoder``):
the bytes must be those psycopg's ``Copy.write_row`` sends for the same rows,
which is how the seed wrote every row before."""

import copy
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from psycopg.copy import LibpqWriter

from demo.writer import TableSpec, Writer
from orders.models import ExternalProviderCallback, OrderPayment
from riders.models import LocationLog

IST = ZoneInfo("Asia/Kolkata")
AT = datetime(2026, 11, 20, 18, 0, tzinfo=IST)
#: Text COPY escapes these; the JSON dumper has its own rules.
AWKWARD = ["plain", "tab\there", "new\nline", "back\\slash", "CR\r", "नमस्ते ₹", "", "\\N"]


class Recording(LibpqWriter):
    """psycopg's own writer, keeping what it sends."""

    def __init__(self, cursor):
        super().__init__(cursor)
        self.sent = bytearray()

    def write(self, data):
        self.sent += data
        super().write(data)


def _value(field, n):
    """A value for ``field`` of row ``n``, awkward where the type allows."""
    kind = field.get_internal_type()
    if kind in ("CharField", "TextField"):
        text = AWKWARD[n % len(AWKWARD)]
        return text[: field.max_length] if field.max_length else text
    if kind == "JSONField":
        return {"n": n, "text": AWKWARD[n % len(AWKWARD)], "nested": [1, None, {"a": "b"}]}
    if kind == "DecimalField":
        return Decimal(n * 37) / 100 - Decimal("1.5")
    if kind == "DateTimeField":
        return AT + timedelta(seconds=n * 97, microseconds=n)
    if kind == "DateField":
        return date(2026, 1, 1) + timedelta(days=n)
    if kind == "BooleanField":
        return n % 2 == 0
    if kind in ("FloatField",):
        return n / 3
    if kind.startswith("Small") or kind.startswith("PositiveSmall"):
        return n % 300
    if kind.endswith("IntegerField") or kind.endswith("AutoField") or kind == "ForeignKey":
        return n * 1_000_003
    raise AssertionError(f"no test value for {field} ({kind})")


def _rows(model, count):
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    rows = []
    for n in range(count):
        row = {f.column: _value(f, n) for f in fields}
        if n % 3 == 0:  # columns left out take the spec's defaults
            for f in fields:
                if f.null and not f.primary_key:
                    row.pop(f.column)
        rows.append(row)
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("model", [ExternalProviderCallback, OrderPayment, LocationLog])
def test_rows_formatted_ahead_are_the_bytes_write_row_sends(model):
    writer = Writer(connection, default_time=AT)
    spec = TableSpec(model)
    # Enough rows to cross psycopg's 32 kB buffer more than once.
    rows = _rows(model, 1_500)
    encoded = writer.encoder().encode(model, copy.deepcopy(rows))

    columns = ", ".join(f'"{c}"' for c in spec.columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute(f"CREATE TEMP TABLE probe (LIKE {spec.quoted})")
        recording = Recording(raw)
        with raw.copy(f"COPY probe ({columns}) FROM STDIN", writer=recording) as out:
            for values in copy.deepcopy(rows):
                out.write_row(spec.row(values, AT))
        cursor.execute("SELECT count(*) FROM probe")
        assert cursor.fetchone()[0] == len(rows)
        cursor.execute("DROP TABLE probe")

    assert encoded.rows == len(rows)
    assert encoded.data == bytes(recording.sent)
