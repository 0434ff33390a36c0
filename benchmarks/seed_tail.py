"""Benchmark: the demo seed's steps outside the orders, table by table.

Run: .venv/bin/python benchmarks/seed_tail.py [--scale-factor 0.01] [--repeat 2]
     [--steps "after the orders"]

On scratch databases of the configured server (built like
benchmarks/seed_demo.py's: migrations, fixtures, then ``seed_demo`` up to
the step before and up to the step itself; dropped at the end), the rows a
step wrote are loaded again with plain COPY, every table in one transaction
in the order the seed first wrote them, then the checks deferred to commit
run (``SET CONSTRAINTS ALL IMMEDIATE``) and the transaction is rolled back.
Per step, alternately so that the machine's load falls on both alike:

  * "before": inside the rolled-back transaction, customers 0015 is put
    back the way 0004-0006 left it (is_customer_order reading the order as
    jsonb, the provider-message check per inserted row);
  * "after": the migrated database as it is;

then once with ``session_replication_role = replica`` (no triggers, no
foreign keys: the floor). ``track_functions = 'pl'`` is on in "before" and
"after" alike; the time per PL/pgSQL function of the last "before" and
"after" loads is printed. Figures are printed, never asserted; the machine
and its load first and last.

Not the customers step: the rows it leaves are not the rows it wrote (the
ledgers move the wallets' and loyalty accounts' cached balances), so a
replay of them is refused ("a new wallet starts at balance 0").
"""

import argparse
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
import row_triggers  # noqa: E402
import seed_demo  # noqa: E402
from django.db import connection  # noqa: E402

from customers.sqlfrozen import m0015_check_notifications_per_statement as m0015  # noqa: E402
from demo import runner  # noqa: E402
from demo.management.commands.seed_demo import default_as_of  # noqa: E402
from demo.plan import PLANS  # noqa: E402

#: customers 0015 undone, inside the rolled-back load only.
BEFORE_0015 = [m0015.CUSTOMER_ORDER_AS_JSONB, *m0015.PROVIDER_MESSAGES_PER_ROW]


def load(conn, data, mode):
    """COPY every table's rows and run the deferred checks; roll back.
    Seconds per table, of the deferred checks, in all, and the time per
    PL/pgSQL function."""
    spent = []
    with conn.transaction(force_rollback=True):
        if mode == "off":
            conn.execute("SET LOCAL session_replication_role = replica")
        else:
            conn.execute("SET LOCAL track_functions = 'pl'")
        if mode == "before":
            for statement in BEFORE_0015:
                conn.execute(statement)
        tables = [spec.quoted for spec, _payload, _rows in data.values()]
        # The view also shows earlier transactions' figures not yet flushed.
        earlier = {row[0]: row for row in conn.execute(row_triggers.FUNCTIONS_SQL, [tables])}
        started = time.perf_counter()
        seconds = seed_demo.copy_rows(conn, data)
        began = time.perf_counter()
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        deferred = time.perf_counter() - began
        total = time.perf_counter() - started
        if mode != "off":
            for function, calls, total_ms, self_ms, users in conn.execute(
                row_triggers.FUNCTIONS_SQL, [tables]
            ):
                _f, calls_before, total_before, self_before, _u = earlier.get(
                    function, (function, 0, 0.0, 0.0, users)
                )
                if calls > calls_before:
                    spent.append(
                        (
                            function,
                            calls - calls_before,
                            total_ms - total_before,
                            self_ms - self_before,
                            users,
                        )
                    )
            spent.sort(key=lambda row: -row[2])
    return seconds, deferred, total, spent


def seeded(names, kind, plan, seed_value, now, until):
    seed_demo.create(names[kind], names["fixtures"])
    seed_demo.use(names[kind])
    record = seed_demo.seed(plan, seed_value, now, until)
    return record


def report(step, data, runs, off):
    best = {mode: min(runs[mode], key=lambda run: run[2]) for mode in ("before", "after")}
    print(f"\n### {step}: best of {len(runs['before'])} loads each, alternated\n")
    print(
        f"whole load: before {best['before'][2]:.1f}s (deferred checks {best['before'][1]:.1f}s), "
        f"after {best['after'][2]:.1f}s (deferred checks {best['after'][1]:.1f}s), "
        f"rules off {off[2]:.1f}s"
    )
    print("\n| table | rows | before rows/s | after rows/s | rules off rows/s |")
    print("|---|---:|---:|---:|---:|")
    order = sorted(data.items(), key=lambda item: -best["before"][0][item[0]])
    for label, (_spec, _payload, rows) in order:
        rates = [rows / max(run[0][label], 1e-9) for run in (best["before"], best["after"], off)]
        print(f"| {label} | {rows:,} | {rates[0]:,.0f} | {rates[1]:,.0f} | {rates[2]:,.0f} |")
    for mode in ("before", "after"):
        last = runs[mode][-1]
        print(f"\n{mode}, PL/pgSQL functions above 1% of the load ({last[2]:.1f}s):\n")
        row_triggers.print_functions(last[3], last[2], at_least=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=2, help="before/after pairs per step")
    parser.add_argument("--steps", default="after the orders")
    args = parser.parse_args()
    print(bulk_writes.machine())
    plan = PLANS["city"].scaled(args.scale_factor)
    now = default_as_of()
    home = connection.settings_dict["NAME"]
    tag = uuid.uuid4().hex[:6]
    steps = [step for step in args.steps.split(",") if step]
    names = {"fixtures": f"bench_tail_fixtures_{tag}"}
    for index in range(len(steps)):
        names[f"base{index}"] = f"bench_tail_base{index}_{tag}"
        names[f"full{index}"] = f"bench_tail_full{index}_{tag}"
    try:
        print(f"plan {plan.name}: {plan.orders:,} orders; steps: {', '.join(steps)}")
        seed_demo.create_with_fixtures(names["fixtures"], home)
        for index, step in enumerate(steps):
            before_step = runner.STEPS[runner.STEPS.index(step) - 1]
            base = seeded(names, f"base{index}", plan, args.seed, now, before_step)
            full = seeded(names, f"full{index}", plan, args.seed, now, step)
            seed_demo.use(home)
            written = [
                spec
                for model, spec in full.writer.specs.items()
                if full.writer.counts.get(spec.label, 0) > base.writer.counts.get(spec.label, 0)
            ]
            print(f"{step}: seed_demo took {full.step_seconds[step]:.1f}s")
            data = seed_demo.export(names[f"full{index}"], names[f"base{index}"], written)
            data = {label: entry for label, entry in data.items() if entry[2]}
            with seed_demo.connect(names[f"base{index}"]) as conn:
                conn.execute("ANALYZE")
                conn.commit()
                load(conn, data, "after")  # warm-up: plans the triggers' queries
                runs = {"before": [], "after": []}
                for _ in range(args.repeat):
                    for mode in ("before", "after"):
                        runs[mode].append(load(conn, data, mode))
                off = load(conn, data, "off")
            report(step, data, runs, off)
        print(f"\nload after the run: {bulk_writes.machine().split('uptime: ')[1]}")
    finally:
        seed_demo.use(home)
        for name in names.values():
            seed_demo.drop(name)


if __name__ == "__main__":
    main()
