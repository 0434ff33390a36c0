"""``migration_snapshot`` refuses a migration whose recorded SQL changed:
``--check`` names it, and writing the snapshot does not overwrite its record
(the recording itself, a scratch database migrated one by one, is replaced
by the snapshot's own statements here, as the one-by-one build is proven
identical in test_migration_snapshot)."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from gatimitra.management.commands import migration_snapshot
from gatimitra.ops import snapshot

DISPATCH = ("orders", "0005_enforce_dispatch_rules")


@pytest.fixture
def current():
    return json.loads(snapshot.SNAPSHOT_PATH.read_text())


@pytest.fixture
def recorded_as(monkeypatch):
    """Make the fresh recording return ``migrations``."""

    def use(migrations):
        monkeypatch.setattr(
            migration_snapshot.Command, "record", lambda self, connection: migrations
        )

    return use


def _entry(document, key):
    return next(e for e in document["migrations"] if (e["app"], e["name"]) == key)


def _rewritten(document):
    """``document`` with orders 0005's fourth statement rewritten, as a later
    edit of the live constant would make it run."""
    changed = copy.deepcopy(document)
    statements = _entry(changed, DISPATCH)["statements"]
    statements[3] = statements[3].replace("current_date", "now()::date")
    statements[3] += "\n-- rewritten"
    return changed


def test_changed_sql_names_the_migration_and_the_statement(current):
    changed = snapshot.changed_sql(current, _rewritten(current)["migrations"])
    assert [(app, name) for app, name, _ in changed] == [DISPATCH]
    assert changed[0][2].startswith("statement 4 of 7 differs: ")


def test_changed_sql_counts_added_and_dropped_statements(current):
    longer = copy.deepcopy(current)
    _entry(longer, DISPATCH)["statements"].append("SELECT 1")
    shorter = copy.deepcopy(current)
    _entry(shorter, DISPATCH)["statements"].pop()
    assert snapshot.changed_sql(current, longer["migrations"]) == [
        (*DISPATCH, "runs 1 more statement(s): SELECT 1")
    ]
    ((_, _, why),) = snapshot.changed_sql(current, shorter["migrations"])
    assert why.startswith("no longer runs statement 7: ")


def test_unchanged_recording_changes_nothing(current):
    assert snapshot.changed_sql(current, copy.deepcopy(current)["migrations"]) == []


def test_check_names_the_migration_whose_sql_changed(current, recorded_as, settings, tmp_path):
    stale = dict(current, sql_modules="edited")
    settings.MIGRATION_SNAPSHOT_PATH = tmp_path / "snapshot.json"
    settings.MIGRATION_SNAPSHOT_PATH.write_text(json.dumps(stale))
    recorded_as(_rewritten(current)["migrations"])
    with pytest.raises(CommandError) as refused:
        call_command("migration_snapshot", "--check")
    assert "applied migrations changed meaning" in str(refused.value)
    assert "orders.0005_enforce_dispatch_rules (statement 4 of 7 differs" in str(refused.value)


def test_check_with_edited_modules_but_the_same_sql_asks_only_for_the_digest(
    current, recorded_as, settings, tmp_path
):
    settings.MIGRATION_SNAPSHOT_PATH = tmp_path / "snapshot.json"
    settings.MIGRATION_SNAPSHOT_PATH.write_text(json.dumps(dict(current, sql_modules="edited")))
    recorded_as(copy.deepcopy(current)["migrations"])
    with pytest.raises(CommandError) as refused:
        call_command("migration_snapshot", "--check")
    assert "no recorded SQL changed" in str(refused.value)
    assert "changed meaning" not in str(refused.value)


def test_writing_refuses_to_overwrite_changed_sql(current, recorded_as, settings, tmp_path):
    settings.MIGRATION_SNAPSHOT_PATH = tmp_path / "snapshot.json"
    settings.MIGRATION_SNAPSHOT_PATH.write_text(json.dumps(current))
    recorded_as(_rewritten(current)["migrations"])
    with pytest.raises(CommandError) as refused:
        call_command("migration_snapshot")
    assert "not written: orders.0005_enforce_dispatch_rules" in str(refused.value)
    assert json.loads(settings.MIGRATION_SNAPSHOT_PATH.read_text()) == current

    call_command("migration_snapshot", "--accept-changed", "orders.0005_enforce_dispatch_rules")
    written = json.loads(settings.MIGRATION_SNAPSHOT_PATH.read_text())
    assert _entry(written, DISPATCH)["statements"][3].endswith("-- rewritten")


def test_writing_refuses_to_change_frozen_operation_sql(current, monkeypatch):
    from gatimitra.ops import frozen_operations

    covered = {(entry["app"], entry["name"]) for entry in current["migrations"]}
    kept = frozen_operations.frozen(covered)
    key = ("orders", "0003_add_order_rules")
    edited = copy.deepcopy(kept)
    edited[key][0]["forward"][0] += " -- edited generator"
    monkeypatch.setattr(frozen_operations, "generate", lambda keys, database: edited)
    monkeypatch.setattr(frozen_operations, "write", lambda *args: pytest.fail("written"))
    with pytest.raises(CommandError) as refused:
        migration_snapshot.Command._freeze_operations(current["migrations"], [], "default")
    assert "not written: orders.0003_add_order_rules (operation 0" in str(refused.value)
    assert "generates different forward SQL" in str(refused.value)
