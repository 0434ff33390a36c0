"""``migrate`` with a deploy lock, a verified history and DDL timeouts.

The run itself is ``gatimitra.ops.deploy.MigrationRun`` (see that module for
the reasons); this command only maps its options onto one. Options added
here: ``--lock-wait SECONDS`` (how long to wait for another migrate),
``--no-verify`` (skip the edited-migration check, for emergencies) and
``--no-snapshot`` (apply one by one even on an empty database). Django's
command runs with ``gatimitra.ops.executor.MigrationExecutor`` (a backward
run without the renders Django throws away).
"""

import argparse

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from gatimitra.db.autodetector import SchemaAwareCommandMixin
from gatimitra.ops import deploy, executor, snapshot
from gatimitra.ops.topology import requires_session


class Command(SchemaAwareCommandMixin, MigrateCommand):
    _run = None

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lock-wait",
            type=float,
            default=None,
            help="Seconds to wait for a concurrent migrate (default: MIGRATION_LOCK_WAIT, 600).",
        )
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="Do not refuse to run when an applied migration's file was edited.",
        )
        parser.add_argument(
            "--no-snapshot",
            action="store_true",
            help="On an empty database, apply every migration one by one instead of "
            "replaying gatimitra/migration_snapshot.json.",
        )
        parser.add_argument("--record-snapshot", help=argparse.SUPPRESS)

    @requires_session
    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self._run = deploy.MigrationRun(
            connections[options["database"]],
            lock_wait=options["lock_wait"],
            verify=not options["no_verify"],
            replay=self._may_replay(options),
            record_snapshot=options["record_snapshot"],
            verbosity=options["verbosity"],
            say=self.stderr.write if options["verbosity"] >= 1 else (lambda message: None),
            write=self.stdout.write,
        )
        with executor.used_by_migrate():
            return self._run.execute(lambda: super(Command, self).handle(*args, **options))

    def migration_progress_callback(self, action, migration=None, fake=False):
        super().migration_progress_callback(action, migration, fake)
        if self._run is not None:
            self._run.progress(action, migration, fake)

    @staticmethod
    def _may_replay(options):
        return (
            snapshot.enabled()
            and not options["no_snapshot"]
            and not options["record_snapshot"]
            and not options["app_label"]
            and not options["fake"]
            and not options["fake_initial"]
            and not options["plan"]
            and not options["prune"]
        )
