"""audit 0014: the change logs' ``action``/``actor_type`` CHECKs as array
constants and their actor indexes partial (only entries with an actor).

Compared with the logs as audit 0002 made them (0014's reverse applied in
the same, rolled back, transaction): the same values refused with the same
constraint, SQLSTATE and message, the same entries written; the CHECKs are
the ones ``EnumField`` writes, so a later AlterField writes the same form;
the readers' lookups by actor still go through the actor index."""

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from access_mgmt.factories import SystemUserFactory
from audit import models, sql
from audit.sqlfrozen import m0014_cheaper_audit_log_writes as m0014
from gatimitra.db.fields import EnumField
from gatimitra.db.tables import split_table
from tests.audit.test_capture_cheaper import STATEMENTS, entries, last_ids, run_as

LOGS = [table for table, _prefix in m0014.LOGS]
NOW, BEFORE_0014 = (), (*m0014.EARLIER_CHECKS, *m0014.FULL_ACTOR_INDEXES)
LOG_MODELS = [
    models.SystemAuditLog,
    models.MerchantAuditLog,
    models.CustomerAuditLog,
    models.RiderAuditLog,
    models.OrderAuditLog,
    models.AccessAuditLog,
]


class Passed(Exception):
    pass


def _sql(cursor, statements):
    for statement in statements:
        cursor.execute(statement)


def refusal(log, column, value, shape):
    """(constraint, SQLSTATE, message) of writing ``value`` into ``column`` of
    ``log`` with the logs in ``shape``, or None; rolled back. The row goes in
    with the log's triggers off (``replica``: its direct-insert guard would
    refuse it first); CHECKs hold whatever the triggers do."""
    values = {"action": "UPDATE", "actor_type": None, column: value}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _sql(cursor, shape)
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                f"INSERT INTO audit.{log} (table_schema, table_name, row_pk, action, changes, "
                "actor_type, actor_label, db_role, application_name, request_id, "
                "transaction_id) VALUES ('s', 't', '1', %s, '{}', %s, '', 'r', '', '', 1)",
                [values["action"], values["actor_type"]],
            )
            raise Passed
    except Passed:
        return None
    except IntegrityError as error:
        cause = error.__cause__
        return cause.diag.constraint_name, cause.sqlstate, str(error).splitlines()[0]


#: (column, value, refused?)
VALUES = [
    ("action", "BOGUS", True),
    ("action", "", True),
    ("action", "insert", True),
    ("action", "INSERT ", True),
    ("action", "STATUS_CHANGE", False),
    ("action", "EXPORT", False),
    ("actor_type", "NOBODY", True),
    ("actor_type", "", True),
    ("actor_type", "system", True),
    ("actor_type", "SYSTEM", False),
    ("actor_type", "EXTERNAL_PROVIDER", False),
    ("actor_type", None, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize("log", LOGS)
def test_same_values_refused_the_same_way_as_before_0014(log):
    for column, value, refused in VALUES:
        now = refusal(log, column, value, NOW)
        assert now == refusal(log, column, value, m0014.EARLIER_CHECKS), (column, value)
        if refused:
            assert now is not None and now[:2] == (f"{log}_{column}_check", "23514"), value
        else:
            assert now is None, value


def _definition(cursor, table, name):
    cursor.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND conname = %s",
        [table, name],
    )
    return cursor.fetchone()[0]


def _as_written_by(cursor, field, column):
    """The definition PostgreSQL keeps for ``field``'s CHECK on ``column``."""
    cursor.execute(
        f"CREATE TEMP TABLE enum_check_probe ({column} varchar(32) "
        f"CHECK ({field.db_check_sql(column)}))"
    )
    definition = _definition(cursor, "enum_check_probe", f"enum_check_probe_{column}_check")
    cursor.execute("DROP TABLE enum_check_probe")
    return definition


@pytest.mark.django_db
@pytest.mark.parametrize("model", LOG_MODELS, ids=lambda m: m.__name__)
def test_the_checks_are_what_the_models_enum_fields_write(model):
    """0014 writes the form of ``check_form="text_array"``, its reverse the
    default form audit 0002 was created with: the migrations and the models
    agree on both sides (an AlterField of a later enum change writes the same)."""
    table = model._meta.db_table
    log = split_table(table)[1]
    with transaction.atomic(), connection.cursor() as cursor:
        for column in ("action", "actor_type"):
            field = model._meta.get_field(column)
            assert field.check_form == "text_array"
            now = _definition(cursor, f"audit.{log}", f"{log}_{column}_check")
            assert now == _as_written_by(cursor, field, column)
            assert "'{" in now and "character varying" not in now
        sid = transaction.savepoint()
        _sql(cursor, m0014.EARLIER_CHECKS)
        for column in ("action", "actor_type"):
            field = model._meta.get_field(column)
            default = EnumField(field.enum, null=field.null)
            before = _definition(cursor, f"audit.{log}", f"{log}_{column}_check")
            assert before == _as_written_by(cursor, default, column)
        transaction.savepoint_rollback(sid)


@pytest.fixture
def staff(db):
    """Staff and four users whose changes are captured twice, by the same
    capture: into access_audit_logs as 0014 left it and into
    system_audit_logs put back as before 0014."""
    staff = SystemUserFactory(email="lead@gatimitra.test")
    for n in range(4):
        SystemUserFactory(full_name=f"Asha {n}")
    with connection.cursor() as cursor:
        cursor.execute(m0014.replace_checks("system_audit_logs", "in"))
        cursor.execute(m0014.actor_index("system_audit_logs", "audit_sys", False))
        for statement in sql.capture_statements(
            "access_mgmt.system_users",
            "system_audit_logs",
            "id",
            ["email", "mobile", "password"],
            "id",
        ):
            cursor.execute(
                statement.replace("CREATE TRIGGER audit_changes_", "CREATE TRIGGER audit_l13_")
            )
    return staff


@pytest.mark.parametrize("actor", ["system", "staff"])
@pytest.mark.parametrize("statement", list(STATEMENTS))
def test_same_entries_as_before_0014(staff, actor, statement):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        now, before = last_ids(cursor, "access_audit_logs", "system_audit_logs")
        run_as(actor, staff, cursor, STATEMENTS[statement])
        written = entries(cursor, "access_audit_logs", now)
        assert written == entries(cursor, "system_audit_logs", before)
    if not (statement.startswith("update nothing") or statement.endswith("same values")):
        assert written, "the statement changed rows: entries to compare"


def _index_scans(cursor, queryset):
    sql, params = queryset.query.sql_with_params()
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    stack, scans = [plan[0]["Plan"]], []
    while stack:
        node = stack.pop()
        if "Index Name" in node:
            scans.append(node["Index Name"])
        stack += node.get("Plans", [])
    return scans


@pytest.mark.django_db
@pytest.mark.parametrize("model", LOG_MODELS, ids=lambda m: m.__name__)
def test_lookups_by_actor_use_the_partial_actor_index(model):
    """``actor_id = X`` implies ``actor_id IS NOT NULL``: the admin's search
    (ORed with the row and subject) and an actor's history read the actor
    index of every partition, the ones ``manage.py partitions`` adds too."""
    log = split_table(model._meta.db_table)[1]
    prefix = dict(m0014.LOGS)[log]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE audit.{log}_p2099 PARTITION OF audit.{log} "
            "FOR VALUES FROM ('2099-01-01') TO ('2099-02-01')"
        )
        cursor.execute(
            "SELECT pg_get_indexdef(inhrelid) FROM pg_inherits "
            "WHERE inhparent = %s::regclass ORDER BY 1",
            [f"audit.{prefix}_actor_idx"],
        )
        definitions = [row[0] for row in cursor.fetchall()]
        assert len(definitions) >= 2
        assert all(d.endswith("WHERE (actor_id IS NOT NULL)") for d in definitions)
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
            [f"audit.{prefix}_actor_idx"],
        )
        actor_indexes = {row[0].split(".")[-1] for row in cursor.fetchall()}
        history = model.objects.filter(actor_id=7).order_by("-id")[:100]
        search = model.objects.filter(Q(row_pk="7") | Q(subject_id=7) | Q(actor_id=7))
        for queryset in (history, search):
            scans = _index_scans(cursor, queryset)
            assert actor_indexes & set(scans), scans
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_partition_attached_with_its_own_checks_takes_the_new_ones():
    """``manage.py partitions`` builds a partition standalone (``LIKE ...
    INCLUDING CONSTRAINTS``) when rows wait in DEFAULT, then attaches it,
    CHECKs and all: 0014 and its reverse replace those too."""
    log = "order_audit_logs"
    with transaction.atomic(), connection.cursor() as cursor:
        _sql(cursor, m0014.EARLIER_CHECKS)
        cursor.execute(
            f"CREATE TABLE audit.{log}_p2099 (LIKE audit.{log} INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS)"
        )
        cursor.execute(
            f"ALTER TABLE audit.{log} ATTACH PARTITION audit.{log}_p2099 "
            "FOR VALUES FROM ('2099-01-01') TO ('2099-02-01')"
        )
        for shape, form in ((m0014.CHEAPER_CHECKS, "'{"), (m0014.EARLIER_CHECKS, "ARRAY[")):
            _sql(cursor, shape)
            for column in ("action", "actor_type"):
                name = f"{log}_{column}_check"
                parent = _definition(cursor, f"audit.{log}", name)
                assert form in parent
                assert _definition(cursor, f"audit.{log}_p2099", name) == parent
        transaction.set_rollback(True)
