"""Benchmark: the demo seed's own (client) time in the order step.

Run: .venv/bin/python benchmarks/seed_generator.py [--scale-factor 0.01] [--rounds 3]
     [--profile FILE] [--top 40]

On scratch databases of the configured server (the migrated reference
database plus fixtures/, each round a fresh copy, dropped at the end), runs
seed_demo --scale city --scale-factor F up to and including the orders step
and prints, for the order step: its wall time and orders/s, this process's
CPU seconds in it (building rows, encoding COPY, psycopg: the generator's
own cost, which the load of other processes moves far less than the wall
clock) and the wall seconds spent inside ``Writer.copy`` (encoding, sending
and the server's triggers). ``--profile FILE`` runs the step under cProfile
(slower) and writes its statistics to FILE, printing the ``--top`` functions
by own time; it profiles one thread, so the step then builds its batches
in turn. ``--in-turn`` builds them in turn without profiling (each batch
built, then written: the seed before its batches were built ahead).
The machine and its load are printed with every round. Timings are
printed, never asserted.
"""

import argparse
import contextlib
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import seed_demo  # noqa: E402  (sets up Django)
from django.db import connection  # noqa: E402
from seed_demo_fingerprint import cpu_model  # noqa: E402

from demo import orders, runner  # noqa: E402
from demo.management.commands.seed_demo import default_as_of  # noqa: E402
from demo.orders import generator  # noqa: E402
from demo.plan import PLANS  # noqa: E402


def built_in_turn(items, alias):
    """``generator.ahead`` without the thread: each batch built, then written."""
    return contextlib.nullcontext(items)


def order_step(plan, seed_value, now, profiler):
    """Seed through the orders step; (wall s, CPU s, COPY wall s) of the step."""
    measured = {}
    build = orders.build

    def timed_build(demo, inputs):
        cpu, wall = time.process_time(), time.perf_counter()
        copy_before = sum(demo.writer.seconds.values())
        if profiler is not None:
            profiler.enable()
        try:
            return build(demo, inputs)
        finally:
            if profiler is not None:
                profiler.disable()
            measured["wall"] = time.perf_counter() - wall
            measured["cpu"] = time.process_time() - cpu
            measured["copy"] = sum(demo.writer.seconds.values()) - copy_before

    orders.build = timed_build
    try:
        runner.run(plan, seed_value, now, log=lambda text: None, until="orders")
    finally:
        orders.build = build
    return measured["wall"], measured["cpu"], measured["copy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", help="write cProfile statistics of the step here")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--in-turn", action="store_true", help="no batch built ahead")
    parser.add_argument(
        "--switch-interval", type=float, help="the GIL switch interval while built ahead (s)"
    )
    args = parser.parse_args()
    if args.switch_interval is not None:
        generator.SWITCH_INTERVAL = args.switch_interval
    in_turn = args.in_turn or args.profile
    if in_turn and hasattr(generator, "ahead"):
        generator.ahead = built_in_turn
    plan = PLANS["city"].scaled(args.scale_factor)
    now = default_as_of()
    home = connection.settings_dict["NAME"]
    tag = uuid.uuid4().hex[:6]
    fixtures = f"{home}_seedgen_fixtures_{tag}"
    print(
        f"plan {plan.name}: {plan.orders:,} orders, {plan.location_logs:,} GPS pings; "
        f"batches {'built in turn' if in_turn else 'built ahead'}; "
        f"{os.cpu_count()} x {cpu_model()}"
    )
    rounds = []
    profiler = cProfile.Profile() if args.profile else None
    try:
        seed_demo.create_with_fixtures(fixtures, home)
        for number in range(args.rounds):
            scratch = f"{home}_seedgen_{tag}_{number}"
            seed_demo.create(scratch, fixtures)
            try:
                seed_demo.use(scratch)
                load = os.getloadavg()[0]
                wall, cpu, copy = order_step(plan, args.seed, now, profiler)
                load_after = os.getloadavg()[0]
            finally:
                seed_demo.use(home)
                seed_demo.drop(scratch)
            rounds.append((wall, cpu, copy))
            print(
                f"round {number + 1}: order step {wall:.1f}s wall "
                f"({plan.orders / wall:,.0f} orders/s), {cpu:.1f}s CPU in this process, "
                f"{copy:.1f}s wall in COPY; load {load:.2f} -> {load_after:.2f}"
            )
    finally:
        seed_demo.use(home)
        seed_demo.drop(fixtures)
    if len(rounds) > 1:
        wall, cpu, copy = (statistics.median(r[i] for r in rounds) for i in range(3))
        print(
            f"median: {wall:.1f}s wall ({plan.orders / wall:,.0f} orders/s, "
            f"1M orders in {1_000_000 / (plan.orders / wall) / 60:.0f} min), "
            f"{cpu:.1f}s CPU, {copy:.1f}s in COPY"
        )
    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
