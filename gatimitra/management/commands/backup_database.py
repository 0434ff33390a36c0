from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.ops import backup
from gatimitra.ops.topology import requires_session


class Command(BaseCommand):
    help = "Back up the whole database (pg_dump of the server's version) with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    @requires_session
    def handle(self, *args, output, database, **options):
        try:
            manifest = backup.backup_database(connections[database], output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = sum(len(tables) for tables in manifest["schemas"].values())
        self.stdout.write(
            f"Backed up {tables} tables in {len(manifest['schemas'])} schemas -> {output}"
        )
