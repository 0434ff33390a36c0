"""Benchmark: backward migrate with Django's executor and with the project's.

Run: .venv/bin/python benchmarks/migrate_backwards.py [--repeat N] [--prefix bench_]

On a fresh database of the configured server (DATABASE_URL or the embedded
PostgreSQL; named ``<prefix><random>``, dropped at the end), migrated from the
snapshot, times in this process, alternating the two executors
(``gatimitra.ops.executor``; Django's is what ``migrate`` ran before it):
  * migrate riders 0003_add_riders_rules (62 migrations unapplied),
  * migrate (the same 62 applied again; the forward run is Django's either way),
  * migrate access_mgmt zero --fake (every project migration unrecorded),
  * migrate --fake (recorded again).
Prints the medians of N runs with the machine's cores and load average.
Timings are printed, never asserted.
"""

import argparse
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from gatimitra.ops import executor, reference  # noqa: E402

STEPS = [
    ("migrate riders 0003", ("riders", "0003_add_riders_rules"), {}),
    ("migrate (forward again)", (), {}),
    ("migrate access_mgmt zero --fake", ("access_mgmt", "zero"), {"fake": True}),
    ("migrate --fake", (), {"fake": True}),
]


def load():
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (5 min {five:.2f})"


def timed_steps(alias, djangos):
    swap = (lambda: contextlib.nullcontext()) if djangos else executor.used_by_migrate
    saved = executor.used_by_migrate
    executor.used_by_migrate = swap
    try:
        seconds = []
        for _, args, options in STEPS:
            started = time.perf_counter()
            call_command("migrate", *args, database=alias, verbosity=0, **options)
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        executor.used_by_migrate = saved


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--prefix", default="bench_")
    options = parser.parse_args()
    name = f"{options.prefix}{uuid.uuid4().hex[:10]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": reference.database_url(connection, name)}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        print(f"{platform.node()}: {os.cpu_count()} cores; {load()} at the start", flush=True)
        results = {True: [], False: []}
        with reference.database_alias(connection, name) as alias:
            with connections[alias].cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = cursor.fetchone()[0]
            for _ in range(options.repeat):
                for djangos in (True, False):
                    results[djangos].append(timed_steps(alias, djangos))
                    label = "Django's executor" if djangos else "gatimitra's      "
                    figures = "  ".join(f"{s:6.1f}" for s in results[djangos][-1])
                    print(f"  run: {label} {figures} s  ({load()})", flush=True)
        print(f"PostgreSQL {server}; medians of {options.repeat} run(s); {load()} at the end")
        print(f"{'step':34} {'Django':>8} {'gatimitra':>10}")
        for index, (step, _, _) in enumerate(STEPS):
            before = statistics.median(run[index] for run in results[True])
            after = statistics.median(run[index] for run in results[False])
            print(f"{step:34} {before:7.1f}s {after:9.1f}s   {before / after:4.1f}x")
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
