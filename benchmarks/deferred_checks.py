"""Benchmark: the deferred (commit-time) checks queued per row vs once per
batch, after a bulk COPY of the demo order step and for single-row ORM order
placement: the order shape and totals (orders 0003..0027 vs 0030, the
default) or the settlement, payout and assignment checks (``--migration
0031``: 0030 in both, 0031 reversed vs applied).

Run: .venv/bin/python benchmarks/deferred_checks.py [--scale-factor 0.01]
     [--rounds 3] [--orders 100] [--keep PREFIX] [--placement-only]
     [--migration 0030|0031]

On scratch databases of the configured server (built from the migrations and
fixtures; dropped at the end unless ``--keep`` names a prefix to reuse), two
templates are made from the state before the order step: "per row" (the
reverse of ``--migration`` applied) and "per batch" (it applied). Then, alternating the two
(each goes first in every other round), ``--rounds`` times each, back to
back so both see the same load:

  1. COPY of the step's rows into a fresh clone, one transaction, and its
     COMMIT (which runs every deferred check; wall seconds and the server
     backend's own CPU seconds); then the same rows again with
     ``SET CONSTRAINTS ALL IMMEDIATE`` before a rollback, to list the check
     functions that ran (calls and time, track_functions = all);
  2. ``--orders`` FOOD orders placed one by one by
     ``orders.services.place_order`` (benchmarks/load.py's path), one
     transaction each, into the bare migrated database: median and mean
     milliseconds per order, and the server backend's own CPU time per
     order (/proc/<pid>/schedstat; the server must be local), which waiting
     for a core on a loaded machine does not inflate.

The machine and its load (uptime) are printed first and last. Figures are
printed, never asserted.
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

import bulk_writes  # noqa: E402
import seed_demo  # noqa: E402  (sets up Django)
from django.db import connection  # noqa: E402

from demo import orders  # noqa: E402
from demo.management.commands.seed_demo import default_as_of  # noqa: E402
from demo.plan import PLANS  # noqa: E402
from demo.writer import TableSpec  # noqa: E402
from gatimitra.ops import reference  # noqa: E402
from orders.sqlfrozen import m0030_check_orders_once_per_batch as m0030  # noqa: E402
from orders.sqlfrozen import m0031_check_settlements_once_per_batch as m0031  # noqa: E402

FUNCTIONS = """
SELECT n.nspname || '.' || f.funcname, f.calls, f.total_time, f.self_time
FROM pg_stat_xact_user_functions f JOIN pg_namespace n ON n.nspname = f.schemaname
"""
VARIANTS = ("per row", "per batch")


def machine():
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    return f"{os.cpu_count()} cores; load average {' '.join(load)}"


def make_variant(name, template, variant, migration="0030"):
    """Clone ``template`` as ``name`` with the checks of ``variant``: per
    batch has 0030 and 0031; per row lacks ``migration`` (and 0031 with it)."""
    seed_demo.create(name, template)
    with seed_demo.connect(name) as conn:
        has = conn.execute(
            "SELECT to_regnamespace('orders_pending') IS NOT NULL, "
            "to_regclass('orders_pending.row_checks') IS NOT NULL"
        ).fetchone()
        batched = variant == "per batch"
        wanted = (batched or migration == "0031", batched)
        if has[1] and not wanted[1]:
            _run(conn, m0031.CHECK_PER_ROW)
        if has[0] != wanted[0]:
            _run(conn, m0030.CHECK_ONCE_PER_BATCH if wanted[0] else m0030.CHECK_PER_ROW)
        if wanted[1] and not has[1]:
            _run(conn, m0031.CHECK_ONCE_PER_BATCH)


def _run(conn, statements):
    for statement in statements:
        conn.execute(statement)


def copy_and_commit(name, data):
    """COPY ``data`` into ``name`` and commit: (copy seconds, commit seconds,
    the server backend's own CPU seconds in the commit)."""
    with seed_demo.connect(name) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        began = time.perf_counter()
        seed_demo.copy_rows(conn, data)
        copied = time.perf_counter()
        cpu = _backend_cpu_ns(pid)
        conn.commit()
        committed = time.perf_counter()
        return copied - began, committed - copied, (_backend_cpu_ns(pid) - cpu) / 1e9


def check_functions(name, data):
    """The check functions the deferred checks of ``data`` ran: {function: (calls, ms)}."""
    with seed_demo.connect(name) as conn:
        conn.execute("SET track_functions = 'all'")
        seed_demo.copy_rows(conn, data)
        before = {row[0]: row[1:] for row in conn.execute(FUNCTIONS)}
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ran = {}
        for function, calls, total, _self in conn.execute(FUNCTIONS):
            was = before.get(function, (0, 0.0, 0.0))
            if calls > was[0]:
                ran[function] = (calls - was[0], total - was[1])
        conn.rollback()
    return ran


def _backend_cpu_ns(pid):
    """CPU time the server backend ``pid`` has run (the server is local)."""
    with open(f"/proc/{pid}/schedstat") as handle:
        return int(handle.read().split()[0])


def place_orders(name, count):
    """(wall ms per order, server backend CPU ms per order) of ``count`` FOOD
    orders placed one by one; CPU time is the backend's own (from
    /proc/<pid>/schedstat), which waiting for a core under load does not inflate."""
    from django.db import transaction
    from load import Client

    seed_demo.use(name)
    client = Client.__new__(Client)
    client.regulars = None
    client._place(transaction)  # also makes the standing data
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    spent = []
    cpu = _backend_cpu_ns(pid)
    for _ in range(count):
        began = time.perf_counter()
        client._place(transaction)
        spent.append((time.perf_counter() - began) * 1000)
    cpu = (_backend_cpu_ns(pid) - cpu) / 1e6 / count
    return spent, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--keep", help="reuse/keep scratch databases named PREFIX_*")
    parser.add_argument("--placement-only", action="store_true", help="skip the COPY")
    parser.add_argument(
        "--migration", choices=("0030", "0031"), default="0030", help="what per row lacks"
    )
    args = parser.parse_args()
    print(machine())
    print(f"per row vs per batch: orders {args.migration} reversed vs applied")
    print(bulk_writes.server_version())
    plan = PLANS["city"].scaled(args.scale_factor)
    home = connection.settings_dict["NAME"]
    prefix = args.keep or f"bench_deferred_{uuid.uuid4().hex[:6]}"
    names = {kind: f"{prefix}_{kind}" for kind in ("fixtures", "full", "base")}
    templates = {variant: f"{prefix}_{variant.replace(' ', '_')}" for variant in VARIANTS}
    # Orders placed one by one go into the bare migrated database, as in
    # benchmarks/load.py: the factories making a client's standing data
    # assume no fixtures and no demo data.
    singles = {variant: f"{prefix}_{variant.replace(' ', '_')}_fx" for variant in VARIANTS}
    scratch = f"{prefix}_scratch"
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname = %s", [names["base"]])
        have = cursor.fetchone() is not None
    try:
        if not have:
            seed_demo.before_and_after_orders(plan, args.seed, default_as_of(), names, home)
        specs = [TableSpec(model) for model in orders.FLUSH_ORDER]
        data = seed_demo.export(names["full"], names["base"], specs)
        rows = sum(item[2] for item in data.values())
        print(f"plan {plan.name}: {plan.orders:,} orders, {rows:,} rows COPYed")
        for variant, template in templates.items():
            seed_demo.drop(template)
            make_variant(template, names["base"], variant, args.migration)
            seed_demo.drop(singles[variant])
            make_variant(
                singles[variant],
                reference.ensure_reference_database(connection),
                variant,
                args.migration,
            )
        copies = {variant: [] for variant in VARIANTS}
        placed = {variant: [] for variant in VARIANTS}
        cpu = {variant: [] for variant in VARIANTS}
        functions = {}
        for round_number in range(args.rounds):
            # Each variant goes first in every other round: neither always
            # meets the other's leftovers (checkpoint, autovacuum, caches).
            order = list(templates.items())
            for variant, template in order[:: 1 if round_number % 2 == 0 else -1]:
                if not args.placement_only:
                    seed_demo.drop(scratch)
                    seed_demo.create(scratch, template)
                    copies[variant].append(copy_and_commit(scratch, data))
                if variant not in functions and not args.placement_only:
                    seed_demo.drop(scratch)
                    seed_demo.create(scratch, template)
                    functions[variant] = check_functions(scratch, data)
                if args.orders:
                    seed_demo.drop(scratch)
                    seed_demo.create(scratch, singles[variant])
                    wall, server = place_orders(scratch, args.orders)
                    placed[variant] += wall
                    cpu[variant].append(server)
                seed_demo.use(home)
                seed_demo.drop(scratch)

        print(
            "\n| checks | COPY s (each round) | COMMIT s (each round) "
            "| COMMIT server CPU s (each round) | orders/s (best) |"
        )
        print("|---|---|---|---|---:|")
        for variant in VARIANTS if not args.placement_only else ():
            runs = copies[variant]
            best = min(copy + commit for copy, commit, _cpu in runs)
            print(
                f"| {variant} | {', '.join(f'{c:.2f}' for c, _, _ in runs)} "
                f"| {', '.join(f'{m:.2f}' for _, m, _ in runs)} "
                f"| {', '.join(f'{u:.2f}' for _, _, u in runs)} | {plan.orders / best:,.0f} |"
            )
        if args.orders:
            print(
                f"\n| checks | place_order ms, median | mean | server CPU ms per order "
                f"(each round) | orders ({args.rounds} rounds) |"
            )
            print("|---|---:|---:|---|---:|")
            for variant in VARIANTS:
                spent = placed[variant]
                rounds = ", ".join(f"{c:.2f}" for c in cpu[variant])
                print(
                    f"| {variant} | {statistics.median(spent):.2f} | "
                    f"{statistics.fmean(spent):.2f} | {rounds} "
                    f"| {len(spent)} |"
                )
        if args.placement_only:
            print(f"\n{machine()}")
            return
        print("\nCheck functions at SET CONSTRAINTS ALL IMMEDIATE after the COPY:")
        print("| function | calls per row | ms | calls per batch | ms |")
        print("|---|---:|---:|---:|---:|")
        every = sorted(
            set(functions["per row"]) | set(functions["per batch"]),
            key=lambda f: -max(functions[v].get(f, (0, 0.0))[1] for v in VARIANTS),
        )
        for function in every:
            row = functions["per row"].get(function, (0, 0.0))
            batch = functions["per batch"].get(function, (0, 0.0))
            print(f"| {function} | {row[0]:,} | {row[1]:,.0f} | {batch[0]:,} | {batch[1]:,.0f} |")
        print(f"\n{machine()}")
    finally:
        seed_demo.use(home)
        for name in (scratch, *templates.values(), *singles.values()):
            seed_demo.drop(name)
        if not args.keep:
            for name in names.values():
                seed_demo.drop(name)


if __name__ == "__main__":
    main()
