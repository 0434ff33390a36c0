"""Benchmark: the GSTIN CHECK per row written, gatimitra 0007's functions vs
0008's (inlined).

Run: .venv/bin/python benchmarks/gstin_check.py [--rows 100000] [--rounds 5]

On the configured database (migrated through gatimitra 0008): 0007's two
functions are created beside the live ones under pg_temp names (as
tests/gatimitra/test_gstin_inlined.py does), then ``--rows`` valid GSTINs
are INSERTed by one ``INSERT ... SELECT`` into a temporary table whose only
CHECK is the GSTIN check, 0007's or 0008's, and into one with no CHECK; the
modes alternate every round (the order swapped each round) and the medians
are printed, with the cost per row each CHECK adds. Nothing is kept. The
machine and its load are printed first; figures are printed, never asserted.
"""

import argparse
import importlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import bulk_writes  # noqa: E402  (sets up Django)
from django.db import connection, transaction  # noqa: E402

from gatimitra.db.validators import make_gstin  # noqa: E402

inlined = importlib.import_module("gatimitra.migrations.0008_inline_gstin_check")

CHECKS = {
    "no CHECK": None,
    "0007 (SQL-function calls)": "pg_temp.gstin_0007_valid(g)",
    "0008 (inlined)": "public.gatimitra_gstin_valid(g)",
}


def gstins(rows):
    rng = random.Random(8)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    samples = []
    for _ in range(rows):
        pan = "".join(rng.choice(letters) for _ in range(5)) + f"{rng.randrange(10000):04d}"
        samples.append(make_gstin(f"{rng.randrange(1, 38):02d}", pan + rng.choice(letters)))
    return samples


def insert_seconds(cursor, check, samples):
    """Seconds of one INSERT ... SELECT of ``samples`` into a new temporary
    table with ``check`` (or none), rolled back."""
    with transaction.atomic():
        constraint = f", CHECK ({check})" if check else ""
        cursor.execute(f"CREATE TEMP TABLE gstin_bench (g text{constraint}) ON COMMIT DROP")
        started = time.perf_counter()
        cursor.execute("INSERT INTO gstin_bench SELECT unnest(%s::text[])", [samples])
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(bulk_writes.machine())
    print(bulk_writes.server_version())
    samples = gstins(args.rows)
    seconds = {mode: [] for mode in CHECKS}
    with connection.cursor() as cursor:
        for sql in (inlined.QUERY_CHECK_CHARACTER, inlined.STRICT_GSTIN_VALID):
            cursor.execute(sql.replace("public.gatimitra_gstin_", "pg_temp.gstin_0007_"))
        for number in range(args.rounds):
            modes = list(CHECKS) if number % 2 == 0 else list(reversed(CHECKS))
            for mode in modes:
                seconds[mode].append(insert_seconds(cursor, CHECKS[mode], samples))
    floor = statistics.median(seconds["no CHECK"])
    print(f"\nINSERT ... SELECT of {args.rows:,} valid GSTINs, medians of {args.rounds} rounds:\n")
    print("| CHECK | seconds (range) | rows/s | the CHECK's cost per row |")
    print("|---|---:|---:|---:|")
    for mode, runs in seconds.items():
        median = statistics.median(runs)
        added = (median - floor) / args.rows * 1e6
        print(
            f"| {mode} | {median:.3f} ({min(runs):.3f}-{max(runs):.3f}) "
            f"| {args.rows / median:,.0f} | {added:.1f} us |"
        )
    print(f"\nload after the run: {bulk_writes.machine().split('uptime: ')[1]}")


if __name__ == "__main__":
    main()
