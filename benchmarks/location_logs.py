"""Benchmark: insert throughput into the day-partitioned riders.location_logs.

Run: .venv/bin/python benchmarks/location_logs.py [--rows N] [--repeat N]

In a scratch database cloned from the migrations' reference database, with
today's partition and the next ones created by ``manage.py partitions``,
prints rows/s (median of N runs, table truncated between runs) for:
  * COPY into location_logs (psycopg ``cursor.copy``, rows routed by PostgreSQL),
  * ``LocationLog.objects.bulk_create`` (batches of 5,000),
each into the partitioned table (pings of one day, and pings spread over
three days: three partitions), into its DEFAULT partition only (no time
partition yet), and into an unpartitioned copy of the table (same columns,
constraints and indexes, primary key ``id``). Timings are printed, never asserted.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, models  # noqa: E402

from gatimitra.ops import partitions, reference  # noqa: E402
from riders.models import LocationLog  # noqa: E402

COLUMNS = ["rider_id", "recorded_at", "latitude", "longitude", "accuracy_m", "speed_kmph"]
PLAIN = 'riders"."location_logs_plain'


#: The same row in the unpartitioned table (the bulk_create target there):
#: LocationLog's concrete fields on a table of its own.
PlainLocationLog = type(
    "PlainPing",
    (models.Model,),
    {
        "__module__": __name__,
        "Meta": type("Meta", (), {"managed": False, "db_table": PLAIN, "app_label": "riders"}),
        **{
            f.name: f.clone()  # type: ignore[attr-defined]
            for f in LocationLog._meta.concrete_fields
            if f.name != "rider"
        },
        "rider_id": models.BigIntegerField(),
    },
)


def rows(count, start, days):
    span = timedelta(days=days) / count
    for i in range(count):
        yield (1 + i % 5000, start + span * i, 12.9 + (i % 1000) * 1e-5, 77.6, 8, 20)


def copy_into(table, count, start, days):
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows(count, start, days):
                copy.write_row(row)


def bulk_into(model, count, start, days):
    objects = [
        model(
            rider_id=r,
            recorded_at=t,
            latitude=round(lat, 6),
            longitude=lon,
            accuracy_m=a,
            speed_kmph=s,
        )
        for r, t, lat, lon, a, s in rows(count, start, days)
    ]
    model.objects.bulk_create(objects, batch_size=5000)


def truncate(table):
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")


def measure(write, table, count, repeat):
    figures = []
    for _ in range(repeat):
        truncate(table)
        started = time.perf_counter()
        write()
        figures.append(count / (time.perf_counter() - started))
    truncate(table)
    return statistics.median(figures)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    template = reference.ensure_reference_database(connection)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    connection.close()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                'CREATE TABLE "riders"."location_logs_plain" (LIKE "riders"."location_logs" '
                "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)"
            )
            cursor.execute('ALTER TABLE "riders"."location_logs_plain" ADD PRIMARY KEY (id)')
            cursor.execute('CREATE INDEX ON "riders"."location_logs_plain" (rider_id, recorded_at)')
            cursor.execute(
                'CREATE INDEX ON "riders"."location_logs_plain" USING brin (recorded_at) '
                "WITH (autosummarize = on)"
            )
            cursor.execute("SELECT version()")
            server = cursor.fetchone()[0].split(" on ")[0]
        now = datetime.now(UTC)
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        parted = '"riders"."location_logs"'
        plain = '"riders"."location_logs_plain"'
        count = args.rows
        results = []

        def run(label, table, model, start, days):
            results.append(
                (
                    label,
                    measure(
                        lambda: copy_into(table, count, start, days), table, count, args.repeat
                    ),
                    measure(
                        lambda: bulk_into(model, count, start, days), table, count, args.repeat
                    ),
                )
            )

        run("unpartitioned copy of the table", plain, PlainLocationLog, today, 1)
        run("partitioned, DEFAULT partition only", parted, LocationLog, today, 1)
        partitions.run(connection, now=now, only=["riders.location_logs"], log=lambda _: None)
        run("partitioned, one day (1 partition)", parted, LocationLog, today, 1)
        run("partitioned, three days (3 partitions)", parted, LocationLog, today, 3)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    print(f"{server}; {count:,} rows per run, median of {args.repeat}")
    print(f"| {'target':<40} | {'COPY rows/s':>12} | {'bulk_create rows/s':>18} |")
    print(f"|{'-' * 42}|{'-' * 13}:|{'-' * 19}:|")
    for label, copy_rate, bulk_rate in results:
        print(f"| {label:<40} | {copy_rate:>12,.0f} | {bulk_rate:>18,.0f} |")


if __name__ == "__main__":
    main()
