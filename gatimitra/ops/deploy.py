"""Production safety around ``migrate``: a deploy lock, a migration history
with checksums, verification of applied files, and DDL timeouts.

Django's ``migrate`` has no lock and keeps only (app, name, applied). Here:

* **Deploy lock.** ``migrate`` takes a PostgreSQL advisory lock (session
  level) by *polling* ``pg_try_advisory_lock``: between attempts the session
  holds no transaction, so a waiting process can never take part in a
  deadlock with ``CREATE INDEX CONCURRENTLY`` (which waits for every open
  transaction). While it waits it says who holds the lock. Django reads the
  applied migrations only after the lock is taken, so a second process finds
  the work done and exits 0.
* **History.** ``gatimitra_migration_history`` (beside ``django_migrations``,
  created the same way, outside migrations) gets a row per applied or
  unapplied migration: file checksum, checksum of the SQL it executed, time in
  ms, database user, host, project version, success or the error.
* **Verification.** An applied migration whose file changed since is refused
  before anything runs, naming the file. ``manage.py verify_migrations
  --accept app name`` records a deliberate change.
* **Timeouts.** Every migration runs with ``lock_timeout``; migrations with
  data steps (RunPython/RunSQL) also with ``statement_timeout``. A watcher on
  a second connection remembers what blocks the migration, so a lock timeout
  names the blocking query.
"""

import ast
import hashlib
import inspect
import os
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connections
from django.db.migrations.operations.special import RunPython, RunSQL

HISTORY_TABLE = "gatimitra_migration_history"
#: Advisory lock key: the first 8 bytes of sha256("gatimitra.migrate") as a bigint.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"gatimitra.migrate").digest()[:8], "big", signed=True)


class MigrationLockTimeout(RuntimeError):
    pass


class EditedMigrationError(RuntimeError):
    pass


def setting(name, default):
    return getattr(settings, name, default)


# Lock --------------------------------------------------------------------------


def lock_holder(connection):
    """Who holds the deploy lock: (pid, application_name, since) or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.pid, a.application_name, a.backend_start, a.client_addr
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted
              AND l.objid = (%s::bigint & 4294967295)::oid
              AND l.classid = ((%s::bigint >> 32) & 4294967295)::oid
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            [LOCK_KEY, LOCK_KEY],
        )
        return cursor.fetchone()


@contextmanager
def deploy_lock(connection, timeout=None, poll=0.5, say=print):
    """Hold the migrate lock for the duration; wait by polling, at most ``timeout`` s."""
    timeout = setting("MIGRATION_LOCK_WAIT", 600) if timeout is None else timeout
    deadline = time.monotonic() + timeout
    last_said = None
    with connection.cursor() as cursor:
        # Named while it holds the lock (who is migrating?), and named back
        # after: later writes of the process are not the migration's.
        cursor.execute("SELECT current_setting('application_name')")
        previous_name = cursor.fetchone()[0]
        cursor.execute("SET application_name = %s", [application_name()])
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if cursor.fetchone()[0]:
                break
        holder = lock_holder(connection)
        if holder and holder[0] != last_said:
            pid, name, since, _ = holder
            say(
                f"Waiting for the migration lock, held by pid {pid} "
                f"({name or 'no application name'}) since {since:%Y-%m-%d %H:%M:%S %Z}..."
            )
            last_said = pid
        if time.monotonic() >= deadline:
            where = f" (held by pid {holder[0]}, {holder[1]})" if holder else ""
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('application_name', %s, false)", [previous_name])
            raise MigrationLockTimeout(
                f"gave up waiting for the migration lock after {timeout:.0f}s{where}; "
                "another migrate is running"
            )
        time.sleep(poll)
    try:
        yield
    finally:
        if connection.connection is not None and not connection.connection.closed:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
                cursor.execute("SELECT set_config('application_name', %s, false)", [previous_name])


def application_name():
    return f"gatimitra migrate {socket.gethostname()}:{os.getpid()}"[:63]


# History -----------------------------------------------------------------------


def ensure_history_table(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                app varchar(255) NOT NULL,
                name varchar(255) NOT NULL,
                direction varchar(8) NOT NULL
                    CHECK (direction IN (
                        'APPLY', 'SNAPSHOT', 'UNAPPLY', 'FAKE', 'ACCEPT', 'BASELINE'
                    )),
                success boolean NOT NULL,
                file_checksum char(64),
                sql_checksum char(64),
                statements integer NOT NULL DEFAULT 0,
                duration_ms integer NOT NULL DEFAULT 0,
                db_user text NOT NULL DEFAULT current_user,
                host text NOT NULL,
                project_version text NOT NULL,
                error text,
                recorded_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {HISTORY_TABLE}_app_name_idx "
            f"ON {HISTORY_TABLE} (app, name, id)"
        )


def file_checksum(migration):
    """Checksum of what the migration file says, not how it is laid out: the
    digest of its parsed syntax tree, so reformatting (ruff format, line
    endings, comments) is not an edit while any change to code is."""
    path = Path(inspect.getfile(type(migration)))
    tree = ast.parse(path.read_bytes())
    return hashlib.sha256(ast.dump(tree, annotate_fields=False).encode()).hexdigest()


def project_version():
    if version := os.environ.get("GATIMITRA_VERSION"):
        return version
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def record(connection, migration, direction, success, statements=(), duration_ms=0, error=None):
    sql_checksum = (
        hashlib.sha256("\n".join(statements).encode()).hexdigest() if statements else None
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {HISTORY_TABLE}
                (app, name, direction, success, file_checksum, sql_checksum, statements,
                 duration_ms, host, project_version, error)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            """,
            [
                migration.app_label,
                migration.name,
                direction,
                success,
                file_checksum(migration),
                sql_checksum,
                len(statements),
                duration_ms,
                socket.gethostname(),
                project_version(),
                error,
            ],
        )


def recorded_checksums(connection):
    """{(app, name): file checksum} from the latest successful APPLY/FAKE/ACCEPT."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT DISTINCT ON (app, name) app, name, file_checksum
            FROM {HISTORY_TABLE}
            WHERE success AND direction IN ('APPLY', 'SNAPSHOT', 'FAKE', 'ACCEPT', 'BASELINE')
            ORDER BY app, name, id DESC
            """
        )
        return {(app, name): checksum for app, name, checksum in cursor.fetchall()}


def project_app_labels():
    from django.apps import apps

    from gatimitra.apps import DomainConfig

    return {c.label for c in apps.get_app_configs() if isinstance(c, DomainConfig)} | {"gatimitra"}


def baseline_unrecorded(connection, loader):
    """Record the current file of applied project migrations that have no
    history yet (a database migrated before the history existed)."""
    recorded = recorded_checksums(connection)
    for key in sorted(loader.applied_migrations):
        if key[0] in project_app_labels() and key in loader.disk_migrations and key not in recorded:
            record(connection, loader.disk_migrations[key], "BASELINE", True)


def edited_migrations(connection, loader):
    """Applied project migrations whose file differs from the recorded checksum:
    [(app, name, path)]."""
    recorded = recorded_checksums(connection)
    edited = []
    for key in sorted(loader.applied_migrations):
        app, name = key
        if app not in project_app_labels() or key not in loader.disk_migrations:
            continue
        migration = loader.disk_migrations[key]
        expected = recorded.get(key)
        if expected is not None and expected != file_checksum(migration):
            edited.append((app, name, inspect.getfile(type(migration))))
    return edited


# Statement capture and timeouts ----------------------------------------------------


class StatementRecorder:
    """An execute wrapper that keeps the SQL run for the current migration."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(str(sql))
        return execute(sql, params, many, context)


class UnapplyAsMaintenance:
    """An execute wrapper registering each unapplied migration's transaction
    as audited maintenance (``audit.begin_maintenance``, audit 0008; the audit
    app names it as ``begin_maintenance_sql`` in its AppConfig) before
    its first statement: reversing a migration drops the triggers it made,
    which audit 0008 refuses on audit and audited tables outside
    maintenance. The registration is itself an entry of the audit trail,
    naming the migration; nothing is registered before audit 0008 exists.
    A non-atomic migration has no one transaction to register: its reverse
    must call ``audit.begin_maintenance`` itself where it needs it."""

    def __init__(self, connection):
        self.connection = connection
        self.pending = None

    def unapplying(self, migration):
        self.pending = migration if migration.atomic else None

    def __call__(self, execute, sql, params, many, context):
        migration, self.pending = self.pending, None
        if migration is not None and not self.connection.in_atomic_block:
            self.pending = migration  # not yet inside the migration's transaction
        elif migration is not None:
            from gatimitra.apps import domain_hooks

            reason = f"migration: unapply {migration.app_label}.{migration.name}"
            for begin_maintenance in domain_hooks("begin_maintenance_sql"):
                execute(begin_maintenance(reason), None, False, context)
        return execute(sql, params, many, context)


def has_data_steps(migration):
    return any(isinstance(op, RunPython | RunSQL) for op in migration.operations)


class BlockerWatcher:
    """Remembers which session blocks ``pid`` (polled from its own connection),
    so a lock timeout can say what it waited for."""

    def __init__(self, alias, pid, interval=0.2):
        self.alias, self.pid, self.interval = alias, pid, interval
        self.blocker = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self):
        connection = connections.create_connection(self.alias)
        try:
            while not self._stop.is_set():
                with connection.cursor() as cursor:
                    cursor.execute(
                        """
                        SELECT a.pid, a.application_name, a.state, left(a.query, 300)
                        FROM pg_stat_activity a
                        WHERE a.pid = ANY(pg_blocking_pids(%s))
                        LIMIT 1
                        """,
                        [self.pid],
                    )
                    row = cursor.fetchone()
                    if row:
                        self.blocker = row
                self._stop.wait(self.interval)
        finally:
            connection.close()

    def describe(self):
        if not self.blocker:
            return "no blocking session was seen"
        pid, name, state, query = self.blocker
        return f"blocked by pid {pid} ({name or 'no application name'}, {state}): {query}"


# One migrate run ---------------------------------------------------------------


def _is_lock_timeout(exc):
    cause = exc
    while cause is not None:
        if getattr(cause, "sqlstate", None) == "55P03":
            return True
        cause = cause.__cause__
    return isinstance(exc, OperationalError) and "lock timeout" in str(exc)


class MigrationRun:
    """Everything ``manage.py migrate`` adds around Django's migrate, for one run.

    The command builds one and calls :meth:`execute` with Django's own
    ``handle`` as ``migrate``, and forwards Django's progress callback to
    :meth:`progress`; the state of the run (the migration under way, when it
    started, the statements it ran, the snapshot being recorded, the blocker
    watcher) lives here and nowhere else. In order, under the deploy lock:
    the history table, the edited-migration check (unless ``verify`` is off),
    ``lock_timeout`` for the session, the snapshot replay on an empty
    database (when ``replay``), then Django's migrate with the statement
    recorders and the blocker watcher, each migration recorded as it ends,
    a failure recorded before it propagates."""

    def __init__(
        self,
        connection,
        *,
        lock_wait=None,
        verify=True,
        replay=False,
        record_snapshot=None,
        verbosity=1,
        say=print,
        write=print,
    ):
        self.connection = connection
        self.lock_wait = lock_wait
        self.verify = verify
        self.replay = replay
        self.record_snapshot = record_snapshot
        self.verbosity = verbosity
        self.say = say  # progress and warnings (the command's stderr)
        self.write = write  # results (the command's stdout)
        self.statements = StatementRecorder()
        self.unapply_as_maintenance = UnapplyAsMaintenance(connection)
        self.snapshot_recorder = None
        self.watcher = None
        self.current = None
        self.started = None

    def execute(self, migrate):
        from django.core.management import CommandError

        from gatimitra.ops import snapshot

        connection = self.connection
        try:
            with deploy_lock(connection, timeout=self.lock_wait, say=self.say):
                ensure_history_table(connection)
                if self.verify:
                    self._refuse_edited()
                self._set_session("lock_timeout", setting("MIGRATION_LOCK_TIMEOUT", "5s"))
                if self.replay:
                    self._replay_snapshot()
                if self.record_snapshot:
                    self.snapshot_recorder = snapshot.Recorder(connection)
                with (
                    connection.execute_wrapper(self.snapshot_recorder or (lambda e, *a: e(*a))),
                    connection.execute_wrapper(self.statements),
                    connection.execute_wrapper(self.unapply_as_maintenance),
                    BlockerWatcher(connection.alias, self._backend_pid()) as self.watcher,
                ):
                    try:
                        result = migrate()
                        if self.snapshot_recorder is not None:
                            snapshot.write(
                                self.snapshot_recorder.migrations, Path(self.record_snapshot)
                            )
                        return result
                    except Exception as exc:
                        self._record_failure(exc)
                        if _is_lock_timeout(exc):
                            raise CommandError(
                                f"{self.current}: could not get a lock within "
                                f"{setting('MIGRATION_LOCK_TIMEOUT', '5s')}; "
                                f"{self.watcher.describe()}"
                            ) from exc
                        raise
        except MigrationLockTimeout as exc:
            raise CommandError(str(exc)) from exc

    def progress(self, action, migration=None, fake=False):
        """Django's ``migration_progress_callback``, after Django's own output."""
        recorder = self.snapshot_recorder
        if recorder is not None and action == "apply_start":
            recorder.start(migration)
        elif recorder is not None and action == "apply_success":
            recorder.finish()
        if action == "unapply_start":
            self.unapply_as_maintenance.unapplying(migration)
        if action in ("apply_start", "unapply_start"):
            self.current = migration
            self.statements.statements.clear()
            self.started = time.monotonic()
            if has_data_steps(migration):
                self._set_session(
                    "statement_timeout", setting("MIGRATION_STATEMENT_TIMEOUT", "15min")
                )
        elif action in ("apply_success", "unapply_success"):
            direction = "FAKE" if fake else ("APPLY" if action == "apply_success" else "UNAPPLY")
            record(
                self.connection,
                migration,
                direction,
                True,
                statements=list(self.statements.statements),
                duration_ms=self._elapsed_ms(),
            )
            if has_data_steps(migration):
                self._set_session("statement_timeout", "0")
            self.current = None

    # Steps -------------------------------------------------------------------------

    def _refuse_edited(self):
        from django.core.management import CommandError
        from django.db.migrations.loader import MigrationLoader

        loader = MigrationLoader(self.connection)
        baseline_unrecorded(self.connection, loader)
        edited = edited_migrations(self.connection, loader)
        if edited:
            files = "; ".join(path for _, _, path in edited)
            first_app, first_name, _ = edited[0]
            raise CommandError(
                f"applied migration(s) edited since they ran: {files}. Restore the file(s), "
                "or accept the change deliberately with "
                f"'manage.py verify_migrations --accept {first_app} {first_name}'."
            )

    def _replay_snapshot(self):
        from django.db.migrations.loader import MigrationLoader

        from gatimitra.ops import snapshot

        connection = self.connection
        if not snapshot.database_is_empty(connection):
            return
        document = snapshot.load()
        if document is None:
            return
        stale = snapshot.stale_entries(document)
        if stale:
            if self.verbosity >= 1:
                app, name, why = stale[0]
                self.say(
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
            record(connection, migration, "SNAPSHOT", True, statements=entry["statements"])
        if self.verbosity >= 1:
            self.write(
                f"  Replayed {count} migrations from the migration snapshot in {elapsed:.2f}s."
            )

    def _set_session(self, name, value):
        # The name stays a literal in the SQL: the history records each
        # migration's statements as text, and they must read as before.
        assert name in ("lock_timeout", "statement_timeout")
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT set_config('{name}', %s, false)", [value])

    def _backend_pid(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    def _elapsed_ms(self):
        return int((time.monotonic() - self.started) * 1000) if self.started else 0

    def _record_failure(self, exc):
        if self.current is None:
            return
        try:
            self._set_session("statement_timeout", "0")
            record(
                self.connection,
                self.current,
                "APPLY",
                False,
                statements=list(self.statements.statements),
                duration_ms=self._elapsed_ms(),
                error=f"{type(exc).__name__}: {exc}"[:4000],
            )
        except Exception:  # the failure itself is what the caller needs to see
            pass
