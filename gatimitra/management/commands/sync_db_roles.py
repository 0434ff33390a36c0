from django.core.management import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from gatimitra.db import roles


class Command(BaseCommand):
    help = (
        "Create the per-schema database roles (owner, read-write, read-only), the app, "
        "auditor and migrator roles, and set every grant, ownership and default "
        "privilege. Idempotent: run it after every migrate. See gatimitra/db/roles.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--dry-run", action="store_true", help="Print the SQL only.")

    def handle(self, *args, database, dry_run, **options):
        connection = connections[database]
        statements = roles.sync_statements(connection, connection.settings_dict["NAME"])
        if dry_run:
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"{len(roles.all_roles())} roles in sync ({len(statements)} statements).")
