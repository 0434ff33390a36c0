"""``migrate`` with a deploy lock, a verified history and DDL timeouts.

See ``gatimitra/db/deploy.py`` for the reasons. Options added here:
``--lock-wait SECONDS`` (how long to wait for another migrate) and
``--no-verify`` (skip the edited-migration check, for emergencies).
"""

import argparse
import time
from pathlib import Path

from django.core.management import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import OperationalError, connections
from django.db.migrations.loader import MigrationLoader

from gatimitra.db import deploy, snapshot
from gatimitra.db.autodetector import SchemaAwareCommandMixin
from gatimitra.db.topology import requires_session


class Command(SchemaAwareCommandMixin, MigrateCommand):
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
        connection = connections[options["database"]]
        self._connection = connection
        self._recorder = deploy.StatementRecorder()
        self._unapply_as_maintenance = deploy.UnapplyAsMaintenance(connection)
        self._started = None
        self._current = None
        say = self.stderr.write if options["verbosity"] >= 1 else (lambda message: None)
        try:
            with deploy.deploy_lock(connection, timeout=options["lock_wait"], say=say):
                deploy.ensure_history_table(connection)
                if not options["no_verify"]:
                    self._verify(connection)
                self._apply_session_timeouts(connection)
                if self._may_replay(options):
                    self._replay_snapshot(connection)
                self._snapshot_recorder = None
                if options["record_snapshot"]:
                    self._snapshot_recorder = snapshot.Recorder(connection)
                with (
                    connection.execute_wrapper(self._snapshot_recorder or (lambda e, *a: e(*a))),
                    connection.execute_wrapper(self._recorder),
                    connection.execute_wrapper(self._unapply_as_maintenance),
                    deploy.BlockerWatcher(
                        options["database"], self._backend_pid(connection)
                    ) as self._watcher,
                ):
                    try:
                        result = super().handle(*args, **options)
                        if self._snapshot_recorder is not None:
                            snapshot.write(
                                self._snapshot_recorder.migrations, Path(options["record_snapshot"])
                            )
                        return result
                    except Exception as exc:
                        self._record_failure(exc)
                        if self._is_lock_timeout(exc):
                            raise CommandError(
                                f"{self._current}: could not get a lock within "
                                f"{deploy.setting('MIGRATION_LOCK_TIMEOUT', '5s')}; "
                                f"{self._watcher.describe()}"
                            ) from exc
                        raise
        except deploy.MigrationLockTimeout as exc:
            raise CommandError(str(exc)) from exc

    # Steps -------------------------------------------------------------------------

    def _may_replay(self, options):
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

    def _replay_snapshot(self, connection):
        if not snapshot.database_is_empty(connection):
            return
        document = snapshot.load()
        if document is None:
            return
        stale = snapshot.stale_entries(document)
        if stale:
            if self.verbosity >= 1:
                app, name, why = stale[0]
                self.stderr.write(
                    f"Migration snapshot not used: {app}.{name} is {why} "
                    "(run 'manage.py migration_snapshot'); migrating one by one."
                )
            return
        started = time.monotonic()
        count = snapshot.replay(connection, document)
        elapsed = time.monotonic() - started
        loader = MigrationLoader(None, ignore_no_migrations=True)
        for entry in document["migrations"]:
            migration = loader.disk_migrations[(entry["app"], entry["name"])]
            deploy.record(connection, migration, "SNAPSHOT", True, statements=entry["statements"])
        if self.verbosity >= 1:
            self.stdout.write(
                f"  Replayed {count} migrations from the migration snapshot in {elapsed:.2f}s."
            )

    def _verify(self, connection):
        from django.db.migrations.loader import MigrationLoader

        loader = MigrationLoader(connection)
        deploy.baseline_unrecorded(connection, loader)
        edited = deploy.edited_migrations(connection, loader)
        if edited:
            files = "; ".join(path for _, _, path in edited)
            first_app, first_name, _ = edited[0]
            raise CommandError(
                f"applied migration(s) edited since they ran: {files}. Restore the file(s), "
                "or accept the change deliberately with "
                f"'manage.py verify_migrations --accept {first_app} {first_name}'."
            )

    def _apply_session_timeouts(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, false)",
                [deploy.setting("MIGRATION_LOCK_TIMEOUT", "5s")],
            )

    def _backend_pid(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    @staticmethod
    def _is_lock_timeout(exc):
        cause = exc
        while cause is not None:
            if getattr(cause, "sqlstate", None) == "55P03":
                return True
            cause = cause.__cause__
        return isinstance(exc, OperationalError) and "lock timeout" in str(exc)

    # History ----------------------------------------------------------------------

    def migration_progress_callback(self, action, migration=None, fake=False):
        super().migration_progress_callback(action, migration, fake)
        recorder = getattr(self, "_snapshot_recorder", None)
        if recorder is not None and action == "apply_start":
            recorder.start(migration)
        elif recorder is not None and action == "apply_success":
            recorder.finish()
        if action == "unapply_start":
            self._unapply_as_maintenance.unapplying(migration)
        if action in ("apply_start", "unapply_start"):
            self._current = migration
            self._recorder.statements.clear()
            self._started = time.monotonic()
            if deploy.has_data_steps(migration):
                self._set_statement_timeout(deploy.setting("MIGRATION_STATEMENT_TIMEOUT", "15min"))
        elif action in ("apply_success", "unapply_success"):
            direction = "FAKE" if fake else ("APPLY" if action == "apply_success" else "UNAPPLY")
            deploy.record(
                self._connection,
                migration,
                direction,
                True,
                statements=list(self._recorder.statements),
                duration_ms=self._elapsed_ms(),
            )
            if deploy.has_data_steps(migration):
                self._set_statement_timeout("0")
            self._current = None

    def _set_statement_timeout(self, value):
        with self._connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [value])

    def _elapsed_ms(self):
        return int((time.monotonic() - self._started) * 1000) if self._started else 0

    def _record_failure(self, exc):
        if self._current is None:
            return
        try:
            self._set_statement_timeout("0")
            deploy.record(
                self._connection,
                self._current,
                "APPLY",
                False,
                statements=list(self._recorder.statements),
                duration_ms=self._elapsed_ms(),
                error=f"{type(exc).__name__}: {exc}"[:4000],
            )
        except Exception:  # the failure itself is what the caller needs to see
            pass
