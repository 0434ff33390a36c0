"""Create upcoming time partitions; detach or drop expired ones."""

from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.apps import domain_hooks
from gatimitra.ops import partitions
from gatimitra.ops.topology import requires_session


class Command(BaseCommand):
    help = (
        "Keep the partitioned tables' time partitions: create the current one and "
        "the next ones ahead (moving rows already written for them out of the DEFAULT "
        "partition), and detach or drop partitions older than the retention "
        "(GATIMITRA_PARTITION_RETENTION). Idempotent; one run at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--table",
            action="append",
            dest="tables",
            help="Only this table (repeatable), e.g. riders.location_logs.",
        )
        parser.add_argument(
            "--premake",
            type=int,
            help="Partitions to create after the current one (default: each model's spec).",
        )
        expire = parser.add_mutually_exclusive_group()
        expire.add_argument(
            "--detach",
            action="store_const",
            const=partitions.DETACH,
            dest="action",
            help="Detach expired partitions (kept as plain tables), whatever the setting says.",
        )
        expire.add_argument(
            "--drop",
            action="store_const",
            const=partitions.DROP,
            dest="action",
            help="Drop expired partitions, whatever the setting says.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print the plan only.")
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            help="Act as if it were this (ISO) time, e.g. 2026-11-24T00:00:00+00:00.",
        )

    @requires_session
    def handle(self, *args, database, tables, premake, action, dry_run, now, **options):
        if now is not None and now.tzinfo is None:
            raise CommandError(f"--now {now.isoformat()}: give a UTC offset, e.g. +00:00")
        try:
            actions = partitions.run(
                connections[database],
                now=now,
                only=tables,
                premake=premake,
                action=action,
                dry_run=dry_run,
                log=self.stdout.write,
            )
        except (ImproperlyConfigured, ValueError) as error:
            raise CommandError(str(error)) from error
        if not actions and options["verbosity"] >= 1:
            self.stdout.write("Partitions are up to date.")
        if not dry_run and tables is None:
            # The daily run also does the domains' daily upkeep (the audit
            # app seals its logs' hash chains): ``after_partition_upkeep``.
            for upkeep in domain_hooks("after_partition_upkeep"):
                said = upkeep(connections[database])
                if said and options["verbosity"] >= 1:
                    self.stdout.write(said)
