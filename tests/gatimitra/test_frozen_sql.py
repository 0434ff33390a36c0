"""Applied migrations of every app run the SQL they ran when they were applied.

What a migration reads from its app's SQL module (``<app>/sql.py``,
``gatimitra/db/sql.py``) is frozen in that app's ``sqlfrozen/`` package, one
module per migration, and the SQL module re-exports those very objects, so
the migration files stay as they ran. Each frozen forward statement is what
``gatimitra/migration_snapshot.json`` recorded for its migration.
(``tests/orders/test_frozen_sql.py`` covers the orders precedent.)
"""

import ast
import importlib
import json
from pathlib import Path

import pytest

from gatimitra.db import sql as core_sql
from gatimitra.ops import frozen_operations, snapshot

ROOT = Path(__file__).resolve().parents[2]

#: app label -> (live SQL module, its frozen package)
LIVE_MODULES = {
    "access_mgmt": ("access_mgmt.sql", "access_mgmt.sqlfrozen"),
    "audit": ("audit.sql", "audit.sqlfrozen"),
    "customers": ("customers.sql", "customers.sqlfrozen"),
    "merchants": ("merchants.sql", "merchants.sqlfrozen"),
    "riders": ("riders.sql", "riders.sqlfrozen"),
    "gatimitra": ("gatimitra.db.sql", "gatimitra.db.sqlfrozen"),
}


def _live_names(tree, live):
    """Names of ``live`` the migration reads, and those it runs forward
    (the first argument of a ``RunSQL``)."""
    short = live.rsplit(".", 1)[-1]
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == live
        for alias in node.names
    }

    def name_of(node):
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) in (short, live):
            return node.attr
        if isinstance(node, ast.Name) and node.id in imported:
            return node.id
        return None

    read = {
        name for node in ast.walk(tree) if (name := name_of(node)) is not None and name.isupper()
    }
    forward = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("RunSQL"):
            first = node.args[0] if node.args else None
            first = first or next((k.value for k in node.keywords if k.arg == "sql"), None)
            if (name := name_of(first)) is not None:
                forward.add(name)
    return read, forward


def _cases():
    for app, (live, frozen) in LIVE_MODULES.items():
        folder = ROOT / ("gatimitra" if app == "gatimitra" else app) / "migrations"
        for path in sorted(folder.glob("0*.py")):
            read, forward = _live_names(ast.parse(path.read_text()), live)
            if read:
                yield pytest.param(
                    app, path.stem, live, frozen, read, forward, id=f"{app}.{path.stem}"
                )


CASES = list(_cases())


def _recorded(app, name):
    document = json.loads(snapshot.SNAPSHOT_PATH.read_text())
    return next(
        entry["statements"]
        for entry in document["migrations"]
        if entry["app"] == app and entry["name"] == name
    )


def _contains(statements, part):
    return any(statements[i : i + len(part)] == part for i in range(len(statements)))


def test_every_app_with_live_sql_in_its_migrations_is_covered():
    assert {case.values[0] for case in CASES} == set(LIVE_MODULES)


@pytest.mark.parametrize(("app", "migration", "live", "frozen", "read", "forward"), CASES)
def test_what_an_applied_migration_reads_is_frozen(app, migration, live, frozen, read, forward):
    frozen_module = importlib.import_module(f"{frozen}.m{migration}")
    live_module = importlib.import_module(live)
    for name in read:
        assert getattr(live_module, name) is getattr(frozen_module, name), (migration, name)


@pytest.mark.parametrize(("app", "migration", "live", "frozen", "read", "forward"), CASES)
def test_the_frozen_sql_is_what_the_snapshot_recorded(app, migration, live, frozen, read, forward):
    frozen_module = importlib.import_module(f"{frozen}.m{migration}")
    statements = _recorded(app, migration)
    assert forward, migration
    for name in forward:
        value = getattr(frozen_module, name)
        part = [value] if isinstance(value, str) else list(value)
        assert _contains(statements, part), (migration, name)


def _covered():
    document = json.loads(snapshot.SNAPSHOT_PATH.read_text())
    return {(entry["app"], entry["name"]) for entry in document["migrations"]}


@pytest.fixture(scope="module")
def generated_now():
    return frozen_operations.generate(_covered())


def test_applied_migrations_operations_generate_the_frozen_sql(generated_now):
    covered = _covered()
    assert generated_now, "no operation of an applied migration generates SQL?"
    assert frozen_operations.differences(frozen_operations.frozen(covered), generated_now) == []


def test_the_frozen_operation_sql_is_what_the_snapshot_recorded():
    covered = _covered()
    for (app, name), entries in frozen_operations.frozen(covered).items():
        statements = _recorded(app, name)
        for entry in entries:
            assert _contains(statements, entry["forward"]), (app, name, entry["describe"])


def test_a_changed_generator_is_named(monkeypatch):
    covered = _covered()
    key = next(
        (app, name)
        for (app, name), entries in sorted(frozen_operations.frozen(covered).items())
        if any(entry["operation"].endswith(".AppendOnly") for entry in entries)
    )
    edited = core_sql.append_only_trigger
    monkeypatch.setattr(core_sql, "append_only_trigger", lambda table: edited(table) + " ")
    problems = frozen_operations.differences(
        frozen_operations.frozen({key}), frozen_operations.generate({key})
    )
    assert problems and all(problem[:2] == key for problem in problems)
    assert "AppendOnly" in problems[0][2] and "forward SQL" in problems[0][2]
