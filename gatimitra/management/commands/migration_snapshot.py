import json
import tempfile
import time
import uuid
from pathlib import Path

from django.core.management import BaseCommand, CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.ops import frozen_operations, snapshot
from gatimitra.ops.reference import database_alias

FROZEN_HINT = (
    "An applied migration never changes meaning: give it back the SQL it ran (freeze that "
    "text in a versioned module it imports, e.g. orders/sqlfrozen/) and make the change in "
    "a new migration."
)

FROZEN_OPERATIONS_HINT = (
    "Give the generator back the SQL it produced and put the change in a new version of "
    "it beside the old one, used by a new migration (version=N; docs/migrations.md)."
)


class Command(BaseCommand):
    help = (
        "Build a scratch database by applying every migration one by one, recording "
        "the SQL each runs, and write gatimitra/migration_snapshot.json, which "
        "'migrate' replays on an empty database, and the SQL the operation classes of "
        "newly covered migrations generate (<app>/sqlfrozen/operations.json). --check "
        "exits 1 when it is out of date or when a migration it records would now run "
        "or generate different SQL (naming it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--output", default=None)
        parser.add_argument(
            "--accept-changed",
            action="append",
            default=[],
            metavar="APP.NAME",
            help="Overwrite the recorded SQL of this migration although it changed "
            "(only for a migration no database has run yet).",
        )

    def handle(self, *args, check, database, output, accept_changed, **options):
        if check:
            return self._check(connections[database])
        existing = snapshot.load() if not output else None
        target = Path(output) if output else snapshot.path()
        started = time.monotonic()
        recorded = self.record(connections[database])
        if existing is not None:
            changed = [
                (app, name, why)
                for app, name, why in snapshot.changed_sql(existing, recorded)
                if f"{app}.{name}" not in accept_changed
            ]
            if changed:
                raise CommandError(
                    f"not written: {self._describe(changed)}. {FROZEN_HINT} "
                    "(--accept-changed APP.NAME overwrites it, for a migration no "
                    "database has run yet.)"
                )
        if target.resolve() == snapshot.SNAPSHOT_PATH.resolve():
            # The operation SQL is frozen beside the project's own snapshot
            # only (a snapshot written elsewhere is a scratch copy).
            self._freeze_operations(recorded, accept_changed, database)
        snapshot.write(recorded, target)
        self.stdout.write(
            f"Wrote {target} ({len(recorded)} migrations) in {time.monotonic() - started:.1f}s."
        )

    @staticmethod
    def _freeze_operations(recorded, accept_changed, database):
        """Keep the operation SQL of every migration the snapshot covers:
        entries already kept must be generated unchanged, new ones are added."""
        keys = {(entry["app"], entry["name"]) for entry in recorded}
        generated = frozen_operations.generate(keys, database)
        kept = frozen_operations.frozen(keys)
        changed = [
            (app, name, why)
            for app, name, why in frozen_operations.differences(kept, generated)
            if (app, name) in kept and f"{app}.{name}" not in accept_changed
        ]
        if changed:
            raise CommandError(
                f"not written: {Command._describe(changed)}. {FROZEN_OPERATIONS_HINT} "
                "(--accept-changed APP.NAME overwrites it, for a migration no "
                "database has run yet.)"
            )
        frozen_operations.write(generated, {app for app, _ in keys | set(kept)})

    def _check(self, connection):
        document = snapshot.load()
        if document is None:
            raise CommandError(f"{snapshot.path()} is missing; run manage.py migration_snapshot")
        keys = {(entry["app"], entry["name"]) for entry in document["migrations"]}
        kept = frozen_operations.frozen(keys)
        operations = frozen_operations.differences(
            kept, frozen_operations.generate(keys, connection.alias)
        )
        changed = [(app, name, why) for app, name, why in operations if (app, name) in kept]
        if changed:
            raise CommandError(
                "applied migrations' operations generate other SQL than was frozen: "
                f"{self._describe(changed)}. {FROZEN_OPERATIONS_HINT}"
            )
        problems = [f"{a}.{n} {why}" for a, n, why in snapshot.stale_entries(document) if a != "*"]
        problems += [f"{a}.{n} not in the snapshot" for a, n in snapshot.uncovered(document)]
        problems += [f"{a}.{n} {why}" for a, n, why in operations if (a, n) not in kept]
        if snapshot.sql_modules_changed(document):
            # The SQL modules changed: record every migration afresh and say
            # which applied migration would now run different SQL, if any.
            changed = snapshot.changed_sql(document, self.record(connection))
            if changed:
                raise CommandError(
                    f"applied migrations changed meaning: {self._describe(changed)}. " + FROZEN_HINT
                )
            problems.append(
                "*.sql.py edited since the snapshot (no recorded SQL changed; "
                "the snapshot keeps the modules' digest)"
            )
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

    @staticmethod
    def _describe(changed):
        shown = "; ".join(f"{app}.{name} ({why})" for app, name, why in changed[:5])
        return shown + (f"; and {len(changed) - 5} more" if len(changed) > 5 else "")

    def record(self, connection):
        """Apply every migration one by one to a scratch database and return
        the statements each ran (the snapshot's ``migrations``)."""
        name = f"{connection.settings_dict['NAME'][:30]}_snap_{uuid.uuid4().hex[:8]}"
        quote = connection.ops.quote_name
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quote(name)}")
        with tempfile.TemporaryDirectory() as scratch:
            recording = Path(scratch) / "snapshot.json"
            try:
                with database_alias(connection, name) as alias:
                    call_command(
                        "migrate",
                        database=alias,
                        verbosity=0,
                        interactive=False,
                        no_snapshot=True,
                        record_snapshot=str(recording),
                    )
            finally:
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            return json.loads(recording.read_text())["migrations"]
