"""Benchmark: the order invoice numbering function of orders 0032 vs 0033
(no statement run per invoice), alone, on the demo order step's invoices.

Run: .venv/bin/python benchmarks/invoice_issue_statements.py --template DB
     [--singles 500] [--rounds 5]

``--template`` names a seeded database of the configured server holding the
order step's invoices (the ``*_full`` one ``benchmarks/commit_checks.py
--keep PREFIX`` keeps). It is cloned to a scratch database (dropped at the
end). In each round, each version in turn (the order alternating), in a
transaction rolled back after it, with the version's
``orders.order_invoices_issue()`` applied first and ``track_functions =
'pl'``, on a temporary copy of ``orders.order_invoices`` (no keys, no audit)
carrying the numbering's two triggers:

  * bulk: every invoice of the template inserted again by one INSERT ...
    SELECT (numbers left to the function): the function's ms;
  * singles: ``--singles`` one-row INSERTs from a ``DO`` loop (each its
    statement's first invoice of its counter: the counter row's update):
    the function's us per call and the statement's us (wall clock of the
    loop per INSERT, the statement trigger included).

Printed: each round's figures and the medians per version; the machine and
its load first and last. Figures are printed, never asserted.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import bulk_writes  # noqa: E402  (sets up Django)
import psycopg  # noqa: E402
import seed_demo  # noqa: E402

from orders.sqlfrozen import (  # noqa: E402
    m0033_issue_invoices_without_per_row_statements as m0033,
)

VERSIONS = {
    "0032": m0033.ISSUE_AS_IN_0032,
    "0033": m0033.ISSUE_WITHOUT_PER_ROW_STATEMENTS,
}
FUNCTION_TIME = (
    "SELECT coalesce(sum(calls), 0)::bigint, coalesce(sum(total_time), 0)::float8 "
    "FROM pg_stat_xact_user_functions "
    "WHERE schemaname = 'orders' AND funcname = 'order_invoices_issue'"
)


def since(conn, start):
    """The function's calls and ms since ``start`` (the view also holds earlier
    transactions' figures until the backend reports them)."""
    calls, total = conn.execute(FUNCTION_TIME).fetchone()
    return calls - start[0], total - start[1]


def prepare(conn, version):
    """The version's function and the probe table; the columns to copy."""
    conn.execute("SET track_functions = 'pl'")
    conn.execute(VERSIONS[version])
    conn.execute("CREATE TEMP TABLE probe (LIKE orders.order_invoices INCLUDING DEFAULTS)")
    conn.execute(
        "CREATE TRIGGER issue BEFORE INSERT ON pg_temp.probe "
        "FOR EACH ROW EXECUTE FUNCTION orders.order_invoices_issue()"
    )
    conn.execute(
        "CREATE TRIGGER issue_serials AFTER INSERT ON pg_temp.probe "
        "FOR EACH STATEMENT EXECUTE FUNCTION orders.order_invoices_issue_serials()"
    )
    columns = [
        row[0]
        for row in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'orders.order_invoices'::regclass "
            "AND attnum > 0 AND NOT attisdropped "
            "AND attname NOT IN ('serial', 'financial_year', 'invoice_number') ORDER BY attnum"
        )
    ]
    return ", ".join(f'"{column}"' for column in columns)


def bulk(conn, version):
    with conn.transaction():
        columns = prepare(conn, version)
        start = conn.execute(FUNCTION_TIME).fetchone()
        conn.execute(
            f"INSERT INTO pg_temp.probe ({columns}) "
            f"SELECT {columns} FROM orders.order_invoices ORDER BY id"
        )
        calls, total = since(conn, start)
        raise psycopg.Rollback
    return calls, total


def singles(conn, version, count):
    with conn.transaction():
        columns = prepare(conn, version)
        template = conn.execute("SELECT min(id) FROM orders.order_invoices").fetchone()[0]
        start = conn.execute(FUNCTION_TIME).fetchone()
        began = time.perf_counter()
        conn.execute(
            f"DO $$ BEGIN FOR i IN 1..{count} LOOP "
            f"INSERT INTO pg_temp.probe ({columns}) SELECT {columns} "
            f"FROM orders.order_invoices WHERE id = {template}; END LOOP; END $$"
        )
        wall = time.perf_counter() - began
        calls, total = since(conn, start)
        raise psycopg.Rollback
    return total * 1000 / calls, wall * 1e6 / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", required=True)
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(bulk_writes.machine())
    print(bulk_writes.server_version())
    scratch = f"{args.template}_issue_{uuid.uuid4().hex[:6]}"
    seed_demo.create(scratch, args.template)
    results = {version: [] for version in VERSIONS}
    try:
        with seed_demo.connect(scratch) as conn:
            for number in range(args.rounds):
                order = list(VERSIONS) if number % 2 == 0 else list(VERSIONS)[::-1]
                for version in order:
                    calls, bulk_ms = bulk(conn, version)
                    call_us, statement_us = singles(conn, version, args.singles)
                    results[version].append((bulk_ms, call_us, statement_us))
                    print(
                        f"round {number} {version}: bulk {calls:,} calls {bulk_ms:,.0f} ms; "
                        f"one-row: {call_us:,.1f} us a call, {statement_us:,.1f} us a statement"
                    )
    finally:
        seed_demo.drop(scratch)
    print(
        f"\n| version | bulk: function ms | one-row: function us a call "
        f"| one-row: us a statement |  (medians of {args.rounds})"
    )
    print("|---|---:|---:|---:|")
    for version, runs in results.items():
        cells = [statistics.median(run[i] for run in runs) for i in range(3)]
        print(f"| {version} | {cells[0]:,.0f} | {cells[1]:,.1f} | {cells[2]:,.1f} |")
    print(f"\n{bulk_writes.machine()}")


if __name__ == "__main__":
    main()
