"""One reader of pg_catalog: the drift snapshot and the documented catalog
are built from the same rows, read once under the same rendering rules, and
the tooling's smaller questions (tables, partitions, triggers, foreign keys)
are asked of the same module."""

import inspect

import pytest
from django.db import connection

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops import catalog
from gatimitra.ops.catalog import (
    SESSION_SETTINGS,
    foreign_keys,
    normalise_sql,
    partitions_of,
    read_catalog,
    read_rows,
    snapshot,
    tables_in,
    triggers_on,
)

pytestmark = pytest.mark.django_db


def test_both_builders_run_no_query_of_their_own():
    for builder in (catalog.snapshot, catalog.read_catalog):
        source = inspect.getsource(builder)
        assert "read_rows(" in source, builder.__name__
        assert "execute" not in source, builder.__name__
        assert "pg_" not in source, builder.__name__


def test_both_builders_get_their_rows_from_the_one_reader(monkeypatch):
    calls = []

    def spy(connection_, schemas, pattern="%"):
        rows = read_rows(connection_, schemas, pattern)
        calls.append((list(schemas), pattern, rows))
        return rows

    monkeypatch.setattr(catalog, "read_rows", spy)
    snap = catalog.snapshot(connection, DOMAIN_SCHEMAS)
    documented = catalog.read_catalog(connection)
    assert [(schemas, pattern) for schemas, pattern, _ in calls] == [
        (list(DOMAIN_SCHEMAS), "%"),
        (list(DOMAIN_SCHEMAS), "%"),
    ]
    assert snap.tables and documented.tables
    assert len(calls[0][2].relations) == len(calls[1][2].relations)


def test_snapshot_and_catalog_agree_on_every_domain_schema():
    snap = snapshot(connection, DOMAIN_SCHEMAS)
    documented = read_catalog(connection)
    assert {table.schema for table in documented.tables.values()} == set(DOMAIN_SCHEMAS)

    tables = {key for key, (kind, _comment, _key) in snap.tables.items() if kind in ("r", "p")}
    assert tables == set(documented.tables)
    for key, (_kind, comment, partition_key) in snap.tables.items():
        if key in documented.tables:
            table = documented.tables[key]
            assert (table.comment, table.partition_key) == (comment, normalise_sql(partition_key))

    columns = {
        (schema, table.name, column.name): (
            column.type,
            column.not_null,
            column.default,
            column.generated,
            column.comment,
        )
        for (schema, _name), table in documented.tables.items()
        for column in table.columns
    }
    assert columns == {
        key: (type_, not_null, normalise_sql(default), generated, comment)
        for key, (type_, not_null, default, _identity, generated, _coll, comment) in (
            snap.columns.items()
        )
        if key[:2] in documented.tables
    }

    constraints = {
        (schema, table.name, name): (kind, definition)
        for (schema, _name), table in documented.tables.items()
        for name, kind, definition, _index in table.constraints
    }
    assert constraints == {
        key: (kind, normalise_sql(definition))
        for key, (kind, definition, _deferrable, _deferred) in snap.constraints.items()
        if kind in ("p", "u", "c", "x")
    }
    assert constraints, "no constraints read"

    keys_from_domains = {
        (fk.schema, fk.table, fk.name)
        for fk in documented.foreign_keys
        if fk.schema in DOMAIN_SCHEMAS
    }
    assert keys_from_domains == {
        key for key, (kind, *_rest) in snap.constraints.items() if kind == "f"
    }
    assert any(fk.cross_schema for fk in documented.foreign_keys)

    triggers = {
        (schema, table.name, name)
        for (schema, _name), table in documented.tables.items()
        for name, _definition in table.triggers
    }
    assert triggers == set(snap.triggers)


def _session_settings():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s)" for _ in SESSION_SETTINGS),
            list(SESSION_SETTINGS),
        )
        return cursor.fetchone()


def test_definitions_render_under_the_readers_settings_and_the_session_keeps_its_own():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE SCHEMA catalog_lab;
            CREATE TABLE catalog_lab.marks (
                id bigint PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT '2026-01-01 05:30:00+05:30'
            );
            SET TimeZone = 'Asia/Kolkata';
            SET DateStyle = 'ISO, DMY';
            """
        )
    before = _session_settings()
    snap = snapshot(connection, ["catalog_lab"])
    documented = read_catalog(connection, ["catalog_lab"])
    assert _session_settings() == before
    # Printed in UTC whatever the session's TimeZone: drift compares two
    # sessions, and the docs must be the same bytes on every machine.
    default = "'2026-01-01 00:00:00+00'::timestamp with time zone"
    assert snap.columns["catalog_lab", "marks", "at"][2] == default
    assert documented.tables["catalog_lab", "marks"].column("at").default == default


def test_focused_questions():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE SCHEMA catalog_lab;
            CREATE SCHEMA catalog_other;
            CREATE TABLE catalog_other.cities (id bigint PRIMARY KEY);
            CREATE TABLE catalog_lab.zones (
                id bigint PRIMARY KEY,
                city_id bigint NOT NULL REFERENCES catalog_other.cities
            );
            CREATE TABLE catalog_lab.pings (
                at date NOT NULL,
                zone_id bigint REFERENCES catalog_lab.zones
            ) PARTITION BY RANGE (at);
            CREATE TABLE catalog_lab.pings_p20261124 PARTITION OF catalog_lab.pings
                FOR VALUES FROM ('2026-11-24') TO ('2026-11-25');
            CREATE TABLE catalog_lab.pings_default PARTITION OF catalog_lab.pings DEFAULT;
            CREATE FUNCTION catalog_lab.refuse() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;
            CREATE TRIGGER zones_no_truncate BEFORE TRUNCATE ON catalog_lab.zones
                FOR EACH STATEMENT EXECUTE FUNCTION catalog_lab.refuse();
            CREATE TRIGGER zones_off BEFORE DELETE ON catalog_lab.zones
                FOR EACH ROW EXECUTE FUNCTION catalog_lab.refuse();
            ALTER TABLE catalog_lab.zones DISABLE TRIGGER zones_off;
            """
        )
        assert tables_in(cursor, "catalog_lab") == ["pings", "zones"]
        assert tables_in(cursor, "catalog_lab", partitions=True) == [
            "pings",
            "pings_default",
            "pings_p20261124",
            "zones",
        ]
        assert partitions_of(cursor, "catalog_lab.pings") == [
            ("pings_default", "DEFAULT"),
            ("pings_p20261124", "FOR VALUES FROM ('2026-11-24') TO ('2026-11-25')"),
        ]
        # The foreign key's internal triggers are PostgreSQL's, not the table's.
        assert triggers_on(cursor, "catalog_lab.zones") == {
            "zones_no_truncate": "O",
            "zones_off": "D",
        }
        keys = foreign_keys(cursor, ["catalog_lab"])
        # Declared keys only: not the copies on each partition of pings.
        assert [
            (fk.schema, fk.table, fk.columns, fk.target_schema, fk.target_table) for fk in keys
        ] == [
            ("catalog_lab", "pings", ("zone_id",), "catalog_lab", "zones"),
            ("catalog_lab", "zones", ("city_id",), "catalog_other", "cities"),
        ]
        assert [fk.table for fk in foreign_keys(cursor, ["catalog_other"])] == ["zones"]
        assert "catalog_lab" in {fk.schema for fk in foreign_keys(cursor)}
        assert keys[1].definition == ("FOREIGN KEY (city_id) REFERENCES catalog_other.cities(id)")
    documented = read_catalog(connection, ["catalog_lab"])
    assert [(fk.schema, fk.table, fk.target_table) for fk in documented.foreign_keys] == [
        (fk.schema, fk.table, fk.target_table) for fk in keys
    ]
