"""Commands that truncate or load demo data run only on development databases.

A database is a development database when it holds the development marker row
(``gatimitra_development_marker``, made by migration gatimitra 0004):
``manage.py start`` writes it into a database it builds from nothing, and
``--i-know-this-is-not-production`` lets one command run anyway (``start``
then marks the database, so the flag is needed once). Everything else
(``start``, ``seed_demo``, ``flush``, ``seed`` of a demo fixture) refuses
and says why.
"""

import getpass
import socket

from django.core.management import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

FLAG = "--i-know-this-is-not-production"
MARKER_TABLE = "gatimitra_development_marker"


def add_flag(parser):
    parser.add_argument(
        FLAG,
        dest="not_production",
        action="store_true",
        help="Run on a database that is not marked as a development database "
        "(it may be production: this truncates or loads demo data).",
    )


def describe(using=DEFAULT_DB_ALIAS):
    settings_dict = connections[using].settings_dict
    host = settings_dict.get("HOST") or "localhost"
    return f"database {settings_dict['NAME']!r} on {host}"


def is_development(using=DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER_TABLE])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {MARKER_TABLE})")
        return cursor.fetchone()[0]


def mark_development(by: str, using=DEFAULT_DB_ALIAS) -> None:
    """Write the marker (the table comes from the migrations)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (id, marked_at, marked_by) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO NOTHING",
            [timezone.now(), f"{by} by {getpass.getuser()} on {socket.gethostname()}"],
        )


def require_development(command: str, not_production: bool, using=DEFAULT_DB_ALIAS) -> None:
    """Refuse ``command`` unless the database is marked or the flag was given."""
    if not_production or is_development(using):
        return
    raise CommandError(
        f"{command} refused: {describe(using)} is not marked as a development database, "
        f"and {command} truncates or loads demo data. If it is a development database, "
        f"run `manage.py start {FLAG}` once (it marks it); to run this once anyway, "
        f"pass {FLAG}."
    )
