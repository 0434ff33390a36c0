"""The actor is set per transaction: behind a transaction-pooling PgBouncer
(the shared ``pgbouncer`` fixture, tests/fixtures/pgbouncer.py) every entry
names the client that wrote it, and only trusted login roles can name an
actor at all."""

import threading
import traceback
import uuid

import psycopg
from django.db import connection

from access_mgmt.factories import SystemUserFactory
from access_mgmt.models import SystemUser
from audit.context import acting_as
from audit.models import AccessAuditLog
from gatimitra.enums import ActorType

CLIENTS = 8
WRITES = 12


def test_eight_clients_through_one_pooled_connection_are_never_mixed_up(pgbouncer):
    staff = SystemUserFactory.create_batch(CLIENTS)
    targets = SystemUserFactory.create_batch(CLIENTS)
    errors = []
    servers = set()
    start = threading.Barrier(CLIENTS)

    def client(number):
        wrapper = pgbouncer()
        try:
            me, target = staff[number], targets[number]
            update = "UPDATE access_mgmt.system_users SET employee_id = %s WHERE id = %s"
            start.wait()
            for write in range(WRITES):
                with (
                    acting_as(me, request_id=f"client-{number}-{write}", connection=wrapper),
                    wrapper.cursor() as cursor,
                ):
                    cursor.execute(update, [f"C{number}W{write}", target.pk])
                # Right after, on the same pooled server connection: no actor.
                with wrapper.cursor() as cursor:
                    cursor.execute(update, [f"C{number}N{write}", target.pk])
                    cursor.execute("SELECT pg_backend_pid()")
                    servers.add(cursor.fetchone()[0])
        except Exception:  # reported below, with the client
            errors.append((number, traceback.format_exc()))
        finally:
            wrapper.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[0][1]
    assert len(servers) == 1, "PgBouncer gave every client the same server connection"
    misattributed = []
    total = 0
    for number, target in enumerate(targets):
        for entry in AccessAuditLog.objects.filter(
            table_name="system_users", row_pk=str(target.pk), action="UPDATE"
        ):
            total += 1
            value = entry.changes["employee_id"][1]
            acted = value.startswith(f"C{number}W")
            expected = (staff[number].pk, value.replace(f"C{number}W", f"client-{number}-"))
            if acted and (entry.actor_id, entry.request_id) != expected:
                misattributed.append((value, entry.actor_id, entry.request_id))
            if not acted and (entry.actor_id is not None or entry.actor_label):
                misattributed.append((value, entry.actor_id, entry.actor_label))
            if entry.actor_verified is not True:
                misattributed.append((value, "unverified"))
    assert total == CLIENTS * WRITES * 2
    assert misattributed == []


def test_an_untrusted_login_role_cannot_name_the_actor(transactional_db):
    role = f"gm_audit_probe_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    target = SystemUserFactory()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", [password])
        # sync_db_roles (run by other tests on this database) revokes CONNECT
        # from PUBLIC: the probe gets it explicitly, like any managed role.
        cursor.execute(f'GRANT CONNECT ON DATABASE "{connection.settings_dict["NAME"]}" TO {role}')
        cursor.execute(f"GRANT USAGE ON SCHEMA access_mgmt TO {role}")
        cursor.execute(f"GRANT SELECT, UPDATE ON access_mgmt.system_users TO {role}")
    # The server itself: under --through-pgbouncer the pooler knows only the test role.
    settings_dict = connection.settings_dict.get("DIRECT", connection.settings_dict)
    try:
        with psycopg.connect(
            dbname=settings_dict["NAME"],
            user=role,
            password=password,
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
            autocommit=True,
        ) as other:
            other.execute(
                "SELECT set_config('gatimitra.actor_type', 'SYSTEM_USER', false), "
                "set_config('gatimitra.actor_label', 'ceo@gatimitra.local', false), "
                "set_config('gatimitra.actor_id', '1', false)"
            )
            other.execute(
                "UPDATE access_mgmt.system_users SET employee_id = 'FORGED1' WHERE id = %s",
                [target.pk],
            )
        entry = AccessAuditLog.objects.filter(
            table_name="system_users", row_pk=str(target.pk), action="UPDATE"
        ).get()
        assert entry.db_role == role
        assert entry.actor_verified is False
        assert entry.actor_label == "ceo@gatimitra.local"
        assert "unverified" in entry.actor and role in entry.actor
        # The trusted role's own entries are verified.
        with acting_as(actor_type=ActorType.SYSTEM, label="ops script"):
            SystemUser.objects.filter(pk=target.pk).update(employee_id="REAL1")
        assert AccessAuditLog.objects.filter(row_pk=str(target.pk)).latest("id").actor_verified
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
