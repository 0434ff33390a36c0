"""Benchmark: the demo seed's own (client) time in the steps around the orders.

Run: .venv/bin/python benchmarks/seed_steps.py [--scale-factor 0.01] [--rounds 3]
     [--steps "customers,access activity,after the orders"] [--profile FILE] [--top 40]

On scratch databases of the configured server (the migrated reference
database plus fixtures/, each round a fresh copy, dropped at the end), runs
seed_demo --scale city --scale-factor F up to and including the last step
named in ``--steps`` and prints, for each step named: its wall time, this
process's CPU seconds in it (building rows, encoding COPY text: the
generator's own cost, which the load of other processes moves far less than
the wall clock), and the wall seconds it waited on the database: in the
step's COPYs (``Writer.send``: sending and the server's rules, the encoding
not included) and in its other statements (ids, reference reads, the
tail's aggregates). Wall minus both is the client's own share.
``--profile FILE`` runs the named steps under cProfile (slower) and writes
the statistics to FILE, printing the ``--top`` functions by own time;
``--tables N`` prints each step's N slowest tables (COPY seconds with the
encoding, rows/s). The machine and its load are printed with every round.
Timings are printed, never asserted.

The scale a step's time grows with shows here by running two factors: a
step whose time per customer rises with the factor does something
quadratic.
"""

import argparse
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

from demo import access, customers, runner, tail  # noqa: E402
from demo.management.commands.seed_demo import default_as_of  # noqa: E402
from demo.plan import PLANS  # noqa: E402
from demo.writer import Writer  # noqa: E402

#: The steps this script can time: the module attribute ``runner._wire`` calls.
STEP_FUNCTIONS = {
    "customers": (customers, "build"),
    "access activity": (access, "build_activity"),
    "after the orders": (tail, "build"),
}


class ServerClock:
    """Wall seconds the step waits on the database, summed while installed:
    inside ``Writer.send`` (the COPY sent and the server's rules run; the
    COPY goes around Django's execute wrappers) and inside every other
    statement (ids, reference reads, the tail's aggregates), by an execute
    wrapper."""

    def __init__(self):
        self.copy = 0.0
        self.other = 0.0
        self.original = Writer.send
        self.wrapper = None

    def __enter__(self):
        clock, original = self, self.original

        def timed_send(writer, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(writer, *args, **kwargs)
            finally:
                clock.copy += time.perf_counter() - started

        def timed_execute(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                clock.other += time.perf_counter() - started

        Writer.send = timed_send
        self.wrapper = connection.execute_wrapper(timed_execute)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self.wrapper.__exit__(*exc)
        Writer.send = self.original


def timed_steps(plan, seed_value, now, steps, profiler):
    """Seed through the last of ``steps``;
    {step: (wall s, CPU s, COPY wall s, other SQL wall s)} and
    {step: {table: (rows, COPY s with the encoding)}}."""
    measured, tables = {}, {}
    originals = {name: getattr(*STEP_FUNCTIONS[name]) for name in steps}

    def wrap(name, function):
        def timed(demo, *arguments):
            counts, seconds = dict(demo.writer.counts), dict(demo.writer.seconds)
            with ServerClock() as server:
                cpu, wall = time.process_time(), time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                try:
                    return function(demo, *arguments)
                finally:
                    if profiler is not None:
                        profiler.disable()
                    measured[name] = (
                        time.perf_counter() - wall,
                        time.process_time() - cpu,
                        server.copy,
                        server.other,
                    )
                    tables[name] = {
                        label: (rows - counts.get(label, 0), spent - seconds.get(label, 0.0))
                        for label, rows in demo.writer.counts.items()
                        if (spent := demo.writer.seconds[label]) != seconds.get(label, 0.0)
                    }

        return timed

    for name, function in originals.items():
        module, attribute = STEP_FUNCTIONS[name]
        setattr(module, attribute, wrap(name, function))
    until = max(steps, key=runner.STEPS.index)
    try:
        runner.run(plan, seed_value, now, log=lambda text: None, until=until)
    finally:
        for name, function in originals.items():
            module, attribute = STEP_FUNCTIONS[name]
            setattr(module, attribute, function)
    return measured, tables


def describe(wall, cpu, copy, other):
    return (
        f"{wall:.2f}s wall, {cpu:.2f}s CPU in this process; waiting on the server "
        f"{copy:.2f}s in COPY and {other:.2f}s in other SQL; "
        f"{wall - copy - other:.2f}s neither (the client's own)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--steps", default="customers,access activity,after the orders")
    parser.add_argument("--profile", help="write cProfile statistics of the steps here")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--tables", type=int, default=0, help="print the N slowest tables")
    args = parser.parse_args()
    steps = [name.strip() for name in args.steps.split(",")]
    unknown = [name for name in steps if name not in STEP_FUNCTIONS]
    if unknown:
        parser.error(f"no timed step {unknown}: choose from {', '.join(STEP_FUNCTIONS)}")
    plan = PLANS["city"].scaled(args.scale_factor)
    now = default_as_of()
    home = connection.settings_dict["NAME"]
    tag = uuid.uuid4().hex[:6]
    fixtures = f"{home}_seedsteps_fixtures_{tag}"
    print(
        f"plan {plan.name}: {plan.customers:,} customers, {plan.orders:,} orders; "
        f"{os.cpu_count()} x {cpu_model()}; code at {ROOT}"
        + ("; under cProfile" if args.profile else "")
    )
    rounds = []
    profiler = cProfile.Profile() if args.profile else None
    try:
        seed_demo.create_with_fixtures(fixtures, home)
        for number in range(args.rounds):
            scratch = f"{home}_seedsteps_{tag}_{number}"
            seed_demo.create(scratch, fixtures)
            try:
                seed_demo.use(scratch)
                load = os.getloadavg()[0]
                measured, tables = timed_steps(plan, args.seed, now, steps, profiler)
                load_after = os.getloadavg()[0]
            finally:
                seed_demo.use(home)
                seed_demo.drop(scratch)
            rounds.append(measured)
            print(f"round {number + 1}: load {load:.2f} -> {load_after:.2f}")
            for name in steps:
                print(f"  {name}: {describe(*measured[name])}")
                slowest = sorted(tables[name].items(), key=lambda item: -item[1][1])
                for label, (rows, spent) in slowest[: args.tables]:
                    print(f"    {label}: {rows:,} rows in {spent:.2f}s, {rows / spent:,.0f} rows/s")
    finally:
        seed_demo.use(home)
        seed_demo.drop(fixtures)
    if len(rounds) > 1:
        print(f"median of {len(rounds)} rounds:")
        for name in steps:
            medians = (statistics.median(r[name][i] for r in rounds) for i in range(4))
            print(f"  {name}: {describe(*medians)}")
    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
