"""The project's autodetector composes with another package's (django-pgtrigger
replaces Django's when its app is ready): a new domain app's first migration
gets both the project's CreateSchema and the other package's operations."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management.commands import makemigrations as django_makemigrations
from django.core.management.commands import migrate as django_migrate
from django.db.migrations.autodetector import MigrationAutodetector

from gatimitra.db.autodetector import SchemaAwareMixin
from gatimitra.management.commands import makemigrations, migrate

ROOT = Path(__file__).resolve().parents[2]


class OtherAutodetector(MigrationAutodetector):
    """Stands for a package's autodetector, installed as django-pgtrigger does."""


def test_commands_put_the_project_autodetector_on_the_installed_one(monkeypatch):
    for django_command, command in (
        (django_makemigrations, makemigrations),
        (django_migrate, migrate),
    ):
        monkeypatch.setattr(django_command.Command, "autodetector", OtherAutodetector)
        autodetector = command.Command().autodetector
        assert issubclass(autodetector, SchemaAwareMixin)
        assert issubclass(autodetector, OtherAutodetector)
        # Composed once, not a new class on every use.
        assert command.Command().autodetector is autodetector


def test_makemigrations_with_django_pgtrigger():
    # A server that refuses connections: makemigrations only warns that it
    # could not check the history, and writes nothing with --dry-run.
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "triggerlab", "--dry-run", "-v", "3"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.triggerlab.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/triggerlab",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    source = result.stdout
    operations = [
        source.index(operation)
        for operation in (
            "gatimitra.db.operations.CreateSchema(",  # the project's autodetector
            "migrations.CreateModel(",
            "pgtrigger.migrations.AddTrigger(",  # django-pgtrigger's
        )
    ]
    assert operations == sorted(operations), source
    assert "name='triggerlab'" in source and "receipts_protect_delete" in source
