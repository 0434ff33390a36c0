from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.ops import backup
from gatimitra.ops.topology import requires_session


class Command(BaseCommand):
    help = (
        "Restore a whole-database backup into a new database on the same server and "
        "verify every table's row count and checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump")
        parser.add_argument("--into", required=True, help="Name of the new database.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    @requires_session
    def handle(self, *args, dump, into, database, **options):
        try:
            manifest = backup.restore_database(connections[database], dump, into)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = sum(len(tables) for tables in manifest["schemas"].values())
        self.stdout.write(f"Restored {tables} tables into {into}; counts and checksums match.")
