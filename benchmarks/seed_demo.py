"""Benchmark: seed_demo's order step vs plain COPY of the same rows.

Run: .venv/bin/python benchmarks/seed_demo.py [--scale-factor 0.05] [--seed 42]

On scratch databases of the configured server (built from the migrations
and the fixtures, dropped at the end):

  1. seed_demo --scale city --scale-factor F up to and including the orders
     step: rows/s per table as seed_demo writes them (building each row in
     Python and COPYing it, every trigger and constraint on), and the step's
     wall time (generation, COPY and the checks deferred to each commit);
  2. the same rows, exported from (1) with COPY TO, loaded again with plain
     COPY into a copy of the database as it was before the orders step, in
     one transaction: triggers and constraints on (what the database itself
     costs), then with session_replication_role = replica (no triggers, no
     foreign keys: the floor).

The difference between (1) and (2, on) is the generator's own cost; between
(2, on) and (2, replica) the cost of the database's rules. Timings are
printed, never asserted.
"""

import argparse
import io
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from demo import orders, runner  # noqa: E402
from demo.management.commands.seed_demo import default_as_of  # noqa: E402
from demo.plan import PLANS  # noqa: E402
from demo.writer import TableSpec  # noqa: E402
from gatimitra.ops import reference  # noqa: E402
from gatimitra.seeds import fixture_paths  # noqa: E402

#: The last step each partial load runs.
BEFORE_ORDERS = runner.STEPS[runner.STEPS.index("orders") - 1]
THROUGH_ORDERS = "orders"


def create(name, template):
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def drop(name):
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def use(name):
    """Point Django's default connection at database ``name``."""
    connection.close()
    connection.settings_dict["NAME"] = name


def seed(plan, seed_value, now, until):
    return runner.run(plan, seed_value, now, log=lambda text: None, until=until)


def connect(name):
    settings_dict = connection.settings_dict
    info = {"dbname": name, "user": settings_dict["USER"]}
    for key, setting in (("host", "HOST"), ("port", "PORT"), ("password", "PASSWORD")):
        if settings_dict.get(setting):
            info[key] = settings_dict[setting]
    return psycopg.connect(**info)


def export(source, base, specs):
    """The rows the orders step added, per table, as COPY text."""
    data = {}
    with connect(base) as before, connect(source) as after:
        for spec in specs:
            pk = spec.pk_column
            floor_sql = f"SELECT coalesce(max({pk}), 0) FROM {spec.quoted}"
            floor = before.execute(floor_sql).fetchone()[0]
            columns = ", ".join(f'"{c}"' for c in spec.columns)
            added = f"FROM {spec.quoted} WHERE {pk} > {floor}"
            buffer = io.BytesIO()
            with after.cursor().copy(
                f"COPY (SELECT {columns} {added} ORDER BY {pk}) TO STDOUT"
            ) as copy:
                for chunk in copy:
                    buffer.write(chunk)
            rows = after.execute(f"SELECT count(*) {added}").fetchone()
            data[spec.label] = (spec, buffer.getvalue(), rows[0])
    return data


def copy_rows(conn, data):
    """COPY every table's rows on ``conn`` (no commit); seconds per table."""
    seconds = {}
    for label, (spec, payload, _rows) in data.items():
        columns = ", ".join(f'"{c}"' for c in spec.columns)
        began = time.perf_counter()
        with conn.cursor().copy(f"COPY {spec.quoted} ({columns}) FROM STDIN") as copy:
            copy.write(payload)
        seconds[label] = time.perf_counter() - began
    return seconds


def plain_copy(target, data, replica):
    """COPY every table's rows in one transaction; seconds per table and commit."""
    with connect(target) as conn:
        if replica:
            conn.execute("SET session_replication_role = replica")
        started = time.perf_counter()
        seconds = copy_rows(conn, data)
        began = time.perf_counter()
        conn.commit()
        commit = time.perf_counter() - began
        total = time.perf_counter() - started
    return seconds, commit, total


def create_with_fixtures(name, home):
    """Scratch database ``name``: the reference database plus fixtures/, the
    start of every seed the benchmarks time; the connection goes back to
    ``home``."""
    create(name, reference.ensure_reference_database(connection))
    use(name)
    call_command("loaddata", *fixture_paths(), verbosity=0, not_production=True)
    use(home)


def before_and_after_orders(plan, seed_value, now, names, home):
    """Scratch databases ``names["full"]`` (seeded through the order step)
    and ``names["base"]`` (up to it), both from ``names["fixtures"]`` (the
    reference database plus fixtures/); returns the full seed's Demo."""
    create_with_fixtures(names["fixtures"], home)
    for kind in ("full", "base"):
        create(names[kind], names["fixtures"])
    use(names["full"])
    demo = seed(plan, seed_value, now, THROUGH_ORDERS)
    use(names["base"])
    seed(plan, seed_value, now, BEFORE_ORDERS)
    use(home)
    return demo


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    plan = PLANS["city"].scaled(args.scale_factor)
    now = default_as_of()
    home = connection.settings_dict["NAME"]
    tag = uuid.uuid4().hex[:6]
    names = {kind: f"bench_seed_{kind}_{tag}" for kind in ("fixtures", "full", "base", "on", "off")}
    try:
        print(f"plan {plan.name}: {plan.orders:,} orders, {plan.location_logs:,} GPS pings")
        demo = before_and_after_orders(plan, args.seed, now, names, home)
        counts, copy_seconds = demo.writer.counts, demo.writer.seconds
        step_seconds = demo.step_seconds["orders"]

        specs = [TableSpec(model) for model in orders.FLUSH_ORDER]
        data = export(names["full"], names["base"], specs)
        create(names["on"], names["base"])
        create(names["off"], names["base"])
        on, on_commit, on_total = plain_copy(names["on"], data, replica=False)
        off, _off_commit, off_total = plain_copy(names["off"], data, replica=True)

        print(f"\n{'table':<42}{'rows':>10}{'seed_demo':>12}{'COPY':>12}{'COPY, no rules':>16}")
        print(f"{'':<42}{'':>10}{'rows/s':>12}{'rows/s':>12}{'rows/s':>16}")
        total_rows = 0
        for label, (_spec, _payload, rows) in sorted(data.items(), key=lambda item: -item[1][2]):
            if not rows:
                continue
            total_rows += rows
            seeded = counts.get(label, 0) / copy_seconds[label] if copy_seconds.get(label) else 0
            print(
                f"{label:<42}{rows:>10,}{seeded:>12,.0f}{rows / on[label]:>12,.0f}"
                f"{rows / off[label]:>16,.0f}"
            )
        print(
            f"\norders step, wall time: seed_demo {step_seconds:.1f}s "
            f"({plan.orders / step_seconds:,.0f} orders/s, "
            f"{total_rows / step_seconds:,.0f} rows/s); "
            f"plain COPY {on_total:.1f}s of which commit (deferred checks) {on_commit:.1f}s "
            f"({plan.orders / on_total:,.0f} orders/s); "
            f"no rules {off_total:.1f}s ({plan.orders / off_total:,.0f} orders/s)"
        )
    finally:
        use(home)
        for name in names.values():
            drop(name)


if __name__ == "__main__":
    main()
