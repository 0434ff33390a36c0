"""The current capture writes exactly the entries the earlier ones wrote
(audit 0006's, and 0012's static statements that audit 0015 keeps for a few
rows but replaces from ``BULK_FROM_ROWS`` rows by a statement built for the
table, and 0015's built statement, which audit 0016 builds from text), row
hash included: the current one and an earlier one run on one table, each
into its own log, every statement is captured twice, and the two sets must
be equal. A later capture adds its predecessor to ``EARLIER``.
Statements named "many" write at least ``BULK_FROM_ROWS`` rows (the bulk
path), the others fewer (the static statements): each asserts which."""

import json
from collections import Counter

import pytest
from django.db import DataError, connection, transaction

from access_mgmt.factories import SystemUserFactory
from audit import sql
from audit.context import acting_as

#: Every column of an entry but its id; equal row hashes mean equal content.
COMPARED = (
    "created_at, table_schema, table_name, row_pk, subject_id, action, changes::text, "
    "actor_type, actor_id, actor_label, actor_verified, db_role, application_name, "
    "request_id, client_ip, transaction_id, row_hash"
)

#: The earlier captures, each installed beside the current one under its own name.
EARLIER = {
    "0006": sql.RESTORE_CAPTURE_STATEMENT,
    "0012": sql.CAPTURE_STATEMENT_CHEAPER,
    "0015": sql.CAPTURE_STATEMENT_BULK,
}
#: Earlier builders of the bulk statement, installed with their capture.
EARLIER_BUILDERS = {"0015": sql.RESTORE_CAPTURE_BULK_STATEMENT}
BUILDER = "audit.capture_bulk_statement("

#: From this many rows a statement's entries come from the bulk path.
BULK = sql.BULK_FROM_ROWS


def install_earlier_capture(cursor, version, table, log_table, subject, personal, key="id"):
    name = f"audit.capture_statement_{version}"
    function = EARLIER[version]
    assert function.count("audit.capture_statement()") == 2, "created, then revoked"
    function = function.replace("audit.capture_statement()", f"{name}()")
    if version in EARLIER_BUILDERS:
        builder = f"audit.capture_bulk_statement_{version}("
        assert EARLIER_BUILDERS[version].count(BUILDER) == 2, "created, then revoked"
        assert function.count(BUILDER) == 1
        cursor.execute(EARLIER_BUILDERS[version].replace(BUILDER, builder))
        function = function.replace(BUILDER, builder)
    cursor.execute(function)
    for statement in sql.capture_statements(table, log_table, subject, personal, key):
        cursor.execute(
            statement.replace("audit.capture_statement(", f"{name}(").replace(
                "CREATE TRIGGER audit_changes_", f"CREATE TRIGGER audit_{version}_"
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


@pytest.fixture(params=sorted(EARLIER))
def earlier(request):
    return request.param


@pytest.fixture
def users(db, earlier):
    staff = SystemUserFactory(email="lead@gatimitra.test")
    # Enough of them for a statement over all of them to take the bulk path.
    for n in range(BULK + 4):
        SystemUserFactory(full_name=f"Asha {n}", email=f"Asha.{n}@GatiMitra.test")
    with connection.cursor() as cursor:
        install_earlier_capture(
            cursor,
            earlier,
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
    "insert a few, personal values missing": "INSERT INTO access_mgmt.system_users (email, "
    "full_name, mobile, employee_id, status, is_staff, is_superuser, password) "
    "SELECT 'new' || n || '@gatimitra.test', 'New ' || n, "
    "CASE WHEN n % 2 = 0 THEN '+91970000010' || n END, 'GMY' || n, "
    "'ACTIVE', true, false, 'x' FROM generate_series(1, 6) n",
    "insert many, personal values missing": "INSERT INTO access_mgmt.system_users (email, "
    "full_name, mobile, employee_id, status, is_staff, is_superuser, password) "
    "SELECT 'new' || n || '@gatimitra.test', 'New ' || n, "
    "CASE WHEN n % 2 = 0 THEN '+9197000' || lpad(n::text, 5, '0') END, 'GMY' || n, "
    f"'ACTIVE', true, false, 'x' FROM generate_series(1, {BULK + 8}) n",
    "update one personal column": "UPDATE access_mgmt.system_users SET mobile = '+919811112222', "
    f"updated_at = now() WHERE id = {ASHA} LIMIT 1)",
    "update a few, some unchanged": "UPDATE access_mgmt.system_users "
    "SET full_name = CASE WHEN id % 2 = 0 THEN full_name || ' R.' ELSE full_name END, "
    f"updated_at = now() WHERE id IN {ASHA} LIMIT 5)",
    "update many, some unchanged": "UPDATE access_mgmt.system_users "
    "SET full_name = CASE WHEN id % 2 = 0 THEN full_name || ' R.' ELSE full_name END, "
    "updated_at = now()",
    "update a status": "UPDATE access_mgmt.system_users SET status = 'LOCKED' "
    f"WHERE id IN {ASHA} LIMIT 2)",
    "update many statuses, some unchanged": "UPDATE access_mgmt.system_users SET status = "
    "CASE WHEN id % 3 = 0 THEN 'LOCKED' ELSE status END, full_name = full_name || '.'",
    "update a personal value to null": "UPDATE access_mgmt.system_users SET mobile = NULL "
    f"WHERE id IN {ASHA} LIMIT 2)",
    "update many personal values to null": "UPDATE access_mgmt.system_users SET mobile = NULL "
    "WHERE full_name LIKE 'Asha%'",
    "update one email's case only": "UPDATE access_mgmt.system_users SET email = upper(email) "
    f"WHERE id = {ASHA} LIMIT 1)",
    "update many emails' case only": "UPDATE access_mgmt.system_users SET email = upper(email) "
    "WHERE full_name LIKE 'Asha%'",
    "update nothing but updated_at of one": "UPDATE access_mgmt.system_users "
    f"SET updated_at = now() WHERE id = {ASHA} LIMIT 1)",
    "update nothing but updated_at of many": "UPDATE access_mgmt.system_users "
    "SET updated_at = now()",
    "update many to the same values": "UPDATE access_mgmt.system_users SET full_name = full_name",
    "update a key": f"UPDATE access_mgmt.system_users SET id = id + 100000 WHERE id IN {ASHA} "
    "LIMIT 2)",
    "update many keys": "UPDATE access_mgmt.system_users SET id = id + 100000 "
    "WHERE full_name LIKE 'Asha%'",
    "delete one": f"DELETE FROM access_mgmt.system_users WHERE id = {ASHA} LIMIT 1)",
    "delete many": "DELETE FROM access_mgmt.system_users WHERE full_name LIKE 'Asha%'",
}


def run_as(actor, staff, cursor, statement):
    """``statement`` as the system (no actor), as staff from a trusted role,
    or as staff from a role the audit does not trust (actor_verified false);
    the number of rows it wrote."""
    if actor == "untrusted staff":
        cursor.execute("DELETE FROM audit.trusted_actor_roles WHERE role_name = session_user")
    if actor == "system":
        cursor.execute(statement)
    else:
        with acting_as(staff):
            cursor.execute(statement)
    return cursor.rowcount


def assert_path(name, rows):
    """A statement named "many" takes the bulk path, any other the static one."""
    if " many" in name:
        assert rows >= BULK, f"{name}: {rows} rows, not enough for the bulk path"
    else:
        assert rows < BULK, f"{name}: {rows} rows, not the static path"


@pytest.mark.parametrize("statement", list(STATEMENTS))
def test_same_entries_and_hashes_as_the_earlier_captures(users, statement):
    with connection.cursor() as cursor:
        # Nothing refers to the subjects; deleting them is allowed.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        now, before = last_ids(cursor, "access_audit_logs", "system_audit_logs")
        rows = run_as("staff", users, cursor, STATEMENTS[statement])
        cheaper = entries(cursor, "access_audit_logs", now)
        earlier = entries(cursor, "system_audit_logs", before)
        assert unverifiable(cursor, "access_audit_logs", now) == 0
    assert cheaper == earlier
    assert_path(statement, rows)
    if statement.startswith("update nothing") or statement.endswith("same values"):
        assert not cheaper, "no column but updated_at moved: no entry"
    else:
        assert cheaper, "the statement changed rows, so both captures wrote entries"
    if statement == "update a status":
        assert {entry[5] for entry in cheaper} == {"STATUS_CHANGE"}
    if statement.startswith("update many statuses"):
        assert {entry[5] for entry in cheaper} == {"STATUS_CHANGE", "UPDATE"}
    if "case only" in statement:
        assert all(set(json.loads(entry[6])) == {"email"} for entry in cheaper)
        assert len(cheaper) == rows, "citext compares equal, the diff does not: an entry each"
    if statement in ("update a key", "update many keys"):
        assert sum(cheaper.values()) == 2 * rows, "the old key and the new: an entry each per row"


@pytest.mark.parametrize("actor", ["system", "untrusted staff"])
@pytest.mark.parametrize(
    "statement",
    [
        "insert one",
        "insert many, personal values missing",
        "update one personal column",
        "update many, some unchanged",
        "delete one",
        "delete many",
    ],
)
def test_same_actor_and_verification_as_the_earlier_captures(users, actor, statement):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        now, before = last_ids(cursor, "access_audit_logs", "system_audit_logs")
        assert_path(statement, run_as(actor, users, cursor, STATEMENTS[statement]))
        current = entries(cursor, "access_audit_logs", now)
        assert current == entries(cursor, "system_audit_logs", before)
        assert unverifiable(cursor, "access_audit_logs", now) == 0
    # actor_type, actor_id, actor_verified
    expected = {(None, None, True)} if actor == "system" else {("SYSTEM_USER", users.pk, False)}
    assert {(entry[7], entry[8], entry[10]) for entry in current} == expected


@pytest.mark.parametrize("capture", ["current", *sorted(EARLIER)])
@pytest.mark.parametrize("setting", ["gatimitra.actor_id", "gatimitra.client_ip"])
def test_a_malformed_setting_fails_the_statement_even_when_no_row_changed(db, setting, capture):
    """Every capture reads the settings before anything else: a statement
    that changed no row fails on a malformed actor id or client address too."""
    with connection.cursor() as cursor:
        if capture != "current":
            cursor.execute(EARLIER[capture])
        cursor.execute("SELECT set_config(%s, 'not-a-value', true)", [setting])
        with pytest.raises(DataError) as refused, transaction.atomic():
            cursor.execute("UPDATE access_mgmt.system_users SET full_name = full_name")
    assert refused.value.__cause__.sqlstate == "22P02"


@pytest.fixture
def partitioned(db, earlier):
    """A scratch partitioned table with two captures: the current one into
    system_audit_logs, an earlier one into order_audit_logs."""
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
            cursor, earlier, "public.capture_cost_probe", "order_audit_logs", "owner_id", ["mobile"]
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
    # A changed key: the old row and the new one are an entry each.
    "UPDATE capture_cost_probe SET id = id + 100 WHERE id IN (3, 4)",
    "DELETE FROM capture_cost_probe WHERE id > 15 AND id < 200",
    "DELETE FROM capture_cost_probe WHERE id = 1",
    # The bulk path: many rows, null personal values, in both partitions.
    "INSERT INTO capture_cost_probe SELECT n, date '2026-01-01' + n % 50, 'NEW', "
    f"CASE WHEN n % 3 > 0 THEN '+9198' || n END, n % 5, now() "
    f"FROM generate_series(200, {199 + BULK * 2}) n",
    "UPDATE capture_cost_probe SET stage = CASE WHEN id % 2 = 0 THEN 'DONE' ELSE stage END, "
    "mobile = CASE WHEN id % 5 = 0 THEN NULL ELSE mobile || '1' END WHERE id >= 200",
    "UPDATE capture_cost_probe SET day = date '2026-02-20', updated_at = now() WHERE id >= 200",
    "UPDATE capture_cost_probe SET updated_at = now() WHERE id >= 200",
    "UPDATE capture_cost_probe SET owner_id = owner_id WHERE id >= 200",
    "UPDATE capture_cost_probe SET id = id + 1000 WHERE id >= 200",
    "DELETE FROM capture_cost_probe WHERE id >= 1000",
]


def compare_probe_entries(cursor, statement, copy_lines=None):
    """Run ``statement`` (or COPY ``copy_lines`` in) and compare the two captures'
    entries; the rows written and the current capture's entries."""
    now, before = last_ids(cursor, "system_audit_logs", "order_audit_logs")
    if copy_lines:
        with cursor.copy(statement) as copy:
            copy.write(copy_lines)
    else:
        cursor.execute(statement)
    rows = cursor.rowcount
    cheaper = entries(cursor, "system_audit_logs", now)
    assert cheaper == entries(cursor, "order_audit_logs", before), statement
    assert unverifiable(cursor, "system_audit_logs", now) == 0
    assert {entry[2] for entry in cheaper} <= {"capture_cost_probe"}
    return rows, cheaper


def test_same_entries_and_hashes_on_a_partitioned_table(partitioned):
    paths = set()
    with connection.cursor() as cursor:
        for statement in PARTITIONED:
            rows, cheaper = compare_probe_entries(cursor, statement)
            paths.add(rows >= BULK)
            no_change = "SET updated_at" in statement or "owner_id = owner_id" in statement
            assert bool(cheaper) != no_change, statement
    assert paths == {True, False}, "both the static statements and the bulk path ran"


def test_same_entries_by_copy_and_after_a_column_is_added(partitioned):
    """COPY takes the bulk path; a column added after migrate is in both
    captures' entries (the bulk statement is built from the live catalog)."""
    with connection.cursor() as cursor:
        lines = "".join(
            f"{n}\t2026-01-{1 + n % 28:02d}\tNEW\t{'+9197' + str(n) if n % 4 else ''}\t{n % 3}\t"
            "2026-01-01 00:00:00+00\n"
            for n in range(1, BULK * 2)
        ).replace("\t\t", "\t\\N\t")
        rows, copied = compare_probe_entries(cursor, "COPY capture_cost_probe FROM STDIN", lines)
        assert rows == BULK * 2 - 1
        assert sum(copied.values()) == rows
        assert any(json.loads(entry[6])["mobile"] == [None, None] for entry in copied)

        cursor.execute(
            "ALTER TABLE capture_cost_probe ADD COLUMN note text, ADD COLUMN amount numeric(8, 2)"
        )
        for statement in (
            "UPDATE capture_cost_probe SET note = 'n' || id, amount = id * 1.5 WHERE id % 2 = 0",
            "UPDATE capture_cost_probe SET amount = amount * 1.0 WHERE id % 2 = 0",
            "UPDATE capture_cost_probe SET amount = 2, stage = 'DONE' WHERE id = 2",
            f"INSERT INTO capture_cost_probe SELECT n, date '2026-02-02', 'NEW', NULL, 1, now(), "
            f"'added', 9.99 FROM generate_series(5000, {4999 + BULK}) n",
            "DELETE FROM capture_cost_probe WHERE note IS NOT NULL",
        ):
            rows, cheaper = compare_probe_entries(cursor, statement)
            if "amount * 1.0" in statement:
                assert not cheaper, "numeric 2.00 * 1.0 is the same value in the same column"
            else:
                assert cheaper and all("amount" in json.loads(e[6]) for e in cheaper), statement


def test_every_tracked_table_takes_the_bulk_path(db):
    """No audited table falls back to the static statements for its bulk writes:
    the bulk statement can be built for each one, for each event."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgrelid::regclass::text, t.tgargs FROM pg_trigger t "
            "WHERE t.tgfoid = 'audit.capture_statement()'::regprocedure "
            "AND t.tgname = 'audit_changes_update'"
        )
        tracked = cursor.fetchall()
        assert len(tracked) > 50
        missing = []
        for table, arguments in tracked:
            log, subject, personal, key = bytes(arguments).decode().split("\x00")[:4]
            for event in ("INSERT", "UPDATE", "DELETE"):
                cursor.execute(
                    "SELECT audit.capture_bulk_statement(%s::regclass, %s, %s, nullif(%s, ''), "
                    "coalesce(string_to_array(nullif(%s, ''), ','), '{}'), "
                    "coalesce(nullif(%s, ''), 'id'))",
                    [table, event, log, subject, personal, key],
                )
                if cursor.fetchone()[0] is None:
                    missing.append(f"{table} {event}")
    assert missing == []


def test_the_capture_compiles_nothing_and_runs_as_the_audit_owner(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosecdef, proconfig FROM pg_proc "
            "WHERE oid = 'audit.capture_statement()'::regprocedure"
        )
        definer, settings = cursor.fetchone()
    assert definer is True
    assert set(settings) == {"search_path=pg_catalog", "jit=off"}
