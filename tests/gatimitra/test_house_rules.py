"""The house rules are system checks that fire; configuration errors are one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from gatimitra import checks
from gatimitra.apps import DomainConfig
from gatimitra.db.models import AppendOnlyModel
from gatimitra.db.tables import schema_table

ROOT = Path(__file__).resolve().parents[2]


class _StubDomain(DomainConfig):
    """An app config for the riders schema whose models the test chooses."""

    def __init__(self, models_):
        super().__init__("riders", apps.get_app_config("riders").module)
        self.label = "riders"
        self.db_schema = "riders"
        self._stub_models = models_

    def get_models(self, *args, **kwargs):
        return self._stub_models


@isolate_apps("riders")
def test_model_outside_its_domain_schema_is_an_error():
    class Misplaced(models.Model):
        class Meta:
            app_label = "riders"
            db_table = schema_table("orders", "misplaced")

    class Unqualified(models.Model):
        class Meta:
            app_label = "riders"
            db_table = "riders_unqualified"

    class Misspelled(models.Model):
        class Meta:
            app_label = "riders"
            db_table = '"riders"."misspelled"'

    class Fine(models.Model):
        class Meta:
            app_label = "riders"
            db_table = schema_table("riders", "fine")

    errors = checks.check_models_in_domain_schema(
        [_StubDomain([Misplaced, Unqualified, Misspelled, Fine])]
    )
    assert [(error.id, error.obj) for error in errors] == [
        ("gatimitra.E001", Misplaced),
        ("gatimitra.E001", Unqualified),
        ("gatimitra.E002", Misspelled),
    ]
    assert "orders.misplaced" in errors[0].msg and 'schema_table("riders"' in errors[0].hint


@isolate_apps("riders")
def test_badly_named_constraint_is_an_error():
    class Thing(models.Model):
        code = models.CharField(max_length=5)

        class Meta:
            app_label = "riders"
            db_table = schema_table("riders", "things")
            constraints = [
                models.CheckConstraint(condition=models.Q(code__gt=""), name="things_code_set"),
                models.CheckConstraint(condition=models.Q(code__gt="a"), name="code_after_a"),
                models.CheckConstraint(condition=models.Q(code__gt="b"), name="things_" + "x" * 60),
            ]

    errors = checks.check_index_and_constraint_names([_StubDomain([Thing])])
    assert [error.id for error in errors] == ["gatimitra.E004", "gatimitra.E004"]
    assert "code_after_a" in errors[0].msg
    assert "longer than 63" in errors[1].msg


@isolate_apps("riders")
def test_append_only_model_without_trigger_is_an_error(monkeypatch):
    from django.db import migrations as m
    from django.db.migrations import loader as loader_module

    class Journal(AppendOnlyModel):
        class Meta:
            app_label = "riders"
            db_table = schema_table("riders", "journal")

    class OneMigration:
        def __init__(self, *args, **kwargs):
            create = m.CreateModel("Journal", [("id", models.BigAutoField(primary_key=True))])
            self.disk_migrations = {("riders", "0002_x"): type("M", (), {"operations": [create]})()}

    # Before any migration creates it, makemigrations must be able to run.
    assert checks.check_append_only_models_have_trigger([_StubDomain([Journal])]) == []
    monkeypatch.setattr(loader_module, "MigrationLoader", OneMigration)
    errors = checks.check_append_only_models_have_trigger([_StubDomain([Journal])])
    assert [error.id for error in errors] == ["gatimitra.E005", "gatimitra.E005"]
    assert "applies AppendOnly to it" in errors[0].msg
    assert "applies RefuseTruncate to it" in errors[1].msg


def test_domain_app_without_schema_migration_is_an_error(monkeypatch):
    from django.db.migrations import loader as loader_module

    class NoMigrations:
        def __init__(self, *args, **kwargs):
            self.disk_migrations = {("riders", "0001_x"): type("M", (), {"operations": []})()}

    monkeypatch.setattr(loader_module, "MigrationLoader", NoMigrations)
    errors = checks.check_schema_created_by_migrations([apps.get_app_config("riders")])
    assert [error.id for error in errors] == ["gatimitra.E003"]


def test_project_passes_its_own_checks():
    from django.core import checks as django_checks

    assert django_checks.run_checks() == []


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgres://postgres@127.0.0.1:1/gatimitra",
            "cannot connect to PostgreSQL database 'gatimitra'",
        ),
        ("mysql://root@localhost/gatimitra", "DATABASE_URL must be a postgres:// URL"),
    ],
)
def test_bad_database_url_is_one_clear_line(url, expected):
    result = _manage("showmigrations", env={"DATABASE_URL": url})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and expected in lines[0]
