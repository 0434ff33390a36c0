"""Benchmark: migrate from empty vs the same SQL through psql, and test-database setup.

Run: .venv/bin/python benchmarks/migrations.py [--repeat N]

Prints, each a median of N runs on fresh empty databases of the configured
server (DATABASE_URL or the embedded PostgreSQL):
  * manage.py migrate (the default path: replays the migration snapshot),
  * manage.py migrate --no-snapshot (every migration one by one),
  * psql -1 -f on the same SQL migrate executes (the snapshot's statements),
  * the ratio migrate / psql (the goal is <= 5x),
  * test-database setup: cold (reference database built from the migrations,
    then cloned) and warm (reference exists: clone only).
Timings are printed, never asserted.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from gatimitra.ops import backup, reference, snapshot  # noqa: E402


def fresh_database():
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    return name


def drop(name):
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def timed(command, env):
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def migrate_seconds(*extra):
    name = fresh_database()
    try:
        env = {**os.environ, "DATABASE_URL": reference.database_url(connection, name)}
        return timed([sys.executable, "manage.py", "migrate", "-v0", *extra], env)
    finally:
        drop(name)


def psql_seconds(sql_file):
    name = fresh_database()
    try:
        env = backup.libpq_env(connection.settings_dict, dbname=name)
        psql = backup.tool("psql", backup.server_major(connection))
        return timed(
            [str(psql), "--no-psqlrc", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", sql_file], env
        )
    finally:
        drop(name)


def test_database_seconds(cold):
    if cold:
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname = %s",
                [reference.reference_name(connection)],
            )
            if cursor.fetchone():
                drop(reference.reference_name(connection))
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    test_settings = settings_dict["TEST"]
    test_settings.update(NAME=f"bench_test_{uuid.uuid4().hex[:8]}", TEMPLATE=None)
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    elapsed = time.perf_counter() - started
    connection.creation.destroy_test_db(original_name, verbosity=0)
    test_settings.update(NAME=None, TEMPLATE=None)
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    document = snapshot.load()
    statements = [s for entry in document["migrations"] for s in entry["statements"]]
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(";\n".join(statements) + ";\n")
        sql_file = handle.name
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    runs = options.repeat
    fast = statistics.median(migrate_seconds() for _ in range(runs))
    psql = statistics.median(psql_seconds(sql_file) for _ in range(runs))
    slow = statistics.median(migrate_seconds("--no-snapshot") for _ in range(max(1, runs // 2)))
    cold = test_database_seconds(cold=True)
    warm = statistics.median(test_database_seconds(cold=False) for _ in range(runs))
    os.unlink(sql_file)
    models = sum(len(entry["statements"]) for entry in document["migrations"])
    print(f"PostgreSQL {server}; {len(document['migrations'])} migrations, {models} statements")
    print(f"migrate (snapshot replay)      {fast:7.2f} s")
    print(f"migrate --no-snapshot          {slow:7.2f} s")
    print(f"psql -1 -f (same SQL)          {psql:7.2f} s")
    print(
        f"ratio migrate / psql           {fast / psql:7.2f} x   (one by one: {slow / psql:.1f} x)"
    )
    print(f"test database, cold            {cold:7.2f} s")
    print(f"test database, warm            {warm:7.2f} s")


if __name__ == "__main__":
    main()
