"""Benchmark: orders.resolve_gst_state() per row: 0019's, 0028's and 0029's.

Run: .venv/bin/python benchmarks/gst_state.py [--copies 1000] [--rounds 5]

On a scratch database of the configured server (the reference database plus
fixtures/, named after the configured database, dropped at the end), the
fixtures' customer addresses are copied ``--copies`` times (committed, every
rule on). Then, ``--rounds`` times, with each version put back in turn
inside a rolled-back transaction, the order rotating every round (0019:
the trigger reads the name through to_jsonb and orders.indian_state_code()
normalises every state's names; 0028: the trigger reads the column; 0029:
the lookup goes through the indexes of the normalised names, as
migrated), three statements run under
EXPLAIN ANALYZE, whose "Trigger" lines give the time spent in the
customer_addresses_gst_state trigger and its calls:

  * INSERT ... SELECT of every address again (a bulk insert: the trigger
    reads the name and looks it up among the states);
  * UPDATE ... SET state = state (the name named but unchanged: the
    trigger returns early);
  * UPDATE ... SET state = <another state's name> (the name moves the
    state).

Printed: per statement and body, the median trigger time per row and the
median statement time. The machine (cores, memory) and its load (uptime)
are printed first and last; figures are printed, never asserted.
"""

import argparse
import os
import statistics
import sys
import uuid
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import bulk_writes  # noqa: E402  (sets up Django)
import seed_demo  # noqa: E402
from django.db import connection  # noqa: E402

m0028 = import_module("orders.migrations.0028_read_gst_state_name_column_directly")
m0029 = import_module("orders.migrations.0029_look_up_state_names_by_index")
LOOKUP_AS_IN_0019 = m0029.KEYS_AS_IN_0019[0]
LOOKUP_BY_INDEX = next(s for s in m0029.KEYS_BY_INDEX if "indian_state_code" in s)
BODIES = {
    "0019 (to_jsonb, scan)": [m0028.RESOLVE_GST_STATE_AS_IN_0019, LOOKUP_AS_IN_0019],
    "0028 (column, scan)": [m0028.RESOLVE_GST_STATE_FROM_COLUMN, LOOKUP_AS_IN_0019],
    "0029 (column, index)": [m0028.RESOLVE_GST_STATE_FROM_COLUMN, LOOKUP_BY_INDEX],
}
TRIGGER = "customer_addresses_gst_state"
TABLE = "customers.customer_addresses"

COLUMNS_SQL = """
SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped
  AND attname NOT IN ('id', 'is_default')
"""


def statements(columns):
    return {
        "INSERT ... SELECT of every address": (
            f"INSERT INTO {TABLE} ({columns}, is_default) SELECT {columns}, false FROM {TABLE}"
        ),
        "UPDATE SET state = state": f"UPDATE {TABLE} SET state = state",
        "UPDATE SET state = another state's name": (
            f"UPDATE {TABLE} SET state = CASE WHEN state = 'Kerala' THEN 'Goa' ELSE 'Kerala' END"
        ),
    }


def run(conn, bodies, sql_by_label):
    """Per statement: (trigger ms, calls, statement ms) with ``bodies`` put
    back, all in one rolled-back transaction."""
    results = {}
    with conn.transaction(force_rollback=True):
        # The audit trail refuses unaudited DDL; this one is rolled back.
        conn.execute("SELECT audit.begin_maintenance('benchmarks/gst_state.py')")
        for body in bodies:
            conn.execute(body)
        for label, statement in sql_by_label.items():
            plan = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}").fetchone()[0][0]
            trigger = next(t for t in plan.get("Triggers", []) if t["Trigger Name"] == TRIGGER)
            results[label] = (trigger["Time"], trigger["Calls"], plan["Execution Time"])
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(bulk_writes.machine())
    print(bulk_writes.server_version())
    home = connection.settings_dict["NAME"]
    name = f"{home[:30]}_gst_{uuid.uuid4().hex[:6]}"
    try:
        seed_demo.create_with_fixtures(name, home)
        with seed_demo.connect(name) as conn:
            columns = conn.execute(COLUMNS_SQL, [TABLE]).fetchone()[0]
            conn.execute(
                f"INSERT INTO {TABLE} ({columns}, is_default) SELECT {columns}, false "
                f"FROM {TABLE}, generate_series(1, %s)",
                [args.copies],
            )
            conn.commit()
            conn.execute(f"ANALYZE {TABLE}")
            conn.commit()
            rows = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
            print(f"{rows:,} customer addresses; {args.rounds} rounds, bodies alternated\n")
            sql_by_label = statements(columns)
            run(conn, BODIES["0029 (column, index)"], sql_by_label)  # warm-up
            runs = {label: [] for label in BODIES}
            for number in range(args.rounds):
                order = list(BODIES)[number % 3 :] + list(BODIES)[: number % 3]
                for label in order:
                    runs[label].append(run(conn, BODIES[label], sql_by_label))
        print("| statement | body | trigger calls | trigger us/row | statement ms |")
        print("|---|---|---:|---:|---:|")
        for statement in sql_by_label:
            for label, results in runs.items():
                calls = results[0][statement][1]
                per_row = statistics.median(1000 * r[statement][0] / calls for r in results)
                total = statistics.median(r[statement][2] for r in results)
                print(f"| {statement} | {label} | {calls:,} | {per_row:.1f} | {total:,.0f} |")
        print(f"\nload after the run: {bulk_writes.machine().split('uptime: ')[1]}")
    finally:
        seed_demo.use(home)
        seed_demo.drop(name)


if __name__ == "__main__":
    main()
