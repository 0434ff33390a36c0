"""The application behind a transaction-pooling PgBouncer (real, tests/fixtures/
pgbouncer.py): settings, the ORM and the admin through it, the audit actor of
32 clients over 4 server connections, and the session commands, which switch
to DATABASE_DIRECT_URL or refuse."""

import threading
import traceback

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client

from access_mgmt.factories import SystemUserFactory
from access_mgmt.models import AccountLockout, SystemUser
from audit.context import acting_as
from audit.models import AccessAuditLog
from gatimitra.ops import deploy
from gatimitra.ops.topology import (
    _raw_params,
    probe_session,
    session_connection,
    transaction_pooler,
)
from tests.gatimitra.test_safe_settings import _run

CLIENTS = 32
WRITES = 6


def test_the_settings_make_the_default_alias_safe_behind_a_transaction_pooler():
    shown = _run(
        {
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": "postgres://app:pw@pgbouncer.internal:6432/gatimitra",
            "DATABASE_POOLER": "transaction",
            "DATABASE_DIRECT_URL": "postgres://migrator:pw2@db.internal:5432/gatimitra",
        },
        code="from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['POOLER'], d['DISABLE_SERVER_SIDE_CURSORS'], d['OPTIONS'], "
        "d['DIRECT']['HOST'], d['DIRECT']['USER'], d['DIRECT']['OPTIONS'])",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split("\n")[0] == (
        "transaction True {'prepare_threshold': None} db.internal migrator "
        "{'options': '-c log_parameter_max_length_on_error=0'}"
    )
    both = _run(
        {
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": "postgres://app:pw@pgbouncer.internal:6432/gatimitra",
            "DATABASE_POOLER": "transaction",
            "DATABASE_POOL": "true",
        }
    )
    assert "pool in one place" in both.stderr
    wrong = _run({"DJANGO_DEBUG": "true", "DATABASE_POOLER": "statement"})
    assert "DATABASE_POOLER must be one of none, session, transaction" in wrong.stderr


def test_the_probe_tells_pgbouncer_from_the_server(pgbouncer_pool_of_four, pgbouncer):
    assert probe_session(_raw_params(connection)) is None
    four = pgbouncer_pool_of_four.wrapper()
    reason = probe_session(_raw_params(four))
    assert reason and "shared server process" in reason
    one = pgbouncer()  # one server connection: the second client gets it too
    assert "shared server process" in probe_session(_raw_params(one))


@pytest.mark.parametrize("configured", [True, False], ids=["configured", "detected"])
def test_session_commands_refuse_behind_the_pooler_without_a_direct_url(
    through_pgbouncer, configured
):
    with through_pgbouncer(direct=False, configured=configured):
        assert transaction_pooler(connection)
        for command in (
            ("migrate",),
            ("sync_db_roles", "--dry-run"),
            ("partitions", "--dry-run"),
            ("backup_database", "--output", "/nonexistent/never-written.dump"),
        ):
            with pytest.raises(CommandError) as refused:
                call_command(*command, verbosity=0)
            message = str(refused.value)
            assert message.startswith(f"{command[0]} needs a database session")
            assert "DATABASE_DIRECT_URL" in message


def test_session_commands_run_on_the_direct_url_and_the_deploy_lock_holds(through_pgbouncer):
    with through_pgbouncer(direct=True) as server:
        call_command("migrate", verbosity=0)
        call_command("partitions", "--dry-run", verbosity=0)
        call_command("sync_db_roles", "--dry-run", verbosity=0)
        assert connection.settings_dict["POOLER"] == "transaction"  # switched back
        with session_connection("default", "migrate") as direct:
            assert str(direct.settings_dict["PORT"]) == str(server["PORT"])
            with deploy.deploy_lock(direct, timeout=5, say=lambda message: None):
                with direct.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pid = cursor.fetchone()[0]
                # Held by the same session across transactions, seen from elsewhere.
                for _ in range(3):
                    with direct.cursor() as cursor:
                        cursor.execute("SELECT 1")
                    holder = deploy.lock_holder(direct)
                    assert holder is not None and holder[0] == pid
                    assert holder[1].startswith("gatimitra migrate")
            assert deploy.lock_holder(direct) is None


def test_orm_and_admin_through_pgbouncer(through_pgbouncer, settings):
    settings.GATIMITRA_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    with through_pgbouncer():
        staff = SystemUser.objects.create_superuser(
            email="pooled@gatimitra.test", password="password", full_name="Pooled Admin"
        )
        SystemUserFactory.create_batch(3, full_name="Pooled Rider Desk")
        # A server-side cursor would be lost between transactions: iterator()
        # must work in chunks without one.
        assert sum(1 for _ in SystemUser.objects.iterator(chunk_size=2)) == 4
        with connection.cursor() as cursor:
            cursor.execute("SELECT inet_server_port()")
            assert str(cursor.fetchone()[0]) != connection.settings_dict["PORT"]  # PgBouncer's
        client = Client()
        client.force_login(staff)
        index = client.get("/admin/")
        assert index.status_code == 200
        listing = client.get("/admin/access_mgmt/systemuser/", {"q": "Pooled Rider Desk"})
        assert listing.status_code == 200
        assert listing.context["cl"].result_count == 3
        target = SystemUser.objects.filter(full_name="Pooled Rider Desk").first()
        page = client.get(f"/admin/access_mgmt/systemuser/{target.pk}/change/")
        assert page.status_code == 200
        # Writes through the admin: failed sign-ins lock an account, staff
        # release it with the admin action, attributed to them.
        SystemUser.objects.create_user(
            email="locked@gatimitra.test", password="right-1", full_name="Locked", is_staff=True
        )
        for _ in range(3):
            Client().post(
                "/admin/login/?next=/admin/",
                {"username": "locked@gatimitra.test", "password": "wrong"},
                REMOTE_ADDR="10.0.0.9",
            )
        lockout = AccountLockout.objects.get()
        released = client.post(
            "/admin/access_mgmt/accountlockout/",
            {"action": "release_lockouts", "_selected_action": [lockout.pk]},
            follow=True,
        )
        assert "Released 1 lockout(s)." in released.text
        entry = AccessAuditLog.objects.filter(
            table_name="account_lockouts", row_pk=str(lockout.pk), action="UPDATE"
        ).latest("id")
        assert (entry.actor_id, entry.actor_label) == (staff.pk, staff.email)


def test_32_clients_over_4_server_connections_attribute_every_audit_row(
    through_pgbouncer,
):
    staff = SystemUserFactory.create_batch(CLIENTS)
    targets = SystemUserFactory.create_batch(CLIENTS)
    errors, servers = [], set()
    start = threading.Barrier(CLIENTS)

    def client(number):
        try:
            me, target = staff[number], targets[number]
            start.wait()
            for write in range(WRITES):
                with acting_as(me, request_id=f"client-{number}-{write}"):
                    SystemUser.objects.filter(pk=target.pk).update(employee_id=f"C{number}W{write}")
                # Right after, maybe on the same server connection: no actor.
                SystemUser.objects.filter(pk=target.pk).update(employee_id=f"C{number}N{write}")
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    servers.add(cursor.fetchone()[0])
        except Exception:  # reported below, with the client
            errors.append((number, traceback.format_exc()))
        finally:
            connections.close_all()

    with through_pgbouncer():
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert not errors, errors[0][1]
    assert 1 <= len(servers) <= 4, "PgBouncer's pool has four server connections"
    misattributed, total = [], 0
    for number, target in enumerate(targets):
        for entry in AccessAuditLog.objects.filter(
            table_name="system_users", row_pk=str(target.pk), action="UPDATE"
        ):
            total += 1
            value = entry.changes["employee_id"][1]
            if value.startswith(f"C{number}W"):
                expected = (staff[number].pk, value.replace(f"C{number}W", f"client-{number}-"))
                if (entry.actor_id, entry.request_id) != expected:
                    misattributed.append((value, entry.actor_id, entry.request_id))
            elif entry.actor_id is not None or entry.actor_label:
                misattributed.append((value, entry.actor_id, entry.actor_label))
    assert total == CLIENTS * WRITES * 2
    assert misattributed == []


def test_a_startup_option_is_what_pgbouncer_refuses(pgbouncer):
    """Why the settings drop ``options`` behind a pooler."""
    params = _raw_params(pgbouncer())
    with pytest.raises(psycopg.OperationalError, match="unsupported startup parameter"):
        psycopg.connect(**params, options="-c search_path=public").close()
