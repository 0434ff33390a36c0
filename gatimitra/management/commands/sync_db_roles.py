from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.ops import roles
from gatimitra.ops.topology import requires_session


class Command(BaseCommand):
    help = (
        "Bring the database roles (per-schema owner, read-write, read-only; app, "
        "auditor, migrator), ownership, grants and default privileges to the policy "
        "in gatimitra/ops/roles.py. Changes only what differs from the live catalog, "
        "each object in its own short transaction under a lock timeout. Run it "
        "after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the differences (CREATE ROLE, GRANT, REVOKE, ALTER ... OWNER) only.",
        )
        parser.add_argument(
            "--lock-timeout",
            default=getattr(settings, "DB_ROLES_LOCK_TIMEOUT", roles.LOCK_TIMEOUT),
            help="lock_timeout of each object's change (default %(default)s).",
        )
        parser.add_argument(
            "--retries",
            type=int,
            default=getattr(settings, "DB_ROLES_LOCK_RETRIES", roles.LOCK_RETRIES),
            help="Attempts after the first for a lock not granted (default %(default)s).",
        )

    @requires_session
    def handle(self, *args, database, dry_run, lock_timeout, retries, **options):
        connection = connections[database]
        verbose = options["verbosity"] >= 2
        if dry_run:
            changes = roles.plan(connection)
            for change in changes:
                self.stdout.write(f"-- {change.target}")
                for statement in change.statements:
                    self.stdout.write(statement + ";")
            if options["verbosity"] >= 1:
                self.stdout.write(f"-- {len(changes)} objects differ from the policy.")
            return

        def log(change):
            if verbose:
                self.stdout.write(f"{change.target}: {'; '.join(change.statements)}")

        try:
            changes = roles.sync(connection, lock_timeout=lock_timeout, retries=retries, log=log)
        except roles.SyncBlocked as error:
            raise CommandError(
                f"sync_db_roles applied every other change, but not:\n{error}"
            ) from error
        if options["verbosity"] >= 1:
            if changes:
                self.stdout.write(
                    f"{len(changes)} objects brought to the policy "
                    f"({len(roles.statements(changes))} statements)."
                )
            else:
                self.stdout.write("Roles and grants already match the policy.")
