"""Commands that truncate or load demo data refuse on a database not marked
as a development database (gatimitra/guards.py), and say why."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from demo.management.commands.start import Command as Start
from gatimitra import guards
from merchants.models import MerchantCuisine


@pytest.fixture
def unmarked(db):
    """The test database without its marker (put back when the test's transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {guards.MARKER_TABLE}")
    assert not guards.is_development()


@pytest.mark.parametrize(
    ("command", "options", "named"),
    [
        ("seed_demo", {}, "seed_demo refused"),
        ("seed_demo", {"reset": True}, "seed_demo --reset refused"),
        ("flush", {"interactive": False}, "flush refused"),
        ("start", {"no_serve": True}, "start refused"),
    ],
    ids=["seed_demo", "seed_demo-reset", "flush", "start"],
)
def test_demo_data_commands_refuse_an_unmarked_database(unmarked, command, options, named):
    before = MerchantCuisine.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command(command, verbosity=0, **options)
    message = str(refused.value)
    assert message.startswith(named)
    assert "is not marked as a development database" in message
    assert guards.FLAG in message
    assert MerchantCuisine.objects.count() == before


def _demo_fixture(tmp_path):
    path = tmp_path / "950_cuisines_demo.json"
    path.write_text(
        json.dumps(
            [
                {
                    "model": "merchants.merchantcuisine",
                    "pk": 9501,
                    "fields": {"code": "TEST_DEMO", "name": "Demo", "display_order": 5},
                }
            ]
        )
    )
    return path


def test_demo_fixtures_need_a_development_database_or_the_flag(unmarked, tmp_path):
    path = _demo_fixture(tmp_path)
    with pytest.raises(CommandError, match=r"seed of demo fixtures \(950_cuisines_demo.json\)"):
        call_command("seed", str(path), verbosity=0)
    assert not MerchantCuisine.objects.filter(pk=9501).exists()
    call_command("seed", str(path), not_production=True, verbosity=0)
    assert MerchantCuisine.objects.filter(pk=9501).exists()


def test_seeds_that_are_not_demo_data_load_anywhere(unmarked, tmp_path):
    path = _demo_fixture(tmp_path).rename(tmp_path / "950_cuisines.json")
    call_command("seed", str(path), verbosity=0)
    assert MerchantCuisine.objects.filter(pk=9501).exists()


def test_the_test_database_is_marked_and_flush_leaves_the_marker(db):
    assert guards.is_development()
    guards.require_development("seed_demo", not_production=False)
    tables = connection.introspection.django_table_names(only_existing=True)
    assert guards.MARKER_TABLE not in tables  # flush empties only these


def test_start_marks_only_a_database_it_builds_in_development(db, settings, monkeypatch):
    start = Start()
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    settings.DEBUG = True
    assert start._check_database(not_production=False) is True  # fresh: build and mark
    settings.DEBUG = False
    with pytest.raises(CommandError, match="start refused: DJANGO_DEBUG is off"):
        start._check_database(not_production=False)
    assert start._check_database(not_production=True) is True
    monkeypatch.undo()
    assert start._check_database(not_production=False) is False  # marked already


def test_plain_loaddata_of_a_demo_fixture_is_guarded_too(unmarked, tmp_path):
    path = _demo_fixture(tmp_path)
    with pytest.raises(CommandError, match=r"loaddata of demo fixtures \(950_cuisines_demo.json\)"):
        call_command("loaddata", str(path), verbosity=0)
    call_command("loaddata", str(path), not_production=True, verbosity=0)
    assert MerchantCuisine.objects.filter(pk=9501).exists()
