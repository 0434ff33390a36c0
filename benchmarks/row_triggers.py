"""Benchmark: what each per-row trigger costs the order step's bulk writes.

Run: .venv/bin/python benchmarks/row_triggers.py [--scale-factor 0.005] [--repeat 1]
     [--tables orders.orders,orders.order_charges]

On scratch databases of the configured server (built like
benchmarks/seed_demo.py's: migrations, fixtures, seed_demo up to the order
step; dropped at the end), the rows the order step writes are loaded again
with plain COPY, all tables in one transaction, then the checks deferred to
commit are run (``SET CONSTRAINTS ALL IMMEDIATE``) and the transaction is
rolled back. That load is timed with every rule on, with
``session_replication_role = replica`` (the floor), and once per trigger
with that one trigger disabled inside the rolled-back transaction (a scratch
database only: a migration never does this). A trigger's cost is the
difference to "every rule on", in seconds and as a share of it.

Only triggers that fire per row are listed (statement-level audit capture,
append-only and TRUNCATE guards are left out: the audit and ledger helpers
measure theirs). Figures are printed, never asserted; the machine and its
load are printed first and last (2 shared cores: repeat and compare only
large differences).
"""

import argparse
import importlib
import os
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

from demo import orders  # noqa: E402
from demo.management.commands.seed_demo import default_as_of  # noqa: E402
from demo.plan import PLANS  # noqa: E402
from demo.writer import TableSpec  # noqa: E402

#: pg_trigger.tgtype bit 0: the trigger fires for each row.
ROW_LEVEL = 1

ROW_TRIGGERS_SQL = """
SELECT t.tgrelid::regclass::text, t.tgname, t.tgdeferrable
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND t.tgtype & %s = %s
  AND t.tgrelid = ANY(%s::regclass[])
  AND t.tgfoid <> 'gatimitra_refuse_change'::regproc
ORDER BY 1, 2
"""

#: Time per trigger function (and the functions they call) in this
#: transaction, with the row triggers that run it.
FUNCTIONS_SQL = """
SELECT f.schemaname || '.' || f.funcname, f.calls, f.total_time, f.self_time,
       (SELECT string_agg(DISTINCT t.tgrelid::regclass::text || ' ' || t.tgname, ', ')
        FROM pg_trigger t WHERE t.tgfoid = f.funcid AND t.tgparentid = 0
          AND NOT t.tgisinternal AND t.tgrelid = ANY(%s::regclass[]))
FROM pg_stat_xact_user_functions f
ORDER BY f.total_time DESC
"""


def load(conn, data, replica=False, disabled=None, functions=False, earlier=()):
    """COPY every table's rows and run the deferred checks; roll back.
    Seconds per table, for the deferred checks, in all, and (``functions``)
    the time spent in each PL/pgSQL function by this transaction. ``earlier``:
    SQL run first in the same rolled-back transaction (a migration's reverse,
    to load with the rules as they were)."""
    spent = []
    with conn.transaction(force_rollback=True):
        if replica:
            conn.execute("SET LOCAL session_replication_role = replica")
        if functions:
            conn.execute("SET LOCAL track_functions = 'pl'")
        if disabled or earlier:
            # The audit trail refuses unaudited DDL; this one is rolled back.
            conn.execute("SELECT audit.begin_maintenance('benchmarks/row_triggers.py')")
        if disabled:
            table, trigger = disabled
            conn.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{trigger}"')
        for statement in earlier:
            conn.execute(statement)
        started = time.perf_counter()
        seconds = seed_demo.copy_rows(conn, data)
        began = time.perf_counter()
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        deferred = time.perf_counter() - began
        total = time.perf_counter() - started
        if functions:
            tables = [spec.quoted for spec, _payload, _rows in data.values()]
            spent = conn.execute(FUNCTIONS_SQL, [tables]).fetchall()
    return seconds, deferred, total, spent


def print_functions(spent, seconds, at_least):
    """The functions (FUNCTIONS_SQL's rows) that took ``at_least`` percent
    of a load of ``seconds``, as a table."""
    print("| function | calls | total ms | self ms | share of load | row triggers |")
    print("|---|---:|---:|---:|---:|---|")
    for function, calls, total_ms, self_ms, users in spent:
        share = 100 * total_ms / 1000 / seconds
        if share >= at_least:
            print(
                f"| {function} | {calls:,} | {total_ms:,.0f} | {self_ms:,.0f} "
                f"| {share:.0f}% | {users or ''} |"
            )


def earlier_sql(names):
    """The statements named ``module:CONSTANT`` (e.g. a sqlfrozen module's
    reverse), in the order given."""
    statements = []
    for name in names:
        module, constant = name.split(":")
        statements += getattr(importlib.import_module(module), constant)
    return statements


def before_and_after(conn, data, rounds, earlier, orders_count):
    """Alternate loads with the rules as they are and with ``earlier`` put
    back, ``rounds`` times each (so the machine's load weighs on both), and
    print the best of each side by side."""
    now_runs, before_runs = [], []
    for _ in range(rounds):
        now_runs.append(load(conn, data, functions=True))
        before_runs.append(load(conn, data, functions=True, earlier=earlier))
        print(f"  round: now {now_runs[-1][2]:.1f}s, before {before_runs[-1][2]:.1f}s", flush=True)
    now = min(now_runs, key=lambda run: run[2])
    before = min(before_runs, key=lambda run: run[2])
    print(
        f"\nbefore vs now (best of {rounds}, alternated): before {before[2]:.1f}s "
        f"(deferred {before[1]:.1f}s, {orders_count / before[2]:,.0f} orders/s), "
        f"now {now[2]:.1f}s (deferred {now[1]:.1f}s, {orders_count / now[2]:,.0f} orders/s)\n"
    )
    print("| table | COPY s, before | now |")
    print("|---|---:|---:|")
    for label in sorted(now[0], key=lambda label: -before[0][label]):
        print(f"| {label} | {before[0][label]:.2f} | {now[0][label]:.2f} |")
    print(f"| (deferred checks, at commit) | {before[1]:.2f} | {now[1]:.2f} |")
    print("\n| function | before: calls, total ms | now: calls, total ms |")
    print("|---|---:|---:|")
    spent_before = {row[0]: row for row in before[3]}
    spent_now = {row[0]: row for row in now[3]}
    for function in sorted(
        spent_before.keys() | spent_now.keys(),
        key=lambda name: (
            -max(spent_before.get(name, (0, 0, 0))[2], spent_now.get(name, (0, 0, 0))[2])
        ),
    ):
        cells = []
        for spent in (spent_before, spent_now):
            _name, calls, total_ms, *_rest = spent.get(function, (function, 0, 0.0))
            cells.append(f"{calls:,}, {total_ms:,.0f}")
        if (
            max(spent_before.get(function, (0, 0, 0))[2], spent_now.get(function, (0, 0, 0))[2])
            >= 100
        ):
            print(f"| {function} | {cells[0]} | {cells[1]} |")


def best_of(repeat, conn, data, **options):
    runs = [load(conn, data, **options) for _ in range(repeat)]
    return min(runs, key=lambda run: run[2])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.005)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=1, help="best of N loads per mode")
    parser.add_argument(
        "--disable",
        action="store_true",
        help="also load once per row trigger with that trigger disabled",
    )
    parser.add_argument("--tables", default="", help="with --disable: only these tables")
    parser.add_argument(
        "--before",
        action="append",
        default=[],
        metavar="MODULE:CONSTANT",
        help="also alternate loads with this SQL run first (a migration's reverse), "
        "e.g. orders.sqlfrozen.m0026_...:TIMELINE_PER_ROW; repeatable, run in order",
    )
    parser.add_argument("--rounds", type=int, default=2, help="with --before: loads of each")
    args = parser.parse_args()
    print(bulk_writes.machine())
    plan = PLANS["city"].scaled(args.scale_factor)
    now = default_as_of()
    home = connection.settings_dict["NAME"]
    tag = uuid.uuid4().hex[:6]
    # Named after the configured database, so engineers sharing a server
    # keep to their own prefix.
    names = {kind: f"{home[:30]}_trig_{kind}_{tag}" for kind in ("fixtures", "full", "base")}
    try:
        print(f"plan {plan.name}: {plan.orders:,} orders")
        seed_demo.before_and_after_orders(plan, args.seed, now, names, home)
        specs = [TableSpec(model) for model in orders.FLUSH_ORDER]
        data = seed_demo.export(names["full"], names["base"], specs)
        data = {label: entry for label, entry in data.items() if entry[2]}
        wanted = {name for name in args.tables.split(",") if name}
        with seed_demo.connect(names["base"]) as conn:
            triggers = conn.execute(
                ROW_TRIGGERS_SQL, [ROW_LEVEL, ROW_LEVEL, [s.quoted for s, _p, _r in data.values()]]
            ).fetchall()
            conn.execute("ANALYZE")
            conn.commit()
            load(conn, data)  # warm-up: compiles the functions and plans their queries
            off = best_of(args.repeat, conn, data, replica=True)
            on = best_of(args.repeat, conn, data, functions=True)
            print(
                f"\nload of the step's rows, one transaction: rules on {on[2]:.1f}s "
                f"(deferred checks {on[1]:.1f}s), rules off {off[2]:.1f}s "
                f"({plan.orders / on[2]:,.0f} vs {plan.orders / off[2]:,.0f} orders/s)\n"
            )
            print("| table | rows | COPY s, rules on | rules off |")
            print("|---|---:|---:|---:|")
            for label, (_spec, _payload, rows) in sorted(data.items(), key=lambda i: -on[0][i[0]]):
                print(f"| {label} | {rows:,} | {on[0][label]:.2f} | {off[0][label]:.2f} |")
            print(f"| (deferred checks, at commit) | | {on[1]:.2f} | |")
            print()
            print_functions(on[3], on[2], at_least=0.5)
            if args.before:
                before_and_after(conn, data, args.rounds, earlier_sql(args.before), plan.orders)
            print(
                "\n| table | trigger | deferred | table's COPY s, on / without | saved s | share |"
            )
            print("|---|---|---|---|---:|---:|")
            for table, trigger, deferrable in triggers if args.disable else ():
                if wanted and table not in wanted:
                    continue
                label = table.replace('"', "")
                try:
                    seconds, _deferred, total, _spent = best_of(
                        args.repeat, conn, data, disabled=(table, trigger)
                    )
                except Exception as error:  # a figure, not a verdict: print it and go on
                    conn.rollback()
                    print(f"| {label} | {trigger} | | load failed without it: {error} | | |")
                    continue
                table_seconds = f"{on[0][label]:.2f} / {seconds[label]:.2f}"
                saved = on[2] - total
                print(
                    f"| {label} | {trigger} | {'yes' if deferrable else ''} | {table_seconds} "
                    f"| {saved:.2f} | {100 * saved / on[2]:.0f}% |"
                )
        print(f"\nload after the run: {bulk_writes.machine().split('uptime: ')[1]}")
    finally:
        seed_demo.use(home)
        for name in names.values():
            seed_demo.drop(name)


if __name__ == "__main__":
    main()
