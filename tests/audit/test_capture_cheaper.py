"""The cheaper capture of audit 0012 writes exactly the entries audit 0006's
capture wrote, row hash included: both run on one table, each into its own
log, every statement is captured twice, and the two sets must be equal."""

from collections import Counter

import pytest
from django.db import connection

from access_mgmt.factories import SystemUserFactory
from audit import sql
from audit.context import acting_as

#: Every column of an entry but its id; equal row hashes mean equal content.
COMPARED = (
    "created_at, table_schema, table_name, row_pk, subject_id, action, changes::text, "
    "actor_type, actor_id, actor_label, actor_verified, db_role, application_name, "
    "request_id, client_ip, transaction_id, row_hash"
)

#: audit 0006's capture, beside the current one under another name.
EARLIER = "audit.capture_statement_0006"


def install_earlier_capture(cursor, table, log_table, subject, personal, key="id"):
    cursor.execute(
        sql.CREATE_CAPTURE_STATEMENT.replace("audit.capture_statement()", f"{EARLIER}()")
    )
    for statement in sql.capture_statements(table, log_table, subject, personal, key):
        cursor.execute(
            statement.replace("audit.capture_statement(", f"{EARLIER}(").replace(
                "CREATE TRIGGER audit_changes_", "CREATE TRIGGER audit_0006_"
            )
        )


def entries(cursor, log, since):
    cursor.execute(f"SELECT {COMPARED} FROM audit.{log} WHERE id > %s", [since])
    return Counter(cursor.fetchall())


def last_ids(cursor, *logs):
    ids = []
    for log in logs:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM audit.{log}")
        ids.append(cursor.fetchone()[0])
    return ids


def unverifiable(cursor, log, since):
    """Entries whose stored hash verify_audit would not recompute."""
    cursor.execute(
        f"SELECT count(*) FROM audit.{log} "
        f"WHERE id > %s AND row_hash IS DISTINCT FROM {sql.row_hash_sql()}",
        [since],
    )
    return cursor.fetchone()[0]


@pytest.fixture
def users(db):
    staff = SystemUserFactory(email="lead@gatimitra.test")
    for n in range(4):
        SystemUserFactory(full_name=f"Asha {n}")
    with connection.cursor() as cursor:
        install_earlier_capture(
            cursor,
            "access_mgmt.system_users",
            "system_audit_logs",
            "id",
            ["email", "mobile", "password"],
        )
    return staff


ASHA = "(SELECT id FROM access_mgmt.system_users WHERE full_name LIKE 'Asha%' ORDER BY id"
STATEMENTS = {
    "insert one": "INSERT INTO access_mgmt.system_users (email, full_name, mobile, "
    "employee_id, status, is_staff, is_superuser, password) "
    "VALUES ('new.one@gatimitra.test', 'New One', '+919700000001', 'GMX1', 'ACTIVE', true, "
    "false, 'x')",
    "insert many, personal values missing": "INSERT INTO access_mgmt.system_users (email, "
    "full_name, mobile, employee_id, status, is_staff, is_superuser, password) "
    "SELECT 'new' || n || '@gatimitra.test', 'New ' || n, "
    "CASE WHEN n % 2 = 0 THEN '+91970000010' || n END, 'GMY' || n, "
    "'ACTIVE', true, false, 'x' FROM generate_series(1, 6) n",
    "update one personal column": "UPDATE access_mgmt.system_users SET mobile = '+919811112222', "
    f"updated_at = now() WHERE id = {ASHA} LIMIT 1)",
    "update many, some unchanged": "UPDATE access_mgmt.system_users "
    "SET full_name = CASE WHEN id % 2 = 0 THEN full_name || ' R.' ELSE full_name END, "
    "updated_at = now()",
    "update a status": "UPDATE access_mgmt.system_users SET status = 'LOCKED' "
    f"WHERE id IN {ASHA} LIMIT 2)",
    "update a personal value to null": "UPDATE access_mgmt.system_users SET mobile = NULL "
    f"WHERE id IN {ASHA} LIMIT 2)",
    "update nothing but updated_at": "UPDATE access_mgmt.system_users SET updated_at = now()",
    "update to the same values": "UPDATE access_mgmt.system_users SET full_name = full_name",
    "delete one": f"DELETE FROM access_mgmt.system_users WHERE id = {ASHA} LIMIT 1)",
    "delete many": "DELETE FROM access_mgmt.system_users WHERE full_name LIKE 'Asha%'",
}


@pytest.mark.parametrize("statement", list(STATEMENTS))
def test_same_entries_and_hashes_as_the_capture_of_audit_0006(users, statement):
    with connection.cursor() as cursor:
        # Nothing refers to the subjects; deleting them is allowed.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        now, before = last_ids(cursor, "access_audit_logs", "system_audit_logs")
        with acting_as(users):
            cursor.execute(STATEMENTS[statement])
        cheaper = entries(cursor, "access_audit_logs", now)
        earlier = entries(cursor, "system_audit_logs", before)
        assert unverifiable(cursor, "access_audit_logs", now) == 0
    assert cheaper == earlier
    if statement.startswith("update nothing") or statement.endswith("same values"):
        assert not cheaper, "no column but updated_at moved: no entry"
    else:
        assert cheaper, "the statement changed rows, so both captures wrote entries"
    if statement == "update a status":
        assert {entry[5] for entry in cheaper} == {"STATUS_CHANGE"}


@pytest.fixture
def partitioned(db):
    """A scratch partitioned table with both captures: the current one into
    system_audit_logs, audit 0006's into order_audit_logs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE public.capture_cost_probe (id bigint, day date, stage text, "
            "mobile text, owner_id bigint, updated_at timestamptz, PRIMARY KEY (id, day)) "
            "PARTITION BY RANGE (day)"
        )
        for name, start, end in (
            ("a", "2026-01-01", "2026-02-01"),
            ("b", "2026-02-01", "2026-03-01"),
        ):
            cursor.execute(
                f"CREATE TABLE public.capture_cost_probe_{name} PARTITION OF "
                f"public.capture_cost_probe FOR VALUES FROM ('{start}') TO ('{end}')"
            )
        arguments = ("public.capture_cost_probe", "system_audit_logs", "owner_id", ["mobile"], "id")
        for statement in sql.capture_statements(*arguments):
            cursor.execute(statement)
        install_earlier_capture(
            cursor, "public.capture_cost_probe", "order_audit_logs", "owner_id", ["mobile"]
        )


PARTITIONED = [
    "INSERT INTO capture_cost_probe SELECT n, date '2026-01-20' + n, 'NEW', '+9198765' || n, "
    "n % 3, now() FROM generate_series(1, 20) n",
    "INSERT INTO capture_cost_probe VALUES (21, '2026-02-10', 'NEW', NULL, NULL, now())",
    "UPDATE capture_cost_probe SET stage = 'DONE', mobile = mobile || '0' WHERE id % 4 = 0",
    "UPDATE capture_cost_probe SET owner_id = 7, updated_at = now() WHERE id = 5",
    # A row moved to the other partition is one UPDATE for the statement.
    "UPDATE capture_cost_probe SET day = date '2026-02-15' WHERE id = 2",
    "UPDATE capture_cost_probe SET updated_at = now()",
    "DELETE FROM capture_cost_probe WHERE id > 15",
    "DELETE FROM capture_cost_probe WHERE id = 1",
]


def test_same_entries_and_hashes_on_a_partitioned_table(partitioned):
    with connection.cursor() as cursor:
        for statement in PARTITIONED:
            now, before = last_ids(cursor, "system_audit_logs", "order_audit_logs")
            cursor.execute(statement)
            cheaper = entries(cursor, "system_audit_logs", now)
            assert cheaper == entries(cursor, "order_audit_logs", before), statement
            assert unverifiable(cursor, "system_audit_logs", now) == 0
            assert bool(cheaper) != ("SET updated_at" in statement), statement
            assert {entry[2] for entry in cheaper} <= {"capture_cost_probe"}


def test_the_capture_compiles_nothing_and_runs_as_the_audit_owner(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosecdef, proconfig FROM pg_proc "
            "WHERE oid = 'audit.capture_statement()'::regprocedure"
        )
        definer, settings = cursor.fetchone()
    assert definer is True
    assert set(settings) == {"search_path=pg_catalog", "jit=off"}
