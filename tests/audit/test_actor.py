"""The actor is set per transaction: behind a transaction-pooling PgBouncer
every entry names the client that wrote it, and only trusted login roles
can name an actor at all."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import traceback
import uuid

import psycopg
import pytest
from django.db import connection
from django.db.utils import load_backend

from access_mgmt.factories import SystemUserFactory
from access_mgmt.models import SystemUser
from audit.context import acting_as
from audit.models import AccessAuditLog
from gatimitra.enums import ActorType

CLIENTS = 8
WRITES = 12


def _pgbouncer_binary():
    binary = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None
    )
    if binary is None:
        message = "pgbouncer is not installed (apt-get install pgbouncer)"
        if os.environ.get("GATIMITRA_PGBOUNCER_REQUIRED"):
            pytest.fail(message + "; GATIMITRA_PGBOUNCER_REQUIRED is set")
        pytest.skip(message)
    return binary


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pgbouncer(transactional_db):
    """PgBouncer in transaction mode with ONE server connection, in front of
    the test database; yields the Django alias that connects through it."""
    binary = _pgbouncer_binary()
    settings_dict = connection.settings_dict
    host = settings_dict["HOST"] or "127.0.0.1"
    # PgBouncer refuses to run as root: it runs as the owner of the
    # server's socket directory (embedded) or as postgres.
    user = "postgres"
    if host.startswith("/"):
        user = pwd.getpwuid(os.stat(host).st_uid).pw_name
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="gm_pgbouncer_")
    with open(os.path.join(workdir, "users.txt"), "w") as handle:
        handle.write(f'"{settings_dict["USER"]}" ""\n')
    with open(os.path.join(workdir, "pgbouncer.ini"), "w") as handle:
        handle.write(
            "[databases]\n"
            f"* = host={host} port={settings_dict['PORT'] or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {workdir}/users.txt\n"
            "pool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 50\n"
            f"logfile = {workdir}/pgbouncer.log\npidfile = {workdir}/pgbouncer.pid\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
    if os.geteuid() == 0:
        uid = pwd.getpwnam(user)
        os.chown(workdir, uid.pw_uid, uid.pw_gid)
        for name in os.listdir(workdir):
            os.chown(os.path.join(workdir, name), uid.pw_uid, uid.pw_gid)
        command = [binary, "-u", user, f"{workdir}/pgbouncer.ini"]
    else:
        command = [binary, f"{workdir}/pgbouncer.ini"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read().decode(errors="replace")
                pytest.fail(f"pgbouncer did not start: {output[-2000:]}")
            time.sleep(0.1)
    through = {**settings_dict, "HOST": "127.0.0.1", "PORT": str(port), "CONN_MAX_AGE": 0}

    def connect():
        """A database wrapper of its own that connects through PgBouncer
        (used and closed by the thread that makes it). Its alias is default's
        for django.contrib.postgres' type lookup, which goes by alias."""
        return load_backend(through["ENGINE"]).DatabaseWrapper(through, "default")

    try:
        yield connect
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


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
    settings_dict = connection.settings_dict
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
