"""Audit 0016 builds a bulk statement's entries from text: ``changes`` as
jsonb prints it (read back as jsonb) and the row hash over the same text
``audit.row_hash`` hashes. The entries must be those of the earlier captures
byte for byte, so the values jsonb escapes or prints its own way are here:
quotes, backslashes, control characters, unicode (and a line separator),
empty strings, NULLs and JSON nulls, numeric scale, NaN and infinities,
timestamps in a zone with a half-hour offset, arrays, inet, cidr, uuid,
jsonb, citext, personal values shorter than their mask, and a text key that
needs escaping. Every statement runs on both paths (fewer rows than
``BULK_FROM_ROWS``: 0012's static statements; more: the built statement)."""

import json

import pytest
from django.db import connection

from audit import sql
from tests.audit.test_capture_cheaper import (
    EARLIER,
    entries,
    install_earlier_capture,
    last_ids,
    unverifiable,
)

BULK = sql.BULK_FROM_ROWS
MANY = BULK + 9

EDGE_TABLE = """
CREATE TABLE public.capture_edge_probe (
    id bigint PRIMARY KEY, owner_id bigint, stage text NOT NULL, note text,
    label varchar(60), email citext, amount numeric, price numeric(8, 2), small smallint,
    whole integer, flag boolean, day date, at timestamptz, local_at timestamp, clock time,
    doc jsonb, tags varchar(20)[], ip inet, net cidr, token uuid,
    p_text text, p_varchar varchar(40), p_citext citext, p_date date, p_numeric numeric,
    updated_at timestamptz NOT NULL DEFAULT now()
)"""
EDGE_PERSONAL = ["p_text", "p_varchar", "p_citext", "p_date", "p_numeric"]

#: One value per row n of each column, cycling through the edge cases.
EDGE_VALUES = """
    n + {shift}, n % 4, CASE WHEN n % 3 = 0 THEN 'DONE' ELSE 'NEW' END,
    CASE n % 7 WHEN 0 THEN NULL WHEN 1 THEN E'quote " back \\\\ slash' || n
        WHEN 2 THEN E'new\\nline\\ttab\\x01\\x1f\\b\\f\\r' WHEN 3 THEN 'é€😀 ' || chr(8232) || n
        WHEN 4 THEN '' WHEN 5 THEN '\\u0041 not an escape' ELSE 'plain ' || n END,
    CASE n % 5 WHEN 0 THEN NULL WHEN 1 THEN E'"' WHEN 2 THEN E'\\\\' WHEN 3 THEN 'ünï ' || n
        ELSE 'label ' || n END,
    CASE n % 4 WHEN 0 THEN NULL WHEN 1 THEN 'Mixed.Case"' || n || '@X.in'
        ELSE E'back\\\\slash' || n || '@x.in' END,
    CASE n % 8 WHEN 0 THEN NULL WHEN 1 THEN 'NaN'::numeric WHEN 2 THEN 'Infinity'::numeric
        WHEN 3 THEN '-Infinity'::numeric WHEN 4 THEN 1.50 WHEN 5 THEN -0.0010
        WHEN 6 THEN 1e20 ELSE 123456789.123456789 END,
    CASE WHEN n % 6 > 0 THEN n * 1.5 END, n::smallint, -n,
    CASE n % 3 WHEN 0 THEN NULL WHEN 1 THEN true ELSE false END,
    date '2026-01-01' + n,
    CASE WHEN n % 5 > 0 THEN timestamptz '2026-03-01 10:00:00.123456+05:30'
        + n * interval '1 hour 1.5 seconds' END,
    timestamp '2026-03-01 23:59:59.5' + n * interval '1 day',
    CASE WHEN n % 2 = 0 THEN time '10:00:00.25' + n * interval '1 minute' END,
    CASE n % 6 WHEN 0 THEN NULL WHEN 1 THEN '{"b": [1.0, 2.50, "x\\"y"], "a": {"é": null}}'::jsonb
        WHEN 2 THEN '"scalar é \\\\ \\u0001"'::jsonb WHEN 3 THEN 'null'::jsonb
        WHEN 4 THEN '12.3400'::jsonb ELSE '[]'::jsonb END,
    CASE n % 4 WHEN 0 THEN NULL WHEN 1 THEN ARRAY['a"b', NULL, E'c\\\\d']::varchar(20)[]
        WHEN 2 THEN '{}'::varchar(20)[] ELSE ARRAY['é', 'x' || n]::varchar(20)[] END,
    CASE n % 3 WHEN 0 THEN NULL WHEN 1 THEN ('10.0.0.' || n)::inet ELSE '::1/128'::inet END,
    CASE WHEN n % 2 = 0 THEN '10.0.0.0/8'::cidr END,
    md5(n::text)::uuid,
    CASE n % 5 WHEN 0 THEN NULL WHEN 1 THEN E'Q"uote \\\\ ' || n WHEN 2 THEN 'ab'
        WHEN 3 THEN '' ELSE 'é€😀x' || chr(10) END,
    CASE n % 4 WHEN 0 THEN NULL WHEN 1 THEN '+9198' || lpad(n::text, 8, '0') WHEN 2 THEN 'é"'
        ELSE 'x' END,
    CASE WHEN n % 3 > 0 THEN 'Ünï"Çödé.' || n || '@X.in' END,
    CASE WHEN n % 2 = 0 THEN date '1990-01-01' + n END,
    CASE n % 3 WHEN 0 THEN NULL WHEN 1 THEN 12345.60 + n ELSE 'NaN'::numeric END
"""


def edge_insert(first, last, shift=0):
    return (
        "INSERT INTO capture_edge_probe SELECT "
        + EDGE_VALUES.replace("{shift}", str(shift))
        + f", now() FROM generate_series({first}, {last}) n"
    )


EDGE_STATEMENTS = [
    ("insert many", edge_insert(1, MANY)),
    ("insert a few", edge_insert(1, 3, shift=1000)),
    (
        "update many, some unchanged",
        "UPDATE capture_edge_probe SET "
        "note = CASE WHEN id % 3 = 0 THEN note ELSE coalesce(note, E'was \\\\ null') || '\"' END, "
        "amount = CASE WHEN id % 2 = 0 THEN amount * 1.0 ELSE amount + 0.5 END, "
        "doc = CASE WHEN jsonb_typeof(doc) = 'object' "
        "THEN jsonb_set(doc, '{a}', to_jsonb('ü\"' || chr(92))) ELSE doc END, "
        "tags = CASE WHEN id % 4 = 3 THEN tags || 'z\"'::varchar(20) ELSE tags END, "
        "p_text = CASE WHEN id % 5 = 1 THEN NULL ELSE p_text END, "
        "p_citext = CASE WHEN id % 3 = 1 THEN upper(p_citext::text)::citext ELSE p_citext END, "
        "stage = CASE WHEN id % 7 = 0 THEN 'LATE' ELSE stage END, updated_at = now() "
        "WHERE id < 1000",
    ),
    (
        "update a few",
        "UPDATE capture_edge_probe SET note = E'few \"\\\\', p_varchar = 'é', "
        "at = at + interval '0.000001 s' WHERE id >= 1000",
    ),
    (
        "update many to nulls",
        "UPDATE capture_edge_probe SET note = NULL, label = NULL, email = NULL, amount = NULL, "
        "tags = NULL, ip = NULL, p_varchar = NULL, p_date = NULL, p_numeric = NULL "
        "WHERE id < 1000",
    ),
    # JSON null to SQL NULL is no change (0012 compares the rows' jsonb); the others are.
    ("update many JSON nulls to SQL nulls", "UPDATE capture_edge_probe SET doc = NULL"),
    ("update many keys", "UPDATE capture_edge_probe SET id = id + 5000 WHERE id < 1000"),
    ("delete a few", "DELETE FROM capture_edge_probe WHERE id BETWEEN 1000 AND 2000"),
    ("delete many", "DELETE FROM capture_edge_probe"),
]

KEYED_TABLE = """
CREATE TABLE public.capture_keyed_probe (
    code text PRIMARY KEY, owner text, note text, mobile varchar(20),
    updated_at timestamptz NOT NULL DEFAULT now()
)"""
KEYED_STATEMENTS = [
    (
        "insert many",
        "INSERT INTO capture_keyed_probe SELECT E'k\"\\\\' || n || 'é' || chr(9), "
        "(n % 3)::text, 'note ' || n, CASE WHEN n % 2 = 0 THEN '98' || n END, now() "
        f"FROM generate_series(1, {MANY}) n",
    ),
    ("update many", "UPDATE capture_keyed_probe SET note = note || E'\\\\\"'"),
    ("update many keys", "UPDATE capture_keyed_probe SET code = code || '→'"),
    ("delete a few", "DELETE FROM capture_keyed_probe WHERE owner = '1' AND note LIKE 'note 1%'"),
    ("delete many", "DELETE FROM capture_keyed_probe"),
]


@pytest.fixture(params=sorted(EARLIER))
def edge_tables(db, request):
    """The scratch tables with two captures: the current one into
    system_audit_logs, an earlier one into order_audit_logs."""
    with connection.cursor() as cursor:
        cursor.execute(EDGE_TABLE)
        cursor.execute(KEYED_TABLE)
        for table, subject, personal, key in (
            ("public.capture_edge_probe", "owner_id", EDGE_PERSONAL, "id"),
            ("public.capture_keyed_probe", "owner", ["mobile"], "code"),
        ):
            for statement in sql.capture_statements(
                table, "system_audit_logs", subject, personal, key
            ):
                cursor.execute(statement)
            install_earlier_capture(
                cursor, request.param, table, "order_audit_logs", subject, personal, key
            )
        # A zone with a half-hour offset: timestamps print with it.
        cursor.execute("SET LOCAL TIME ZONE 'Asia/Kolkata'")
    return request.param


#: Audit 0015's built statement took a jsonb column's JSON null and SQL NULL
#: for different values (an entry ``[null, null]``); 0012 and 0016 do not.
JSON_NULLS = "update many JSON nulls to SQL nulls"


def compare(cursor, name, statement, earlier=None):
    now, before = last_ids(cursor, "system_audit_logs", "order_audit_logs")
    cursor.execute(statement)
    rows = cursor.rowcount
    current = entries(cursor, "system_audit_logs", now)
    if earlier == "0015" and name == JSON_NULLS:
        extra = entries(cursor, "order_audit_logs", before) - current
        assert extra, "0015 wrote an entry for each JSON null set to NULL"
        assert all(json.loads(entry[6]) == {"doc": [None, None]} for entry in extra)
        assert entries(cursor, "order_audit_logs", before) - extra == current
    else:
        assert current == entries(cursor, "order_audit_logs", before), name
    assert unverifiable(cursor, "system_audit_logs", now) == 0, name
    if " many" in name:
        assert rows >= BULK, f"{name}: {rows} rows, not enough for the bulk path"
    else:
        assert 0 < rows < BULK, f"{name}: {rows} rows, not the static path"
    return rows, current


def test_edge_values_give_the_same_entries_and_hashes(edge_tables):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, statement in EDGE_STATEMENTS:
            rows, current = compare(cursor, name, statement, edge_tables)
            assert current, name
            if name == JSON_NULLS:
                assert all(json.loads(entry[6])["doc"] != [None, None] for entry in current)
            if name == "update many keys":
                assert sum(current.values()) == 2 * rows, "the old key and the new: an entry each"
        cursor.execute(
            "SELECT count(*) FROM audit.system_audit_logs "
            "WHERE table_name = 'capture_edge_probe' AND changes::text LIKE '%\"NaN\"%' "
            "AND changes::text LIKE '%\\\\u0001%' AND changes::text LIKE '%masked%'"
        )
        assert cursor.fetchone()[0] > 0, "NaN, control characters and redaction were captured"


def test_a_key_that_needs_escaping_gives_the_same_entries_and_hashes(edge_tables):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, statement in KEYED_STATEMENTS:
            rows, current = compare(cursor, name, statement)
            assert current, name
            assert all('"' in entry[3] for entry in current), "row_pk is the escaped text key"
            if name == "update many keys":
                assert sum(current.values()) == 2 * rows, "the old key and the new: an entry each"
