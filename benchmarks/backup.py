"""Benchmark: backup_schema / restore_schema vs plain pg_dump / pg_restore.

Run: .venv/bin/python benchmarks/backup.py [--rows N] [--repeat N]

In a scratch database cloned from the migrations' reference database,
``riders.location_logs`` gets N rows (one day's partition, made with
``INSERT ... SELECT generate_series``; the other riders tables stay empty, so
the schema is that table). Then, timed (median of --repeat runs):

  * plain ``pg_dump --format=custom --schema=riders``,
  * ``backup_schema riders`` (the same pg_dump in an exported snapshot, the
    streamed checksums of every table read in that snapshot meanwhile, the
    tar, SHA-256 and signed manifest),
  * plain ``pg_restore --single-transaction`` of the plain dump after
    ``DROP SCHEMA riders CASCADE``,
  * ``restore_schema`` after the same drop (checks, one psql transaction,
    the objects outside the schema, every table's checksum before COMMIT).

Prints rows/s and MB/s (of the table's on-disk size, heap and indexes) and
the ratio to the plain tool. The benchmark signs with a random key of its own.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from gatimitra.ops import backup, partitions, reference  # noqa: E402


def timed(action, repeat, before=None):
    figures = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        action()
        figures.append(time.perf_counter() - started)
    return statistics.median(figures)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    settings.GATIMITRA_BACKUP_KEY = secrets.token_hex(32)

    template = reference.ensure_reference_database(connection)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    connection.close()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    work = Path(tempfile.mkdtemp(prefix="gm-bench-backup-"))
    try:
        now = datetime.now(UTC)
        partitions.run(connection, now=now, only=["riders.location_logs"], log=lambda _: None)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                "INSERT INTO riders.location_logs (rider_id, recorded_at, latitude, longitude, "
                "accuracy_m, speed_kmph, bearing_deg, battery_pct, order_status) "
                "SELECT 1 + g %% 8000, date_trunc('day', now()) + g * (interval '86399 s' / %s), "
                "12.9 + (g %% 100000) * 1e-6, 77.5 + (g %% 70000) * 1e-6, g %% 50, g %% 80, "
                "g %% 360, g %% 101, CASE WHEN g %% 3 = 0 THEN 'in_transit' END "
                "FROM generate_series(1, %s) g",
                [args.rows, args.rows],
            )
            load = time.perf_counter() - started
            cursor.execute("VACUUM (ANALYZE) riders.location_logs")
            cursor.execute(
                "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
                "WHERE inhparent = 'riders.location_logs'::regclass"
            )
            size_mb = float(cursor.fetchone()[0]) / 2**20
            cursor.execute("SELECT version()")
            server = cursor.fetchone()[0].split(" on ")[0]
        major = connection.pg_version // 10000
        pg_dump, pg_restore = backup.tool("pg_dump", major), backup.tool("pg_restore", major)

        with backup._Libpq(connection) as libpq:
            env = libpq.env()
            plain = work / "plain.dump"

            def run(*command):
                subprocess.run([str(c) for c in command], env=env, check=True)

            def drop_riders():
                with connection.cursor() as cursor:
                    cursor.execute("DROP SCHEMA IF EXISTS riders CASCADE")

            dump_plain = timed(
                lambda: run(pg_dump, "--format=custom", "--schema=riders", f"--file={plain}"),
                args.repeat,
            )
            ours = work / "riders.dump"
            dump_ours = timed(lambda: backup.backup_schema(connection, "riders", ours), args.repeat)
            sizes = (plain.stat().st_size / 2**20, ours.stat().st_size / 2**20)

            def restore_plain():
                run(
                    pg_restore, "--single-transaction", "--exit-on-error", f"--dbname={name}", plain
                )

            # Each restore starts from the schema dropped; the drop is not timed.
            restore_plain_s = timed(restore_plain, args.repeat, before=drop_riders)
            restore_ours = timed(
                lambda: backup.restore_schema(connection, ours), args.repeat, before=drop_riders
            )
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        for path in work.iterdir():
            path.unlink()
        work.rmdir()

    rows = args.rows
    print(
        f"{server}; pg_dump/pg_restore {'.'.join(map(str, backup.tool_version(pg_dump)))}; "
        f"riders.location_logs {rows:,} rows, {size_mb:,.0f} MB on disk (heap + indexes), "
        f"loaded in {load:.1f} s; median of {args.repeat}; "
        f"dump {sizes[0]:,.0f} MB plain, {sizes[1]:,.0f} MB backup_schema"
    )
    print(f"| {'step':<40} | {'seconds':>8} | {'rows/s':>10} | {'MB/s':>6} | {'vs plain':>8} |")
    print(f"|{'-' * 42}|{'-' * 9}:|{'-' * 11}:|{'-' * 7}:|{'-' * 9}:|")
    for label, seconds, baseline in (
        ("pg_dump -Fc --schema=riders", dump_plain, dump_plain),
        ("backup_schema riders", dump_ours, dump_plain),
        ("pg_restore --single-transaction", restore_plain_s, restore_plain_s),
        ("restore_schema", restore_ours, restore_plain_s),
    ):
        print(
            f"| {label:<40} | {seconds:>8.1f} | {rows / seconds:>10,.0f} | "
            f"{size_mb / seconds:>6.1f} | {seconds / baseline:>7.2f}x |"
        )


if __name__ == "__main__":
    main()
