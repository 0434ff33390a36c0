"""Benchmark: wall clock of the audit capture into a change log shaped as
before audit 0014, with one of its levers, or as 0014 left it.

Run: DJANGO_DEBUG=true DATABASE_URL=... .venv/bin/python
     benchmarks/audit_log_shapes.py [--rows 20000] [--bulk 10000] [--singles 400] [--rounds 10]

On a clone of the reference database (the migrations) named after the
configured database (``<name>_log_shapes``, dropped at the end): a probe
table shaped like ``customers.customers`` with the capture writing into
``audit.order_audit_logs``. Each round puts each shape on that log in turn
(the order reversed every other round), inside one transaction rolled back
afterwards, and times one UPDATE of ``--bulk`` rows and ``--singles``
single-row UPDATEs. Prints the medians and ranges, the machine and its load.
Counts that do not move with load: ``audit_capture_instructions.py``;
benchmarks/README.md, "Audit 0014: cheaper log writes".
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

from audit_capture import connect, machine  # noqa: E402
from django.db import connection  # noqa: E402

from audit import sql  # noqa: E402
from audit.sqlfrozen import m0014_cheaper_audit_log_writes as m0014  # noqa: E402
from gatimitra.ops import reference  # noqa: E402

PROBE = "public.log_shapes_probe"
LOG, PREFIX = "order_audit_logs", "audit_ord"
#: shape: (form of the CHECKs, actor index partial?)
SHAPES = {
    "before 0014": ("in", False),
    "CHECKs only": ("text_array", False),
    "actor index only": ("in", True),
    "audit 0014": ("text_array", True),
}


def probe(conn, rows):
    conn.execute(
        f"CREATE TABLE {PROBE} (LIKE customers.customers INCLUDING DEFAULTS INCLUDING IDENTITY)"
    )
    conn.execute(f"ALTER TABLE {PROBE} ADD PRIMARY KEY (id)")
    conn.execute(
        f"INSERT INTO {PROBE} (mobile, full_name, email, referral_code, status, "
        "preferred_language, signup_source, cod_enabled) "
        "SELECT '+9196' || lpad(n::text, 8, '0'), 'Bench ' || n, 'c' || n || '@example.in', "
        "'BC' || lpad(n::text, 8, '0'), 'ACTIVE', 'en', 'ANDROID_APP', true "
        "FROM generate_series(1, %s) n",
        [rows],
    )
    for statement in sql.capture_statements(
        PROBE, LOG, "id", ["mobile", "email", "full_name"], "id"
    ):
        conn.execute(statement)
    conn.execute(f"VACUUM ANALYZE {PROBE}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--bulk", type=int, default=10000)
    parser.add_argument("--singles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    template = reference.ensure_reference_database(connection)
    name = f"{connection.settings_dict['NAME']}_log_shapes"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        print(machine())
        bulk = {shape: [] for shape in SHAPES}
        single = {shape: [] for shape in SHAPES}
        with connect(name) as conn:
            probe(conn, args.rows)
            ids = [args.bulk + 1 + (n * 17) % (args.rows - args.bulk) for n in range(args.singles)]
            for round_ in range(args.rounds):
                order = list(SHAPES) if round_ % 2 == 0 else list(reversed(SHAPES))
                for shape in order:
                    form, partial = SHAPES[shape]
                    with conn.transaction(force_rollback=True):
                        conn.execute(m0014.replace_checks(LOG, form))
                        conn.execute(m0014.actor_index(LOG, PREFIX, partial))
                        started = time.perf_counter()
                        conn.execute(
                            f"UPDATE {PROBE} SET full_name = full_name || ' R.', "
                            "cod_enabled = NOT cod_enabled WHERE id <= %s",
                            [args.bulk],
                        )
                        bulk[shape].append(time.perf_counter() - started)
                        started = time.perf_counter()
                        for i in ids:
                            conn.execute(
                                f"UPDATE {PROBE} SET full_name = full_name || '.' WHERE id = %s",
                                [i],
                            )
                        single[shape].append((time.perf_counter() - started) / len(ids) * 1000)
        print(f"after the run: {machine()}\n")
        print(
            f"| log | UPDATE of {args.bulk:,} rows, s: median (range) "
            f"| single-row UPDATE, ms: median of {args.rounds} (range) |"
        )
        print("|---|---|---|")
        for shape in SHAPES:
            b, s = bulk[shape], single[shape]
            print(
                f"| {shape} | {statistics.median(b):.3f} ({min(b):.3f}-{max(b):.3f}) "
                f"| {statistics.median(s):.3f} ({min(s):.3f}-{max(s):.3f}) |"
            )
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
