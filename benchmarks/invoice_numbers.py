"""Benchmark: invoice numbering per row (orders 0020) vs once per statement (0032).

Run: .venv/bin/python benchmarks/invoice_numbers.py [--rows 9224] [--counters 13]
     [--singles 1000] [--rounds 3]

On a scratch database of the configured server (the reference database,
named after the configured database, dropped at the end), with each
version of ``orders.order_invoices_issue`` in turn (0032 as migrated, and
0032's reverse, i.e. 0020's function: committed on the scratch database
only), the order alternating every round:

  * bulk: one INSERT ... SELECT of ``--rows`` invoices over ``--counters``
    counters (the demo order step writes 9,224 over 13), under EXPLAIN
    ANALYZE: the time of the numbering triggers (the row trigger, and 0032's
    statement trigger) and of the statement;
  * COPY: the same rows by COPY, with ``track_functions = 'pl'``: the
    numbering functions' time and the COPY's wall clock;
  * singles: ``--singles`` one-row INSERT statements in one transaction
    (numbering functions' time and wall clock per statement);
  * one-row transactions: ``--singles`` transactions of one one-row INSERT
    each, under EXPLAIN ANALYZE (an application issuing invoices one by
    one): median time of the numbering triggers, of the statement, and of
    the whole transaction seen by the client.

The counter rows exist (committed first, as after each series' first
invoice of the year). Everything else is rolled back: the invoices name
orders that do not exist, and their foreign keys, deferred to commit,
never run. Printed: medians per version. The machine and its load are
printed first and last; figures are printed, never asserted.
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
import seed_demo  # noqa: E402
from django.db import connection  # noqa: E402

from gatimitra.db.validators import make_gstin  # noqa: E402
from gatimitra.ops import reference  # noqa: E402
from orders.sqlfrozen import m0032_number_invoices_once_per_statement as m0032  # noqa: E402

VERSIONS = {
    "0020 per row": m0032.ISSUE_PER_ROW,
    "0032 per statement": m0032.ISSUE_ONCE_PER_STATEMENT,
}
FUNCTIONS = ("order_invoices_issue", "order_invoices_issue_serials")
PANS = [f"AAAC{chr(ord('A') + n)}1234A" for n in range(26)]


def rows_sql(rows, counters, first_order):
    """SELECT of ``rows`` B2C invoices, round robin over ``counters``
    suppliers (each its own counter), one financial year."""
    gstins = ", ".join(f"'{make_gstin('29', pan)}'" for pan in PANS[:counters])
    return f"""
SELECT 'TAX_INVOICE', 'PLATFORM_ECO', 'GMF26',
       timestamptz '2026-06-01 12:00+05:30' + g * interval '1 minute',
       (ARRAY[{gstins}])[1 + g % {counters}], '29', '996331',
       200.00, 5.00, 5.00, 0, 0, 210.00, '', {first_order} + g, false, '', ''
  FROM generate_series(1, {rows}) AS g"""


INSERT = (
    "INSERT INTO orders.order_invoices (invoice_type, issuer, series, issued_at, supplier_gstin, "
    "place_of_supply, hsn_sac, taxable_value, cgst, sgst, igst, cess, total, document_url, "
    "order_id, cancels_original, irn_ack_number, signed_qr_code)"
)
FUNCTIONS_SQL = """
SELECT coalesce(sum(total_time), 0) FROM pg_stat_xact_user_functions
 WHERE schemaname = 'orders' AND funcname = ANY(%s)
"""


def bulk(conn, args):
    with conn.transaction(force_rollback=True):
        statement = INSERT + rows_sql(args.rows, args.counters, 1_000_000)
        plan = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}").fetchone()[0][0]
        triggers = {t["Trigger Name"]: t["Time"] for t in plan.get("Triggers", [])}
        numbering = triggers["order_invoices_issue"] + triggers.get(
            "order_invoices_issue_serials", 0
        )
        return numbering, plan["Execution Time"]


def copy(conn, args):
    with conn.transaction(force_rollback=True):
        rows = conn.execute(rows_sql(args.rows, args.counters, 2_000_000)).fetchall()
        conn.execute("SET LOCAL track_functions = 'pl'")
        started = time.perf_counter()
        with conn.cursor().copy(INSERT.replace("INSERT INTO", "COPY") + " FROM STDIN") as copying:
            for row in rows:
                copying.write_row(row)
        seconds = time.perf_counter() - started
        return conn.execute(FUNCTIONS_SQL, [list(FUNCTIONS)]).fetchone()[0], 1000 * seconds


def singles(conn, args):
    with conn.transaction(force_rollback=True):
        conn.execute("SET LOCAL track_functions = 'pl'")
        statements = [
            INSERT + rows_sql(1, args.counters, 3_000_000 + n).replace("g % ", f"{n} % ")
            for n in range(args.singles)
        ]
        started = time.perf_counter()
        for statement in statements:
            conn.execute(statement)
        seconds = time.perf_counter() - started
        spent = conn.execute(FUNCTIONS_SQL, [list(FUNCTIONS)]).fetchone()[0]
        return 1000 * spent / args.singles, 1e6 * seconds / args.singles


def one_row_transactions(conn, args):
    numbering, executions, latencies = [], [], []
    for n in range(args.singles):
        statement = INSERT + rows_sql(1, args.counters, 4_000_000 + n).replace("g % ", f"{n} % ")
        started = time.perf_counter()
        with conn.transaction(force_rollback=True):
            plan = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}").fetchone()[0][0]
        latencies.append(time.perf_counter() - started)
        triggers = {t["Trigger Name"]: t["Time"] for t in plan.get("Triggers", [])}
        numbering.append(
            triggers["order_invoices_issue"] + triggers.get("order_invoices_issue_serials", 0)
        )
        executions.append(plan["Execution Time"])
    return (
        1000 * statistics.median(numbering),
        1000 * statistics.median(executions),
        1e6 * statistics.median(latencies),
    )


def put_back(conn, statements):
    with conn.transaction():
        for statement in statements:
            conn.execute(statement)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=9224)
    parser.add_argument("--counters", type=int, default=13)
    parser.add_argument("--singles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(bulk_writes.machine())
    print(bulk_writes.server_version())
    home = connection.settings_dict["NAME"]
    ref = reference.ensure_reference_database(connection)
    name = f"{home[:30]}_invnum_{uuid.uuid4().hex[:6]}"
    measures = {
        "bulk INSERT: numbering triggers ms, statement ms": bulk,
        "COPY: numbering functions ms, COPY ms": copy,
        "one-row INSERTs in one transaction: numbering us, statement us": singles,
        "one-row transactions: numbering triggers us, statement us, transaction us": (
            one_row_transactions
        ),
    }
    runs = {version: {label: [] for label in measures} for version in VERSIONS}
    try:
        seed_demo.create(name, ref)
        with seed_demo.connect(name) as conn:
            conn.autocommit = True
            # The counters exist, as they do after a series' first invoice
            # of the year (the upsert path runs once per counter and year).
            conn.execute(
                "INSERT INTO orders.invoice_series_counters "
                "(document_table, issuer, series, financial_year, last_serial) "
                "SELECT DISTINCT 'order_invoices', supplier_gstin, 'GMF26', 2026, 100 "
                f"FROM ({rows_sql(args.counters, args.counters, 0)}) "
                "AS r(a, b, c, d, supplier_gstin)"
            )
            current = "0032 per statement"  # as migrated
            for number in range(args.rounds + 1):
                order = list(VERSIONS)[number % 2 :] + list(VERSIONS)[: number % 2]
                for version in order:
                    if version != current:
                        put_back(conn, VERSIONS[version])
                        current = version
                    for label, measure in measures.items():
                        result = measure(conn, args)
                        if number:  # round 0 warms up the plans and caches
                            runs[version][label].append(result)
                print(f"  round {number} done: {bulk_writes.machine().split('uptime: ')[1]}")
        print(
            f"\n{args.rows:,} invoices over {args.counters} counters, {args.singles:,} one-row "
            f"statements; medians of {args.rounds} rounds, versions alternated\n"
        )
        print("| measure | " + " | ".join(VERSIONS) + " |")
        print("|---|" + "---:|" * len(VERSIONS))
        for label in measures:
            cells = []
            for version in VERSIONS:
                results = runs[version][label]
                cells.append(
                    " / ".join(
                        f"{statistics.median(r[i] for r in results):,.1f}"
                        for i in range(len(results[0]))
                    )
                )
            print(f"| {label} | " + " | ".join(cells) + " |")
        print(f"\nload after the run: {bulk_writes.machine().split('uptime: ')[1]}")
    finally:
        seed_demo.use(home)
        seed_demo.drop(name)


if __name__ == "__main__":
    main()
