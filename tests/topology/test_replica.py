"""A streaming read replica (gatimitra/ops/scratch/replica.py: one primary and one
replica for the module, embedded binaries): replication catches up, the
router's decisions, the admin's lists on the replica, read-your-writes, and
the fallback to the primary (with the admin's banner) when the replica lags
or is down. For the module the default alias is a database on the primary
built by ``migrate``; the servers and their folder are removed after."""

import copy

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, router, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from access_mgmt.models import SystemUser
from gatimitra import routers
from gatimitra.guards import mark_development
from gatimitra.ops.scratch import replica as pair
from gatimitra.routers import (
    PRIMARY_COOKIE,
    REPLICA_ALIAS,
    ReplicaRouter,
    forget_replica_status,
    replica_context,
    replica_status,
)

pytestmark = pytest.mark.slow

LIST = "/admin/access_mgmt/systemuser/"


@pytest.fixture(scope="module")
def topology(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        primary, replica, workdir = pair.build_pair()
        saved = dict(connection.settings_dict)
        try:
            primary.pg(
                "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "gm_replica",
            )
            connection.close()
            primary_db = primary.settings(copy.deepcopy(saved), "gm_replica")
            primary_db.pop("EMBEDDED_POSTGRES_DIR", None)
            connection.settings_dict.clear()
            connection.settings_dict.update(primary_db)
            # Built by the migrations on the primary, whatever the test server is.
            call_command("migrate", verbosity=0)
            mark_development("pytest", using="default")
            replica_db = replica.settings(copy.deepcopy(primary_db), "gm_replica")
            settings.DATABASES[REPLICA_ALIAS] = replica_db
            # The tests start on a replica that has replayed the migrations.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn()::text, inet_server_port()")
                built, port = cursor.fetchone()
            # A connection pool left on the alias by an earlier test would have
            # sent the migrations to that test's server: the replica would
            # wait for WAL its primary never writes.
            assert port == primary.port, (
                f"default reached port {port}, not the primary's {primary.port}: "
                f"OPTIONS {connection.settings_dict.get('OPTIONS')}"
            )

            def replayed():
                # Until it replays CREATE DATABASE the replica refuses the login.
                try:
                    in_recovery, done = _on_replica(
                        "SELECT pg_is_in_recovery(),"
                        " pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0",
                        [built],
                    )
                except DatabaseError:
                    connections[REPLICA_ALIAS].close()
                    return False
                # Another server on the replica's port would never catch up: say so now.
                assert in_recovery, f"port {replica.port} answers, but not as a standby"
                return done

            # Replaying every migration is slow on a loaded machine (2 cores,
            # xdist workers): a generous bound, and the servers' own account
            # of the replication when it is exceeded.
            pair.wait_for(
                replayed,
                timeout=420,
                interval=0.5,
                what="the replica to replay the migrations",
                diagnose=lambda: pair.diagnosis(primary, replica),
            )
            middleware = list(settings.MIDDLEWARE)
            middleware.insert(
                middleware.index("audit.context.AuditContextMiddleware"),
                "gatimitra.routers.ReplicaRoutingMiddleware",
            )
            overrides = override_settings(
                DATABASE_ROUTERS=["gatimitra.routers.ReplicaRouter"],
                MIDDLEWARE=middleware,
                DATABASE_REPLICA_MAX_LAG=2,
                DATABASE_REPLICA_CHECK_INTERVAL=0,
            )
            overrides.enable()
            try:
                yield primary, replica
            finally:
                overrides.disable()
                connections[REPLICA_ALIAS].close()
                del connections[REPLICA_ALIAS]
                del settings.DATABASES[REPLICA_ALIAS]
                forget_replica_status()
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
            pair.tear_down(primary, replica, workdir)


@pytest.fixture
def staff(topology, django_db_blocker):
    with django_db_blocker.unblock():
        user, _ = SystemUser.objects.get_or_create(
            email="replica-admin@gatimitra.test",
            defaults={"full_name": "Replica Admin", "is_staff": True, "is_superuser": True},
        )
        yield user


def test_without_a_replica_every_read_goes_to_the_primary(db, superuser):
    assert REPLICA_ALIAS not in settings.DATABASES
    assert replica_status(refresh=True).state == "not configured"
    with replica_context():
        assert ReplicaRouter().db_for_read(SystemUser) is None
    client = Client()
    client.force_login(superuser)
    listing = client.get(LIST)
    assert listing.status_code == 200 and b'id="replica-notice"' not in listing.content


def _on_replica(sql, params=()):
    with connections[REPLICA_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _replica_queries(client, path, **params):
    with CaptureQueriesContext(connections[REPLICA_ALIAS]) as seen:
        response = client.get(path, params)
    assert response.status_code == 200
    return response, len(seen.captured_queries)


def test_replication_catches_up(staff, django_db_blocker):
    with django_db_blocker.unblock():
        assert _on_replica("SELECT pg_is_in_recovery()")[0] is True
        SystemUser.objects.create(email="streamed@gatimitra.test", full_name="Streamed Row")
        pair.wait_for(
            lambda: _on_replica(
                "SELECT count(*) FROM access_mgmt.system_users WHERE email = %s",
                ["streamed@gatimitra.test"],
            )[0],
            what="the row on the replica",
        )
        assert pair.wait_for(lambda: replica_status(refresh=True).state == "ok")


def test_the_router_reads_the_replica_only_where_it_cannot_be_stale(staff, django_db_blocker):
    with django_db_blocker.unblock():
        pair.wait_for(lambda: replica_status(refresh=True).usable, what="a usable replica")
        outside = ReplicaRouter()
        assert router.db_for_read(SystemUser) == "default"  # not a replica read
        with replica_context():
            assert router.db_for_read(SystemUser) == REPLICA_ALIAS
            with transaction.atomic():
                assert router.db_for_read(SystemUser) == "default"
            assert router.db_for_write(SystemUser) == "default"
            with connection.execute_wrapper(routers.WriteMarker()):
                SystemUser.objects.filter(pk=staff.pk).update(employee_id="RYW1")
            assert router.db_for_read(SystemUser) == "default"  # read-your-writes
        assert outside.allow_migrate(REPLICA_ALIAS, "access_mgmt") is False
        assert outside.allow_migrate("default", "access_mgmt") is True


def test_admin_lists_and_search_read_the_replica_and_a_writer_reads_the_primary(
    staff, django_db_blocker
):
    with django_db_blocker.unblock():
        pair.wait_for(lambda: replica_status(refresh=True).usable, what="a usable replica")
        client = Client()
        client.force_login(staff)
        listing, on_replica = _replica_queries(client, LIST)
        assert on_replica > 0
        assert b'id="replica-notice"' not in listing.content
        _, on_replica = _replica_queries(client, LIST, q="Replica Admin")
        assert on_replica > 0
        _, on_replica = _replica_queries(client, f"{LIST}{staff.pk}/change/")
        assert on_replica == 0  # a change form reads the primary
        # A request that writes keeps the writer on the primary for a while.
        logout = client.post("/admin/logout/")
        assert logout.cookies[PRIMARY_COOKIE].value == "1"
        client.force_login(staff)
        client.cookies[PRIMARY_COOKIE] = "1"
        _, on_replica = _replica_queries(client, LIST)
        assert on_replica == 0


def test_a_lagging_replica_sends_reads_to_the_primary_and_the_admin_says_so(
    staff, django_db_blocker
):
    with django_db_blocker.unblock():
        client = Client()
        client.force_login(staff)
        _on_replica("SELECT pg_wal_replay_pause()")
        try:
            SystemUser.objects.filter(pk=staff.pk).update(employee_id="LAG1")
            status = pair.wait_for(
                lambda: (s := replica_status(refresh=True)).state == "lagging" and s,
                what="the replica's lag to pass DATABASE_REPLICA_MAX_LAG",
            )
            assert status.lag_seconds > settings.DATABASE_REPLICA_MAX_LAG
            listing, on_replica = _replica_queries(client, LIST)
            assert on_replica == 0
            assert b'id="replica-notice"' in listing.content
            assert b"lists read the primary database" in listing.content
        finally:
            _on_replica("SELECT pg_wal_replay_resume()")
        pair.wait_for(lambda: replica_status(refresh=True).state == "ok", what="catching up")
        listing, on_replica = _replica_queries(client, LIST)
        assert on_replica > 0 and b'id="replica-notice"' not in listing.content


def test_a_replica_that_is_down_sends_reads_to_the_primary(topology, staff, django_db_blocker):
    _, replica = topology
    with django_db_blocker.unblock():
        client = Client()
        client.force_login(staff)
        connections[REPLICA_ALIAS].close()
        replica.stop()
        status = replica_status(refresh=True)
        assert (status.state, status.usable) == ("down", False)
        listing = client.get(LIST)
        assert listing.status_code == 200
        assert b"The read replica does not answer" in listing.content
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(host="127.0.0.1", port=replica.port, user="postgres", connect_timeout=2)


def test_the_replica_url_adds_the_alias_the_router_and_the_middleware():
    from tests.gatimitra.test_safe_settings import _run

    shown = _run(
        {
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": "postgres://app:pw@db.internal:5432/gatimitra",
            "DATABASE_REPLICA_URL": "postgres://reader:pw@replica.internal:5432/gatimitra",
            "DATABASE_REPLICA_MAX_LAG": "4.5",
        },
        code="from django.conf import settings as s; r = s.DATABASES['replica']; "
        "print(r['HOST'], r['USER'], r['TEST']['MIRROR'], s.DATABASE_ROUTERS, "
        "s.DATABASE_REPLICA_MAX_LAG, 'gatimitra.routers.ReplicaRoutingMiddleware' in "
        "s.MIDDLEWARE)",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split("\n")[0] == (
        "replica.internal reader default "
        "['gatimitra.routers.DomainRouter', 'gatimitra.routers.ReplicaRouter'] 4.5 True"
    )
