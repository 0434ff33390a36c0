import time
import uuid
from pathlib import Path

from django.core.management import BaseCommand, CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.ops import snapshot
from gatimitra.ops.reference import database_alias


class Command(BaseCommand):
    help = (
        "Build a scratch database by applying every migration one by one, recording "
        "the SQL each runs, and write gatimitra/migration_snapshot.json, which "
        "'migrate' replays on an empty database. --check exits 1 when it is out of date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--output", default=None)

    def handle(self, *args, check, database, output, **options):
        if check:
            document = snapshot.load()
            if document is None:
                raise CommandError(
                    f"{snapshot.path()} is missing; run manage.py migration_snapshot"
                )
            problems = [f"{a}.{n} {why}" for a, n, why in snapshot.stale_entries(document)]
            problems += [f"{a}.{n} not in the snapshot" for a, n in snapshot.uncovered(document)]
            if problems:
                raise CommandError(
                    "migration snapshot out of date ("
                    + "; ".join(problems[:5])
                    + (" ..." if len(problems) > 5 else "")
                    + "); run 'python manage.py migration_snapshot'"
                )
            self.stdout.write(
                f"Migration snapshot covers all {len(document['migrations'])} migrations."
            )
            return
        connection = connections[database]
        name = f"{connection.settings_dict['NAME'][:30]}_snap_{uuid.uuid4().hex[:8]}"
        quote = connection.ops.quote_name
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quote(name)}")
        target = Path(output) if output else snapshot.path()
        started = time.monotonic()
        try:
            with database_alias(connection, name) as alias:
                call_command(
                    "migrate",
                    database=alias,
                    verbosity=0,
                    interactive=False,
                    no_snapshot=True,
                    record_snapshot=str(target),
                )
        finally:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        document = snapshot.load() if not output else None
        count = len(document["migrations"]) if document else "all"
        self.stdout.write(
            f"Wrote {target} ({count} migrations) in {time.monotonic() - started:.1f}s."
        )
