"""The per-schema roles do what the policy in gatimitra/ops/roles.py says
(``roles.expected``): every role against every table, partition, function and
schema through the catalog's privilege functions, and through real
statements from a connection logged in as each role; ``sync_db_roles``
changes only what differs, one table at a time under a lock timeout."""

import io
import os
import threading
import time
from datetime import UTC, datetime

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit import sql as audit_sql
from gatimitra.db.models import AppendOnlyModel
from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops import partitions, roles

#: Advisory lock key (in the server's maintenance database) held by each test here.
SERVER_ROLES_LOCK = 7_461_021
SCHEMAS = ["public", *DOMAIN_SCHEMAS, *roles.PRIVATE_SCHEMAS]
TABLE_OPERATIONS = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
#: Written independently of roles.py, so the test checks its classification.
HISTORY = {"django_migrations", "gatimitra_migration_history"}
PII_LOG = "pii_access_logs"


@pytest.fixture(autouse=True)
def one_at_a_time_on_the_server(django_db_blocker):
    """Roles belong to the whole server, not to a test database: the tests
    here create, grant and drop the same roles, so two pytest-xdist workers
    (or two suites on one server) take turns."""
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [SERVER_ROLES_LOCK])
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SERVER_ROLES_LOCK])


def _conninfo(user):
    settings_dict = connection.settings_dict
    info = {"dbname": settings_dict["NAME"], "user": user}
    for key, setting in (("host", "HOST"), ("port", "PORT")):
        if settings_dict.get(setting):
            info[key] = settings_dict[setting]
    return info


def _fetch(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture(scope="module")
def synced(django_db_setup, django_db_blocker):
    """Sync once for the module (committed, so connections logged in as the
    probe roles see it) and make a login role per role, named for this
    process so that another test process on the server never drops ours.
    Tests that only read then run in a rolled-back transaction (``db``):
    no flush of the whole database after each."""
    probes = {role: f"gm_probe_{role[3:]}_{os.getpid()}"[:63] for role in roles.all_roles()}
    with django_db_blocker.unblock(), connection._nodb_cursor() as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", [SERVER_ROLES_LOCK])
        try:
            call_command("sync_db_roles", verbosity=0)
            with connection.cursor() as cursor:
                for role, probe in probes.items():
                    cursor.execute(f'DROP ROLE IF EXISTS "{probe}"')
                    cursor.execute(f'CREATE ROLE "{probe}" LOGIN IN ROLE "{role}"')
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", [SERVER_ROLES_LOCK])
    yield probes
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for probe in probes.values():
            cursor.execute(f'DROP ROLE IF EXISTS "{probe}"')


@pytest.fixture
def probe_roles(synced, db):
    return synced


@pytest.fixture
def committed_probe_roles(synced, transactional_db):
    """For tests whose changes other sessions must see."""
    return synced


def _audit_logs():
    from django.apps import apps

    return {
        model._meta.db_table.split('"."')[1]
        for model in apps.get_app_config("audit").get_models()
        if issubclass(model, AppendOnlyModel)
    } - {PII_LOG}


def _kind(schema, table, append_only):
    """What ``table`` (a partition: its table's name) is, for roles.expected."""
    if schema == "public":
        return roles.HISTORY if table in HISTORY else roles.TABLE
    if schema in roles.PRIVATE_SCHEMAS:
        return roles.AUDIT_PRIVATE
    if schema == "audit":
        if table == PII_LOG:
            return roles.AUDIT_PII_LOG
        return roles.AUDIT_LOG if table in _audit_logs() else roles.AUDIT_PRIVATE
    return roles.APPEND_ONLY if append_only else roles.TABLE


def _catalog_tables():
    """(schema, name, table it belongs to, append-only?) of every table and
    partition, extensions' excluded."""
    return _fetch(
        """
        SELECT n.nspname, c.relname, coalesce(p.relname, c.relname),
            EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid
                    AND t.tgfoid = 'public.gatimitra_refuse_change()'::regprocedure)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
        LEFT JOIN pg_class p ON p.oid = i.inhparent
        WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1, 2
        """,
        [SCHEMAS],
    )


def test_every_role_on_every_table_function_and_schema_matches_the_policy(probe_roles):
    """The whole catalog, from the privilege functions (schema USAGE included)."""
    tables = _catalog_tables()
    assert {table for schema, _, table, _ in tables if schema == "audit"} >= {PII_LOG}
    assert ("audit_secrets", "hash_pepper") in {(schema, table) for schema, _, table, _ in tables}
    functions = _fetch(
        "SELECT n.nspname, p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_depend d "
        "WHERE d.objid = p.oid AND d.deptype = 'e')",
        [SCHEMAS],
    )
    # The owners of the domains whose foreign keys point at a table read it.
    references = roles.Policy(connection, DOMAIN_SCHEMAS).references
    assert references.get(("merchants", "merchant_store_payouts"), set()) >= {roles.owner("orders")}
    mismatches = []
    for role in roles.all_roles():
        rows = _fetch(
            """
            SELECT n.nspname, c.relname, has_schema_privilege(%s, n.oid, 'USAGE'),
                has_table_privilege(%s, c.oid, 'SELECT'), has_table_privilege(%s, c.oid, 'INSERT'),
                has_table_privilege(%s, c.oid, 'UPDATE'), has_table_privilege(%s, c.oid, 'DELETE'),
                has_table_privilege(%s, c.oid, 'TRUNCATE')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')
            """,
            [role] * 6 + [SCHEMAS],
        )
        held = {(schema, name): (usage, rest) for schema, name, usage, *rest in rows}
        for schema, name, table, append_only in tables:
            usage, privileges = held[(schema, name)]
            kind = _kind(schema, table, append_only)
            for operation, has in zip(TABLE_OPERATIONS, privileges, strict=True):
                referenced_by = references.get((schema, table), ())
                if (usage and has) != roles.expected(role, schema, kind, operation, referenced_by):
                    mismatches.append(f"{role} {operation} {schema}.{name} ({kind}): {has}")
        for schema, oid in functions:
            (has,) = _fetch(
                "SELECT has_function_privilege(%s, %s, 'EXECUTE') "
                "AND has_schema_privilege(%s, %s, 'USAGE')",
                [role, oid, role, schema],
            )[0]
            if has != roles.expected(role, schema, roles.FUNCTION, "EXECUTE"):
                mismatches.append(f"{role} EXECUTE {oid}::regprocedure in {schema}: {has}")
        for schema in SCHEMAS:
            (has,) = _fetch("SELECT has_schema_privilege(%s, %s, 'CREATE')", [role, schema])[0]
            if has != roles.expected(role, schema, roles.SCHEMA, "CREATE"):
                mismatches.append(f"{role} CREATE in {schema}: {has}")
    assert mismatches == []


def _targets():
    """A few real targets per schema: a plain table, an append-only table
    no foreign key points to, a partition of an append-only table, the
    audit logs and pepper, the history tables (each with a column it can
    name in UPDATE and INSERT); and a function without arguments to call."""
    referenced = {row[0] for row in _fetch("SELECT confrelid::regclass::text FROM pg_constraint")}
    chosen = {}
    for schema, name, table, append_only in _catalog_tables():
        kind = _kind(schema, table, append_only)
        if f"{schema}.{name}" in referenced or name in referenced:
            continue
        chosen.setdefault((schema, kind, name != table), (schema, name, kind))
    targets = []
    for schema, name, kind in sorted(chosen.values()):
        (column,) = _fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' AND attidentity <> 'a' "
            "ORDER BY attnum LIMIT 1",
            [f'"{schema}"."{name}"'],
        )[0]
        targets.append((schema, name, kind, column))
    functions = _fetch(
        "SELECT DISTINCT ON (n.nspname) n.nspname, p.proname FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY(%s) "
        "AND p.pronargs = 0 AND NOT EXISTS (SELECT 1 FROM pg_depend d "
        "WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY n.nspname, p.proname",
        [SCHEMAS],
    )
    return targets, functions


def _attempt(probe, sql):
    """'ok', 'denied' (no privilege) or 'refused' (a trigger said no), in a
    savepoint that is rolled back whatever happened."""
    try:
        with probe.transaction(force_rollback=True):
            probe.execute(sql)
    except psycopg.errors.InsufficientPrivilege:
        return "denied"
    except psycopg.errors.RestrictViolation:
        return "refused"
    except psycopg.Error:
        return "ok"  # past the privilege check (a trigger function called directly...)
    return "ok"


def test_real_statements_of_every_role_match_the_policy(probe_roles):
    """The same policy through real statements, one connection per role,
    each statement in a savepoint rolled back. A role holding TRUNCATE on an
    append-only table is still refused by the table's trigger."""
    targets, functions = _targets()
    assert {kind for _, _, kind, _ in targets} >= {
        roles.TABLE, roles.APPEND_ONLY, roles.HISTORY, roles.AUDIT_LOG,
        roles.AUDIT_PII_LOG, roles.AUDIT_PRIVATE,
    }  # fmt: skip
    started = time.monotonic()
    mismatches = []
    for role, user in probe_roles.items():
        with psycopg.connect(**_conninfo(user)) as probe:
            for schema, name, kind, column in targets:
                target, col = f'"{schema}"."{name}"', f'"{column}"'
                statements = {
                    "SELECT": f"SELECT 1 FROM {target} LIMIT 0",
                    "INSERT": f"INSERT INTO {target} ({col}) "
                    f"SELECT {col} FROM {target} WHERE false",
                    "UPDATE": f"UPDATE {target} SET {col} = {col} WHERE false",
                    "DELETE": f"DELETE FROM {target} WHERE false",
                    "TRUNCATE": f"TRUNCATE {target}",
                }
                for operation, statement in statements.items():
                    outcome = _attempt(probe, statement)
                    allowed = roles.expected(role, schema, kind, operation)
                    if (outcome != "denied") != allowed or (
                        allowed and operation == "TRUNCATE" and kind == roles.APPEND_ONLY
                        and outcome != "refused"
                    ):  # fmt: skip
                        mismatches.append(f"{role} {operation} {schema}.{name}: {outcome}")
            for schema, function in functions:
                outcome = _attempt(probe, f'SELECT "{schema}"."{function}"()')
                allowed = roles.expected(role, schema, roles.FUNCTION, "EXECUTE")
                if (outcome != "denied") != allowed:
                    mismatches.append(f"{role} EXECUTE {schema}.{function}: {outcome}")
            for schema in SCHEMAS:
                outcome = _attempt(probe, f'CREATE TABLE "{schema}".gm_probe_new (i int)')
                if (outcome != "denied") != roles.expected(role, schema, roles.SCHEMA, "CREATE"):
                    mismatches.append(f"{role} CREATE in {schema}: {outcome}")
    probes = len(probe_roles) * (len(targets) * 5 + len(functions) + len(SCHEMAS))
    print(f"{probes} real probes in {time.monotonic() - started:.1f}s")
    assert mismatches == []


def test_nothing_is_granted_to_public_and_public_schema_is_closed(probe_roles):
    granted = _fetch(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace, aclexplode(c.relacl) acl "
        "WHERE n.nspname = ANY(%s) AND acl.grantee = 0",
        [SCHEMAS],
    )
    assert granted == []
    assert _fetch("SELECT has_schema_privilege('public', 'public', 'CREATE')") == [(False,)]


def test_append_only_tables_are_those_the_models_declare_and_refuse_truncate(probe_roles):
    from django.apps import apps

    declared = {
        tuple(model._meta.db_table.split('"."'))
        for model in apps.get_models()
        if issubclass(model, AppendOnlyModel)
    } | {("audit", table) for table in audit_sql.APPEND_ONLY_RECORDS}
    tables = _catalog_tables()
    guarded = {(schema, table) for schema, name, table, append_only in tables if append_only}
    assert guarded == declared
    # Every append-only table and each of its partitions has a TRUNCATE guard.
    unguarded = _fetch(
        """
        SELECT c.oid::regclass::text FROM pg_class c
        WHERE c.relkind IN ('r', 'p') AND EXISTS (SELECT 1 FROM pg_trigger t
            WHERE t.tgrelid = c.oid AND t.tgfoid = 'public.gatimitra_refuse_change()'::regprocedure)
          AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid
            AND t.tgtype & 32 <> 0 AND t.tgtype & 1 = 0)
          AND c.relnamespace <> 'audit'::regnamespace
        """
    )
    assert unguarded == []
    for table in ("riders.rider_status_history", "orders.order_timeline_default"):
        with (
            pytest.raises(Exception, match=r"is append-only: TRUNCATE refused"),
            transaction.atomic(),
        ):
            _fetch(f"TRUNCATE {table} CASCADE")


def test_owners_are_the_migrator_in_public_and_the_schema_owner_elsewhere(probe_roles):
    owners = _fetch(
        """
        SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        """,
        [SCHEMAS],
    )
    wrong = [
        f"{schema}.{name}: {who}"
        for schema, name, who in owners
        if who
        != (
            roles.MIGRATOR_ROLE
            if schema == "public"
            # A private schema (the audit pepper's) belongs to its domain's owner.
            else roles.owner(roles.PRIVATE_SCHEMAS.get(schema, schema))
        )
    ]
    assert wrong == []


def test_partitions_get_their_tables_owner_grants_and_truncate_guard(probe_roles, settings):
    settings.GATIMITRA_PARTITION_RETENTION = {"orders.order_timeline": "forever"}
    future = datetime(2031, 1, 15, tzinfo=UTC)
    name = "order_timeline_p203101"
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE gm_migrator")
        try:
            partitions.run(connection, now=future, only=["orders.order_timeline"], premake=0)
        finally:
            cursor.execute("RESET ROLE")
    try:
        rows = _fetch(
            "SELECT relname, pg_get_userbyid(relowner), "
            "(SELECT array_agg(a.grantee::regrole::text || ':' || a.privilege_type "
            "ORDER BY a.grantee::regrole::text, a.privilege_type) "
            " FROM aclexplode(relacl) a WHERE a.grantee <> relowner) "
            "FROM pg_class WHERE oid IN ('orders.order_timeline'::regclass, %s::regclass)",
            [f"orders.{name}"],
        )
        (_, table_owner, table_acl), (_, partition_owner, partition_acl) = sorted(
            rows, key=lambda row: row[0] != "order_timeline"
        )
        assert partition_owner == table_owner == roles.owner("orders")
        assert partition_acl == table_acl
        assert "gm_app:UPDATE" not in partition_acl
        with (
            pytest.raises(Exception, match=r"orders\.order_timeline is append-only: TRUNCATE"),
            transaction.atomic(),
        ):
            _fetch(f"TRUNCATE orders.{name}")
        assert roles.plan(connection) == []
        # Detached, it is an archive: read by the table's readers, written by nobody.
        _fetch(f"ALTER TABLE orders.order_timeline DETACH PARTITION orders.{name}")
        (change,) = roles.plan(connection)
        assert change.target == f"table orders.{name}"
        assert sorted(change.statements) == [
            f'REVOKE INSERT ON TABLE "orders"."{name}" FROM "{role}"'
            for role in ("gm_app", "gm_orders_rw")
        ]
    finally:
        _fetch(f"DROP TABLE orders.{name}")


def test_the_app_still_writes_tracked_personal_columns_and_is_audited(committed_probe_roles):
    """After the sync the app holds nothing in the audit schema but SELECT
    (and INSERT on the PII access log) and nothing at all in the pepper's
    schema: the SECURITY DEFINER capture, running as the audit owner, still
    records its write, with the personal column masked and hashed."""
    from access_mgmt.factories import SystemUserFactory
    from audit.models import AccessAuditLog

    app = committed_probe_roles[roles.APP_ROLE]
    user = SystemUserFactory(mobile="+919812345678")
    with psycopg.connect(**_conninfo(app), autocommit=True) as probe:
        probe.execute(
            "UPDATE access_mgmt.system_users SET mobile = '+919899999999' WHERE id = %s",
            [user.pk],
        )
        denied = _attempt(probe, f"SELECT 1 FROM {audit_sql.PEPPER_TABLE}")
    assert denied == "denied"
    entry = AccessAuditLog.objects.filter(
        table_name="system_users", row_pk=str(user.pk), action="UPDATE"
    ).get()
    assert entry.db_role == app
    before, after = entry.changes["mobile"]
    assert before["masked"].endswith("5678") and len(before["sha256"]) == 64
    assert after["masked"].endswith("9999") and "+919899999999" not in str(entry.changes)


def test_tables_created_later_get_the_same_grants(committed_probe_roles):
    probe_roles = committed_probe_roles
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE riders.gm_later (id int PRIMARY KEY)")
    try:
        ro, rw = probe_roles[roles.read_only("riders")], probe_roles[roles.read_write("riders")]
        other = probe_roles[roles.read_only("orders")]

        def attempt(user, sql):
            with psycopg.connect(**_conninfo(user)) as probe:
                return _attempt(probe, sql)

        assert attempt(ro, "SELECT 1 FROM riders.gm_later") == "ok"
        assert attempt(ro, "DELETE FROM riders.gm_later") == "denied"
        assert attempt(rw, "DELETE FROM riders.gm_later") == "ok"
        assert attempt(other, "SELECT 1 FROM riders.gm_later") == "denied"
    finally:
        _fetch("DROP TABLE riders.gm_later")


def test_dry_run_prints_only_the_difference_and_changes_nothing(probe_roles):
    _fetch("GRANT UPDATE, TRUNCATE ON riders.wallet_ledger TO gm_app")
    out = io.StringIO()
    call_command("sync_db_roles", dry_run=True, stdout=out)
    assert out.getvalue().splitlines() == [
        "-- table riders.wallet_ledger",
        'REVOKE TRUNCATE, UPDATE ON TABLE "riders"."wallet_ledger" FROM "gm_app";',
        "-- 1 objects differ from the policy.",
    ]
    assert _fetch("SELECT has_table_privilege('gm_app', 'riders.wallet_ledger', 'UPDATE')") == [
        (True,)
    ]
    call_command("sync_db_roles", verbosity=0)
    assert _fetch("SELECT has_table_privilege('gm_app', 'riders.wallet_ledger', 'UPDATE')") == [
        (False,)
    ]


class _LockWatcher(threading.Thread):
    """Samples, from its own connection, how many of our tables ``pid`` holds
    locks on at once, and whether reads of other tables wait."""

    def __init__(self, pid, read_tables):
        super().__init__(daemon=True)
        self.pid, self.read_tables = pid, read_tables
        self.most, self.slow_reads, self.reads = 0, [], 0
        self.stop = threading.Event()

    def run(self):
        with psycopg.connect(**_conninfo(connection.settings_dict["USER"]), autocommit=True) as c:
            c.execute("SET lock_timeout = '250ms'")
            while not self.stop.is_set():
                (held,) = c.execute(
                    "SELECT count(DISTINCT l.relation) FROM pg_locks l JOIN pg_class r "
                    "ON r.oid = l.relation WHERE l.pid = %s AND l.granted "
                    "AND r.relnamespace::regnamespace::text = ANY(%s) AND r.relkind IN ('r', 'p') "
                    # Every ALTER TABLE fires the audit DDL guard, whose
                    # audit.in_maintenance() reads the maintenance log: a
                    # read lock that blocks no read or write of anyone.
                    "AND NOT (l.mode = 'AccessShareLock' AND r.oid = %s::regclass)",
                    [self.pid, SCHEMAS, "audit.maintenance_log"],
                ).fetchone()
                self.most = max(self.most, held)
                for table in self.read_tables:
                    started = time.monotonic()
                    try:
                        c.execute(f"SELECT 1 FROM {table} LIMIT 1")
                    except psycopg.errors.LockNotAvailable:
                        self.slow_reads.append(table)
                    self.reads += 1
                    if time.monotonic() - started > 0.2:
                        self.slow_reads.append(table)
                time.sleep(0.005)


def test_a_locked_table_blocks_only_itself_for_the_lock_timeout(committed_probe_roles):
    """An idle-in-transaction session holds riders.riders: the sync waits
    for it at most lock_timeout per attempt, applies every other change
    meanwhile (reads of those tables never wait), then fails naming the
    table and the session. Once free, a run fixes it, and one more run
    issues nothing."""
    locked, other = "riders.riders", "riders.rider_vehicles"
    _fetch(f"ALTER TABLE {locked} OWNER TO CURRENT_USER")
    _fetch(f"ALTER TABLE {other} OWNER TO CURRENT_USER")
    holder = psycopg.connect(**_conninfo(connection.settings_dict["USER"]))
    holder.execute(f"SELECT count(*) FROM {locked}")  # ACCESS SHARE, left idle in transaction
    holder_pid = holder.info.backend_pid
    connection.ensure_connection()
    watcher = _LockWatcher(connection.connection.info.backend_pid, [other, "orders.orders"])
    watcher.start()
    started = time.monotonic()
    try:
        with pytest.raises(roles.SyncBlocked) as blocked:
            roles.sync(connection, lock_timeout="200ms", retries=2, backoff=0.05)
    finally:
        elapsed = time.monotonic() - started
        watcher.stop.set()
        watcher.join()
        holder.rollback()
    message = str(blocked.value)
    assert f"table {locked}" in message
    assert f"pid {holder_pid}" in message and f"SELECT count(*) FROM {locked}" in message
    owners = dict(_fetch(f"SELECT oid::regclass::text, pg_get_userbyid(relowner) FROM pg_class "
                         f"WHERE oid IN ('{locked}'::regclass, '{other}'::regclass)"))  # fmt: skip
    assert owners[other] == roles.owner("riders") != owners[locked]
    assert watcher.most <= 1 and watcher.slow_reads == [] and watcher.reads > 0
    # It gave up while the holder still held its lock (3 attempts of 0.2 s).
    print(f"sync gave up on {locked} after {elapsed:.1f}s")
    holder.close()

    assert [change.target for change in roles.sync(connection)] == [f"table {locked}"]
    executed = []

    def record(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert roles.sync(connection) == []
    assert not [s for s in executed if s.lstrip().upper().startswith(("ALTER", "GRANT", "REVOKE"))]
