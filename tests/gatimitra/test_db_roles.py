"""The per-schema roles do what the policy in gatimitra/db/roles.py says,
tried through real connections logged in as each role."""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from gatimitra.db import roles
from gatimitra.db.tables import DOMAIN_SCHEMAS

PROBE_TABLE_PUBLIC = "django_content_type"

#: Advisory lock key (in the server's maintenance database) held by each test here.
SERVER_ROLES_LOCK = 7_461_021


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


def _tables(schema):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0] "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
            "ORDER BY c.relname",
            [schema],
        )
        return cursor.fetchall()


def _probe_sql(schema, table, key, operation):
    target = f'"{schema}"."{table}"'
    return {
        "SELECT": f"SELECT 1 FROM {target} LIMIT 0",
        # Only the key column: generated columns refuse explicit values.
        "INSERT": f'INSERT INTO {target} ("{key}") SELECT "{key}" FROM {target} WHERE false',
        "UPDATE": f'UPDATE {target} SET "{key}" = "{key}" WHERE false',
        "DELETE": f"DELETE FROM {target} WHERE false",
        "CREATE": f'CREATE TABLE "{schema}".gm_probe_new_table (i int)',
    }[operation]


def _conninfo(user):
    settings_dict = connection.settings_dict
    info = {"dbname": settings_dict["NAME"], "user": user}
    for key, setting in (("host", "HOST"), ("port", "PORT")):
        if settings_dict.get(setting):
            info[key] = settings_dict[setting]
    return info


def _allowed(probe_role, sql):
    with psycopg.connect(**_conninfo(probe_role)) as probe:
        try:
            probe.execute(sql)
        except psycopg.errors.InsufficientPrivilege:
            return False
        finally:
            probe.rollback()
    return True


@pytest.fixture
def probe_roles(transactional_db):
    call_command("sync_db_roles", verbosity=0)
    probes = {}
    with connection.cursor() as cursor:
        for role in roles.all_roles():
            probe = f"gm_probe_{role[3:]}"[:63]
            cursor.execute(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) "
                "THEN EXECUTE format('CREATE ROLE %%I LOGIN', %s); END IF; END $$",
                [probe, probe],
            )
            cursor.execute(f'GRANT "{role}" TO "{probe}"')
            probes[role] = probe
    yield probes
    with connection.cursor() as cursor:
        for probe in probes.values():
            cursor.execute(f'DROP ROLE IF EXISTS "{probe}"')


@pytest.mark.slow
def test_every_role_on_every_schema_matches_the_policy(probe_roles):
    mismatches = []
    for schema in ["public", *DOMAIN_SCHEMAS]:
        tables = _tables(schema) if schema != "public" else [(PROBE_TABLE_PUBLIC, "id")]
        if not tables:
            continue
        table, key = tables[0]
        for role, probe in probe_roles.items():
            for operation in roles.PROBE_OPERATIONS:
                allowed = _allowed(probe, _probe_sql(schema, table, key, operation))
                if allowed != roles.expected(role, schema, operation):
                    mismatches.append(f"{role} {operation} {schema}.{table}: allowed={allowed}")
    assert mismatches == []


@pytest.mark.slow
def test_read_only_roles_read_all_their_tables_and_nothing_else(probe_roles):
    for reader_schema in DOMAIN_SCHEMAS:
        probe = probe_roles[roles.read_only(reader_schema)]
        for schema in DOMAIN_SCHEMAS:
            for table, key in _tables(schema):
                allowed = _allowed(probe, _probe_sql(schema, table, key, "SELECT"))
                assert allowed == (schema == reader_schema), (reader_schema, schema, table)


def test_nothing_is_granted_to_public_and_public_schema_is_closed(probe_roles):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace, aclexplode(c.relacl) acl "
            "WHERE n.nspname = ANY(%s) AND acl.grantee = 0",
            [list(DOMAIN_SCHEMAS)],
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT has_schema_privilege('public', 'public', 'CREATE')")
        assert cursor.fetchone()[0] is False


def test_tables_created_later_get_the_same_grants(probe_roles):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE riders.gm_later (id int PRIMARY KEY)")
    try:
        ro = probe_roles[roles.read_only("riders")]
        rw = probe_roles[roles.read_write("riders")]
        other = probe_roles[roles.read_only("orders")]
        assert _allowed(ro, _probe_sql("riders", "gm_later", "id", "SELECT"))
        assert not _allowed(ro, _probe_sql("riders", "gm_later", "id", "DELETE"))
        assert _allowed(rw, _probe_sql("riders", "gm_later", "id", "DELETE"))
        assert not _allowed(other, _probe_sql("riders", "gm_later", "id", "SELECT"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE riders.gm_later")


def test_sync_is_idempotent(probe_roles):
    first = roles.sync_statements(connection, connection.settings_dict["NAME"])
    call_command("sync_db_roles", verbosity=0)
    assert roles.sync_statements(connection, connection.settings_dict["NAME"]) == first
