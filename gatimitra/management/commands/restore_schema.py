from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.ops import backup
from gatimitra.ops.topology import requires_session


class Command(BaseCommand):
    help = (
        "Restore a schema backup into this database (DATABASE_URL picks it). Refuses, "
        "naming what is missing, when the schemas it references are not there; "
        "--with-referenced-rows brings the referenced rows kept in the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump")
        parser.add_argument("--with-referenced-rows", action="store_true")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    @requires_session
    def handle(self, *args, dump, with_referenced_rows, database, **options):
        try:
            manifest, restored = backup.restore_schema(
                connections[database], dump, with_referenced_rows
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(facts["rows"] for facts in restored.values())
        self.stdout.write(
            f"Restored {manifest['schema']}: {len(restored)} tables, {rows} rows, "
            f"{len(manifest['outside'])} objects outside the schema that depend on it; owners "
            "and grants as backed up; counts and checksums matched the backup before COMMIT."
        )
