from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from gatimitra.ops import deploy


class Command(BaseCommand):
    help = (
        "Fail when a migration that is already applied has been edited since it ran "
        "(its file checksum differs from the one recorded in gatimitra_migration_history). "
        "--accept APP NAME records a deliberate change as the new reference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--accept", nargs=2, metavar=("APP", "NAME"))

    def handle(self, *args, database, accept, **options):
        connection = connections[database]
        deploy.ensure_history_table(connection)
        loader = MigrationLoader(connection)
        if accept:
            app, name = accept
            key = (app, name)
            if key not in loader.applied_migrations:
                raise CommandError(f"{app}.{name} is not an applied migration")
            deploy.record(connection, loader.disk_migrations[key], "ACCEPT", True)
            self.stdout.write(f"Accepted the current file of {app}.{name}.")
            return
        deploy.baseline_unrecorded(connection, loader)
        edited = deploy.edited_migrations(connection, loader)
        if edited:
            for app, name, path in edited:
                self.stderr.write(f"edited after it was applied: {app}.{name} ({path})")
            raise CommandError(
                f"{len(edited)} applied migration(s) edited; restore them or "
                "accept each with --accept APP NAME"
            )
        self.stdout.write(f"{len(loader.applied_migrations)} applied migrations, none edited.")
