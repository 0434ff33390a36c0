"""The statement-level capture writes the same entries as the per-row
capture it replaced: both are attached to one table, every statement is
captured twice, and the two sets of entries must be equal."""

import json
from collections import Counter

import pytest
from django.db import connection

from access_mgmt.factories import SystemUserFactory
from audit import sql
from audit.context import acting_as

#: Every column an entry has, but its id and what only the new capture writes.
COMPARED = (
    "table_schema, table_name, row_pk, subject_id, action, changes::text, actor_type, "
    "actor_id, actor_label, db_role, application_name, request_id, client_ip, transaction_id"
)


def captured(cursor, log, since):
    """(per row, per statement) entries written after id ``since``."""
    cursor.execute(f"SELECT row_hash IS NULL, {COMPARED} FROM audit.{log} WHERE id > %s", [since])
    per_row, per_statement = Counter(), Counter()
    for old, *entry in cursor.fetchall():
        (per_row if old else per_statement)[tuple(entry)] += 1
    return per_row, per_statement


def last_id(cursor, log):
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM audit.{log}")
    return cursor.fetchone()[0]


@pytest.fixture
def users(db):
    staff = SystemUserFactory(email="lead@gatimitra.test")
    subjects = [SystemUserFactory(full_name=f"Asha {n}") for n in range(3)]
    with connection.cursor() as cursor:
        # The replaced per-row trigger, beside the statement-level ones.
        cursor.execute(
            sql.track_table(
                "access_mgmt.system_users",
                "access_audit_logs",
                "id",
                ["email", "mobile", "password"],
                "id",
            )
        )
    return staff, subjects


STATEMENTS = {
    "insert one": "INSERT INTO access_mgmt.system_users (email, full_name, mobile, employee_id, "
    "status, is_staff, is_superuser, password) "
    "SELECT 'new.one@gatimitra.test', 'New One', '+919700000001', 'GMX1', 'ACTIVE', true, "
    "false, 'x'",
    "insert many": "INSERT INTO access_mgmt.system_users (email, full_name, mobile, employee_id, "
    "status, is_staff, is_superuser, password) "
    "SELECT 'new' || n || '@gatimitra.test', 'New ' || n, '+91970000010' || n, 'GMY' || n, "
    "'ACTIVE', true, false, 'x' FROM generate_series(1, 4) n",
    "update one": "UPDATE access_mgmt.system_users SET mobile = '+919811112222', "
    "updated_at = now() WHERE id = (SELECT min(id) FROM access_mgmt.system_users)",
    "update many": "UPDATE access_mgmt.system_users SET full_name = full_name || ' R.', "
    "status = CASE WHEN id % 2 = 0 THEN 'LOCKED' ELSE status END",
    "update nothing": "UPDATE access_mgmt.system_users SET updated_at = now()",
    "delete many": "DELETE FROM access_mgmt.system_users WHERE full_name LIKE 'Asha%'",
}


@pytest.mark.parametrize("statement", list(STATEMENTS))
def test_same_entries_as_the_per_row_capture(users, statement):
    staff, _ = users
    with connection.cursor() as cursor:
        if statement.startswith("delete"):
            # Nothing refers to the subjects; deleting them is allowed.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        since = last_id(cursor, "access_audit_logs")
        with acting_as(staff):
            cursor.execute(STATEMENTS[statement])
        per_row, per_statement = captured(cursor, "access_audit_logs", since)
    assert per_statement == per_row
    if statement != "update nothing":
        assert per_row, "the statement changed rows, so both captures wrote entries"
    actions = {entry[4] for entry in per_statement}
    if statement == "update many":
        assert actions == {"UPDATE", "STATUS_CHANGE"}


def test_personal_data_is_redacted_alike_and_the_actor_recorded(users):
    staff, subjects = users
    with connection.cursor() as cursor:
        since = last_id(cursor, "access_audit_logs")
        with acting_as(staff):
            cursor.execute(
                "UPDATE access_mgmt.system_users "
                "SET mobile = '+91970000' || lpad(id::text, 4, '0'), "
                "email = 'x' || id || '@example.in' WHERE id = ANY(%s)",
                [[s.pk for s in subjects]],
            )
        per_row, per_statement = captured(cursor, "access_audit_logs", since)
        cursor.execute(
            "SELECT actor_verified, changes FROM audit.access_audit_logs "
            "WHERE id > %s AND row_hash IS NOT NULL",
            [since],
        )
        rows = cursor.fetchall()
    assert per_statement == per_row and len(rows) == 3
    for verified, changes in rows:
        changes = json.loads(changes)
        assert verified is True
        assert "@example.in" not in str(changes)
        assert len(changes["mobile"][1]["sha256"]) == 64


@pytest.fixture
def partitioned(db):
    """A scratch partitioned table with both captures, logging into system_audit_logs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE public.capture_probe (id bigint, day date, status text, "
            "mobile text, owner_id bigint, updated_at timestamptz, PRIMARY KEY (id, day)) "
            "PARTITION BY RANGE (day)"
        )
        cursor.execute(
            "CREATE TABLE public.capture_probe_a PARTITION OF public.capture_probe "
            "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')"
        )
        cursor.execute(
            "CREATE TABLE public.capture_probe_b PARTITION OF public.capture_probe "
            "FOR VALUES FROM ('2026-02-01') TO ('2026-03-01')"
        )
        arguments = ("public.capture_probe", "system_audit_logs", "owner_id", ["mobile"], "id")
        cursor.execute(sql.track_table(*arguments))
        for statement in sql.capture_statements(*arguments):
            cursor.execute(statement)
    return "capture_probe"


PARTITIONED = [
    "INSERT INTO capture_probe SELECT n, date '2026-01-20' + n, 'NEW', '+9198765' || n, n % 3, "
    "now() FROM generate_series(1, 20) n",
    "UPDATE capture_probe SET status = 'DONE', mobile = mobile || '0' WHERE id % 4 = 0",
    "UPDATE capture_probe SET owner_id = 7 WHERE id = 5",
    "DELETE FROM capture_probe WHERE id > 15",
]


def test_same_entries_on_a_partitioned_table(partitioned):
    with connection.cursor() as cursor:
        for statement in PARTITIONED:
            since = last_id(cursor, "system_audit_logs")
            cursor.execute(statement)
            per_row, per_statement = captured(cursor, "system_audit_logs", since)
            # The per-row trigger ran on each partition and named it; the
            # statement trigger names the partitioned table, the one tracked.
            assert {e[1] for e in per_row} <= {"capture_probe_a", "capture_probe_b"}
            assert {e[1] for e in per_statement} == {"capture_probe"}

            def renamed(entries):
                return Counter({(e[0], "t", *e[2:]): n for e, n in entries.items()})

            assert renamed(per_statement) == renamed(per_row), statement
            assert per_row
