"""Benchmark: merchant invoice numbering per row (merchants 0014) vs once per
statement (0017), by the size of one bulk INSERT.

Run: .venv/bin/python benchmarks/merchant_invoice_numbers.py --template DB
     [--rows 1500,6000,24000] [--rounds 3]

``--template`` names a migrated database of the configured server with at
least one merchant parent (a ``seed_demo`` database, e.g. the ``*_full`` one
``benchmarks/commit_checks.py --keep PREFIX`` keeps). It is cloned to a
scratch database (dropped at the end); then for each ``--rows`` count, in
``--rounds`` rounds with the versions' order alternating, one INSERT ...
SELECT of that many B2C invoices of one parent, one series and one financial
year (the demo seed's tail writes one invoice per paid store payout in one
statement), under EXPLAIN ANALYZE, in a transaction rolled back after it,
with the version's SQL applied first in the same transaction: the time of
the numbering triggers (the row trigger, and 0017's statement trigger) and
of the statement. Printed: medians per version; the machine and its load
first and last. Figures are printed, never asserted.
"""

import argparse
import json
import os
import statistics
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import bulk_writes  # noqa: E402  (sets up Django)
import seed_demo  # noqa: E402

from merchants.sqlfrozen import (  # noqa: E402
    m0017_number_merchant_invoices_once_per_statement as m0017,
)

VERSIONS = ("0014 per row", "0017 per statement")
TRIGGERS = ("merchant_invoices_issue", "merchant_invoices_issue_serials")
BULK = """
EXPLAIN (ANALYZE, FORMAT JSON)
INSERT INTO merchants.merchant_invoices (invoice_type, invoice_date, sac_code, taxable_value,
    cgst_amount, sgst_amount, igst_amount, total_amount, line_items, pdf_url, parent_id, series,
    irn_ack_number, signed_qr_code)
SELECT 'TAX_INVOICE', DATE '2026-11-30', '998599', 100, 9, 9, 0, 118, '[]', 'bench',
       (SELECT min(id) FROM merchants.merchant_parents), 'BNCH', '', ''
  FROM generate_series(1, %s)
"""


def machine():
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    return f"{os.cpu_count()} cores; load average {' '.join(load)}"


def bulk(conn, version, rows):
    """(numbering triggers ms, statement ms) of one INSERT of ``rows`` invoices
    with ``version`` in place; rolled back."""
    has_0017 = conn.execute(
        "SELECT to_regproc('merchants.merchant_invoices_issue_serials') IS NOT NULL"
    ).fetchone()[0]
    wanted = version == VERSIONS[1]
    if has_0017 and not wanted:
        statements = m0017.ISSUE_PER_ROW
    elif wanted and not has_0017:
        statements = m0017.ISSUE_ONCE_PER_STATEMENT
    else:
        statements = []
    for statement in statements:
        conn.execute(statement)
    plan = conn.execute(BULK, [rows]).fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    conn.rollback()
    numbering = sum(t["Time"] for t in plan.get("Triggers", []) if t["Trigger Name"] in TRIGGERS)
    return numbering, plan["Execution Time"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", required=True)
    parser.add_argument("--rows", default="1500,6000,24000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    print(bulk_writes.server_version())
    scratch = f"{args.template}_invoices_{uuid.uuid4().hex[:6]}"
    seed_demo.create(scratch, args.template)
    results = {}
    try:
        with seed_demo.connect(scratch) as conn:
            for rows in (int(n) for n in args.rows.split(",")):
                for round_number in range(args.rounds):
                    order = VERSIONS if round_number % 2 == 0 else VERSIONS[::-1]
                    for version in order:
                        results.setdefault((rows, version), []).append(bulk(conn, version, rows))
    finally:
        seed_demo.drop(scratch)
    print("\n| invoices in one INSERT | version | numbering triggers ms | statement ms |")
    print("|---:|---|---:|---:|")
    for (rows, version), runs in results.items():
        numbering = statistics.median(run[0] for run in runs)
        statement = statistics.median(run[1] for run in runs)
        print(f"| {rows:,} | {version} | {numbering:,.0f} | {statement:,.0f} |")
    print(f"\n{machine()}")


if __name__ == "__main__":
    main()
