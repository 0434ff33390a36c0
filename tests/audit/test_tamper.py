"""Nobody forges, edits, removes or quietly stops audit entries, and
verify_audit finds what a superuser does anyway."""

import pytest
from django.db import DatabaseError, connection, transaction

from access_mgmt.factories import SystemUserFactory
from audit.models import AccessAuditLog
from audit.verify import verify


def run(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def refused(statement, match):
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        run(statement)


@pytest.fixture
def entry(db):
    user = SystemUserFactory()
    return AccessAuditLog.objects.filter(table_name="system_users", row_pk=str(user.pk)).get()


def test_a_forged_entry_is_refused_even_for_the_owner(entry):
    forged = (
        "INSERT INTO audit.{table} (created_at, updated_at, table_schema, table_name, row_pk, "
        "action, changes, actor_label, db_role, application_name, request_id, transaction_id) "
        "VALUES (now(), now(), 'access_mgmt', 'system_users', '1', 'UPDATE', '{{}}', "
        "'ceo@gatimitra.local', 'gm_migrator', '', '', 1)"
    )
    refused(forged.format(table="access_audit_logs"), "written by the audit capture only")
    partition = run(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'audit.access_audit_logs'::regclass LIMIT 1"
    )[0][0]
    refused(forged.format(table=partition), "written by the audit capture only")
    with pytest.raises(DatabaseError, match="capture only"), transaction.atomic():
        AccessAuditLog.objects.create(
            **{
                f.name: getattr(entry, f.name)
                for f in AccessAuditLog._meta.fields
                if f.name != "id"
            }
        )


def test_the_pepper_lives_outside_the_audit_schema(db):
    assert run("SELECT to_regclass('audit.hash_pepper')")[0][0] is None
    assert run("SELECT count(*) FROM audit_secrets.hash_pepper")[0][0] == 1
    assert run("SELECT has_schema_privilege('public', 'audit_secrets', 'USAGE')")[0][0] is False


def test_truncate_is_refused_whatever_is_set(entry):
    partition = run(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'audit.access_audit_logs'::regclass AND c.relkind = 'r' LIMIT 1"
    )[0][0]
    run("SELECT set_config('gatimitra.maintenance', 'on', false)")
    try:
        refused("TRUNCATE audit.access_audit_logs", "TRUNCATE refused")
        refused(f"TRUNCATE audit.{partition}", "TRUNCATE refused")
        refused("TRUNCATE audit.chain_seals", "TRUNCATE refused")
    finally:
        run("SELECT set_config('gatimitra.maintenance', '', false)")


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE access_mgmt.system_users DISABLE TRIGGER audit_changes_update",
        "ALTER TABLE access_mgmt.system_users DISABLE TRIGGER USER",
        "ALTER TABLE access_mgmt.system_users ENABLE REPLICA TRIGGER audit_changes_insert",
        "ALTER TABLE audit.access_audit_logs DISABLE TRIGGER access_audit_logs_append_only",
        "DROP TRIGGER audit_changes_delete ON access_mgmt.system_users",
        "DROP TRIGGER access_audit_logs_capture_only ON audit.access_audit_logs",
        "ALTER TABLE audit.access_audit_logs DETACH PARTITION audit.access_audit_logs_default",
    ],
)
def test_switching_the_trail_off_needs_audited_maintenance(db, statement):
    refused(statement, "outside audited maintenance")


def test_the_drop_guard_works_when_its_owner_cannot_use_the_domain_schemas(db):
    """sync_db_roles gives the audit functions to the audit owner, which holds
    no USAGE on the domain schemas: the guard (SECURITY DEFINER) must still
    let a non-audited table's trigger go and refuse an audited one's by name,
    not fail on the schema (audit 0013)."""
    with transaction.atomic():
        run("CREATE ROLE gm_test_guard_owner NOLOGIN")
        run("GRANT USAGE ON SCHEMA audit TO gm_test_guard_owner")
        run("GRANT EXECUTE ON FUNCTION audit.in_maintenance() TO gm_test_guard_owner")
        run("ALTER FUNCTION audit.refuse_unaudited_drop() OWNER TO gm_test_guard_owner")
        run("CREATE TABLE orders.guard_scratch (id int)")
        run(
            "CREATE TRIGGER guard_scratch_noop BEFORE INSERT ON orders.guard_scratch "
            "FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()"
        )
        run("DROP TRIGGER guard_scratch_noop ON orders.guard_scratch")
        refused(
            "DROP TRIGGER audit_changes_delete ON access_mgmt.system_users",
            "audit_changes_delete on access_mgmt.system_users may not be dropped outside "
            "audited maintenance",
        )
        transaction.set_rollback(True)


def test_audited_maintenance_is_itself_audited(db):
    with transaction.atomic():
        run("SELECT audit.begin_maintenance('move rows of a bad import by hand')")
        run("ALTER TABLE access_mgmt.system_users DISABLE TRIGGER audit_changes_update")
        run("ALTER TABLE access_mgmt.system_users ENABLE TRIGGER audit_changes_update")
        (changes,) = run(
            "SELECT changes->'reason'->>1 FROM audit.system_audit_logs "
            "WHERE table_name = 'maintenance_log' ORDER BY id DESC LIMIT 1"
        )[0]
    assert changes == "move rows of a bad import by hand"


def test_verify_audit_finds_deleted_edited_and_forged_entries(entry):
    SystemUserFactory.create_batch(3)
    report = verify(connection)
    assert report.ok, report.findings
    ids = [e.pk for e in AccessAuditLog.objects.filter(pk__gte=entry.pk).order_by("id")]
    assert len(ids) == 4
    with transaction.atomic():
        # What only a superuser can do, and only inside audited maintenance.
        run("SELECT audit.begin_maintenance('tamper test: act as a rogue superuser')")
        run("SET LOCAL session_replication_role = replica")
        run("UPDATE audit.access_audit_logs SET actor_label = 'ceo' WHERE id = %s", [ids[1]])
        run("DELETE FROM audit.access_audit_logs WHERE id = %s", [ids[2]])
        run("SET LOCAL session_replication_role = origin")
    found = verify(connection, seal=False).findings
    assert any(f"entry {ids[1]} was edited" in f for f in found), found
    assert any("1 entry of seal" in f and "deleted" in f for f in found), found
    assert any("edited or reordered" in f or "deleted" in f for f in found)


def test_verify_audit_finds_a_disabled_trigger(db):
    with transaction.atomic():
        run("SELECT audit.begin_maintenance('tamper test: switch capture off')")
        run("ALTER TABLE customers.customers DISABLE TRIGGER audit_changes_update")
        found = verify(connection, seal=False).findings
        run("ALTER TABLE customers.customers ENABLE TRIGGER audit_changes_update")
    assert any("audit_changes_update is disabled" in f for f in found), found
