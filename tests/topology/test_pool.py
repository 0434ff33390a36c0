"""Django's own pool (psycopg-pool, DATABASE_POOL=true): the single-process
alternative to PgBouncer. The audit actor is per transaction, so pooled
connections handed from thread to thread never carry it over."""

import copy
import threading
import traceback

from django.db import connection, connections

from access_mgmt.factories import SystemUserFactory
from access_mgmt.models import SystemUser
from audit.context import acting_as
from audit.models import AccessAuditLog
from gatimitra.ops.topology import with_pool
from tests.topology.test_pgbouncer import _run

THREADS = 6
WRITES = 5


def test_the_settings_turn_the_pool_on():
    shown = _run(
        {"DJANGO_DEBUG": "true", "DATABASE_POOL": "true", "DATABASE_POOL_MAX_SIZE": "3"},
        code="from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['OPTIONS']['pool'], d['CONN_MAX_AGE'])",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split("\n")[0] == "{'min_size': 2, 'max_size': 3, 'timeout': 10} 0"
    refused = _run({"DJANGO_DEBUG": "true", "DATABASE_POOL": "true", "DJANGO_CONN_MAX_AGE": "60"})
    assert "DJANGO_CONN_MAX_AGE must be 0" in refused.stderr


def test_threads_sharing_two_pooled_connections_keep_their_actors(transactional_db):
    staff = SystemUserFactory.create_batch(THREADS)
    targets = SystemUserFactory.create_batch(THREADS)
    # Deep: a pool left in default's OPTIONS outlives the test, and a later
    # test re-pointing default (the replica pair's) would get this server.
    saved = copy.deepcopy(connection.settings_dict)
    connection.close()
    with_pool(connection.settings_dict, min_size=1, max_size=2, timeout=30)
    errors, servers = [], set()

    def worker(number):
        try:
            for write in range(WRITES):
                with acting_as(staff[number], request_id=f"pool-{number}-{write}"):
                    SystemUser.objects.filter(pk=targets[number].pk).update(
                        employee_id=f"P{number}W{write}"
                    )
                # Back in the pool and out again: no actor left behind.
                connections["default"].close()
                SystemUser.objects.filter(pk=targets[number].pk).update(
                    employee_id=f"P{number}N{write}"
                )
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    servers.add(cursor.fetchone()[0])
                connections["default"].close()
        except Exception:  # reported below, with the thread
            errors.append(traceback.format_exc())
        finally:
            connections.close_all()

    try:
        assert connection.pool is not None
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        connection.close()
        connection.close_pool()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert not errors, errors[0]
    assert 1 <= len(servers) <= 2
    wrong = []
    for number, target in enumerate(targets):
        for entry in AccessAuditLog.objects.filter(
            table_name="system_users", row_pk=str(target.pk), action="UPDATE"
        ):
            value = entry.changes["employee_id"][1]
            if value.startswith(f"P{number}W"):
                if (entry.actor_id, entry.request_id) != (
                    staff[number].pk,
                    value.replace(f"P{number}W", f"pool-{number}-"),
                ):
                    wrong.append(value)
            elif entry.actor_id is not None:
                wrong.append(value)
    assert (
        len(wrong) == 0
        and AccessAuditLog.objects.filter(
            table_name="system_users", row_pk__in=[str(t.pk) for t in targets], action="UPDATE"
        ).count()
        == THREADS * WRITES * 2
    )
