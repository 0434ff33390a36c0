"""Benchmark: where the commit of the demo order step's COPY goes, check by
check: every foreign key's RI checks, each queued (deferred) constraint
trigger, and the per-row triggers the COPY itself runs.

Run: .venv/bin/python benchmarks/commit_checks.py [--scale-factor 0.01]
     [--rounds 3] [--keep PREFIX] [--before MODULE:ATTRIBUTE ...]
     [--after MODULE:ATTRIBUTE ...] [--no-keys]

On scratch databases of the configured server (built as
benchmarks/deferred_checks.py builds them: migrations, fixtures, seed_demo
up to the order step and through it; ``--keep`` reuses/keeps them), the
step's rows are COPYed into a fresh clone of the database before the step,
in one transaction that is rolled back at the end, ``--rounds`` times:

  1. "at commit": ``SET CONSTRAINTS ALL IMMEDIATE`` after the COPY fires
     exactly what COMMIT would (wall seconds, the server backend's own CPU
     seconds from /proc/<pid>/schedstat, and the PL/pgSQL functions it ran,
     ``track_functions = 'pl'``); RI triggers are C functions, so what the
     functions do not account for is the foreign keys';
  2. "one by one": after another COPY, ``SET CONSTRAINTS <name> IMMEDIATE``
     for each foreign key of the loaded tables in turn (each fires only that
     constraint's queued RI checks: seconds and rows checked, less the same
     statement run again, which times the walk over the queue alone), then
     ``ALL`` for what is left (the queued constraint triggers).

``--before MODULE:ATTRIBUTE`` (a list of SQL statements, e.g. a frozen
migration's reverse) is run inside each round's transaction of a "before"
variant, ``--after`` likewise for "after" (e.g. the forward SQL of a
migration the scratch databases were built without), right after
cloning; the two alternate, each first in every other round. ``--no-keys``
skips (2). The per-key figures of (2) under ~50 ms are within the spread of
the walk over the queue (keys that checked no row read 10-100 ms at load
5). The machine and its load (uptime) are printed first and last. Figures
are printed, never asserted.
"""

import argparse
import importlib
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

FUNCTIONS = """
SELECT n.nspname || '.' || f.funcname, f.calls, f.total_time, f.self_time
FROM pg_stat_xact_user_functions f JOIN pg_namespace n ON n.nspname = f.schemaname
"""

#: Every foreign key of the given tables: (schema, table, constraint, columns).
FOREIGN_KEYS = """
SELECT n.nspname, t.relname, c.conname,
       array(SELECT a.attname::text FROM unnest(c.conkey) k
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k)
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE c.contype = 'f' AND c.condeferrable AND c.conrelid = ANY(%s::regclass[])
ORDER BY 1, 2, 3
"""


def machine():
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    return f"{os.cpu_count()} cores; load average {' '.join(load)}"


def _backend_cpu_ns(pid):
    with open(f"/proc/{pid}/schedstat") as handle:
        return int(handle.read().split()[0])


def _functions(conn):
    return {row[0]: row[1:] for row in conn.execute(FUNCTIONS)}


def _ran(before, after):
    ran = {}
    for function, (calls, total, own) in after.items():
        was = before.get(function, (0, 0.0, 0.0))
        if calls > was[0]:
            ran[function] = (calls - was[0], total - was[1], own - was[2])
    return ran


def load(conn, data, before_sql):
    """COPY ``data`` on ``conn`` (after ``before_sql``); the COPY's seconds and
    the PL/pgSQL functions it ran."""
    conn.execute("SET track_functions = 'pl'")
    for statement in before_sql:
        conn.execute(statement)
    start = _functions(conn)
    began = time.perf_counter()
    seed_demo.copy_rows(conn, data)
    return time.perf_counter() - began, _ran(start, _functions(conn))


def at_commit(name, data, before_sql):
    """(COPY s, its functions, commit-time wall s, server CPU s, functions at commit)."""
    with seed_demo.connect(name) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        copy_seconds, copy_functions = load(conn, data, before_sql)
        start = _functions(conn)
        cpu = _backend_cpu_ns(pid)
        began = time.perf_counter()
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        wall = time.perf_counter() - began
        cpu = (_backend_cpu_ns(pid) - cpu) / 1e9
        ran = _ran(start, _functions(conn))
        conn.rollback()
    return copy_seconds, copy_functions, wall, cpu, ran


def one_by_one(name, data, tables, before_sql):
    """{foreign key: (seconds, rows checked)}, and the rest's seconds and functions."""
    with seed_demo.connect(name) as conn:
        load(conn, data, before_sql)
        keys = conn.execute(FOREIGN_KEYS, [tables]).fetchall()
        spent = {}
        for schema, table, constraint, columns in keys:
            # Each SET CONSTRAINTS walks the whole queue of deferred events
            # (hundreds of thousands here): the same statement again, with
            # nothing of this key left to fire, times that walk alone.
            walks = []
            for _again in range(2):
                began = time.perf_counter()
                conn.execute(f'SET CONSTRAINTS "{schema}"."{constraint}" IMMEDIATE')
                walks.append(time.perf_counter() - began)
            spent[f"{schema}.{table}.{constraint}"] = (walks[0] - walks[1], table, columns)
        start = _functions(conn)
        began = time.perf_counter()
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rest = time.perf_counter() - began
        ran = _ran(start, _functions(conn))
        conn.rollback()
    return spent, rest, ran


def checked_rows(name, data, spent):
    """Rows each foreign key checks: the loaded rows with its columns not null."""
    counts = {}
    with seed_demo.connect(name) as conn:
        for key, (_seconds, _table, columns) in spent.items():
            schema, table, _constraint = key.split(".", 2)
            spec, _payload, rows = data[f"{schema}.{table}"]
            present = " AND ".join(f'"{column}" IS NOT NULL' for column in columns)
            counts[key] = conn.execute(
                f"SELECT count(*) FROM (SELECT * FROM {spec.quoted} ORDER BY {spec.pk_column} "
                f"DESC LIMIT {rows}) r WHERE {present}"
            ).fetchone()[0]
    return counts


def _statements(reference):
    module, attribute = reference.split(":")
    sql = getattr(importlib.import_module(module), attribute)
    return [sql] if isinstance(sql, str) else list(sql)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", help="reuse/keep scratch databases named PREFIX_*")
    parser.add_argument(
        "--before", action="append", default=[], help="MODULE:ATTRIBUTE, SQL run for 'before'"
    )
    parser.add_argument(
        "--after", action="append", default=[], help="MODULE:ATTRIBUTE, SQL run for 'after'"
    )
    parser.add_argument("--no-keys", action="store_true", help="skip the key-by-key run")
    parser.add_argument("--top", type=int, default=25, help="foreign keys listed")
    args = parser.parse_args()
    print(machine())
    print(bulk_writes.server_version())
    plan = PLANS["city"].scaled(args.scale_factor)
    home = connection.settings_dict["NAME"]
    prefix = args.keep or f"bench_commit_{uuid.uuid4().hex[:6]}"
    names = {kind: f"{prefix}_{kind}" for kind in ("fixtures", "full", "base")}
    scratch = f"{prefix}_scratch"
    before_sql = [s for reference in args.before for s in _statements(reference)]
    after_sql = [s for reference in args.after for s in _statements(reference)]
    variants = {"before": before_sql, "after": after_sql} if before_sql else {"after": after_sql}
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname = %s", [names["base"]])
        have = cursor.fetchone() is not None
    try:
        if not have:
            seed_demo.before_and_after_orders(plan, args.seed, default_as_of(), names, home)
        specs = [TableSpec(model) for model in orders.FLUSH_ORDER]
        data = seed_demo.export(names["full"], names["base"], specs)
        data = {label: item for label, item in data.items() if item[2]}
        tables = [spec.quoted for spec, _payload, _rows in data.values()]
        print(
            f"plan {plan.name}: {plan.orders:,} orders, {sum(i[2] for i in data.values()):,} rows"
        )
        results = {variant: [] for variant in variants}
        keys = {variant: [] for variant in variants}
        for round_number in range(args.rounds):
            order = list(variants.items())
            for variant, sql in order[:: 1 if round_number % 2 == 0 else -1]:
                seed_demo.drop(scratch)
                seed_demo.create(scratch, names["base"])
                results[variant].append(at_commit(scratch, data, sql))
                if not args.no_keys:
                    seed_demo.drop(scratch)
                    seed_demo.create(scratch, names["base"])
                    keys[variant].append(one_by_one(scratch, data, tables, sql))
        counts = {}
        if not args.no_keys:
            seed_demo.drop(scratch)
            seed_demo.create(scratch, names["full"])
            counts = checked_rows(scratch, data, keys["after"][0][0])
        seed_demo.drop(scratch)

        print(f"\n{machine()}")
        for variant in variants:
            runs = results[variant]
            print(
                f"\n## {variant}: COPY s {', '.join(f'{r[0]:.2f}' for r in runs)}; "
                f"at commit s {', '.join(f'{r[2]:.2f}' for r in runs)} "
                f"(median {statistics.median(r[2] for r in runs):.2f}); "
                f"server CPU s {', '.join(f'{r[3]:.2f}' for r in runs)} "
                f"(median {statistics.median(r[3] for r in runs):.2f})"
            )
            fk_runs = keys[variant]
            for title, index in (("at commit", 4), ("during the COPY", 1)):
                print(
                    f"\n| PL/pgSQL function {title} (median of rounds) "
                    "| calls | total ms | own ms |"
                )
                print("|---|---:|---:|---:|")
                every = {function for run in runs for function in run[index]}
                medians = {
                    function: [
                        statistics.median(
                            run[index].get(function, (0, 0.0, 0.0))[i] for run in runs
                        )
                        for i in range(3)
                    ]
                    for function in every
                }
                for function in sorted(medians, key=lambda f: -medians[f][1])[: args.top]:
                    calls, total, own = medians[function]
                    print(f"| {function} | {calls:,.0f} | {total:,.0f} | {own:,.0f} |")
            if not fk_runs:
                continue
            fk_total = [sum(s[0] for s in run[0].values()) for run in fk_runs]
            print(
                f"one by one: foreign keys s {', '.join(f'{t:.2f}' for t in fk_total)}; "
                f"the rest s {', '.join(f'{run[1]:.2f}' for run in fk_runs)}"
            )
            print("\n| foreign key (median of rounds) | rows checked | ms | us/row |")
            print("|---|---:|---:|---:|")
            medians = {
                key: statistics.median(run[0][key][0] for run in fk_runs if key in run[0])
                for key in fk_runs[0][0]
            }
            for key in sorted(medians, key=lambda k: -medians[k])[: args.top]:
                rows = counts.get(key, 0)
                per_row = medians[key] * 1e6 / rows if rows else 0
                print(f"| {key} | {rows:,} | {medians[key] * 1000:,.0f} | {per_row:.1f} |")
        print(f"\n{machine()}")
    finally:
        seed_demo.use(home)
        seed_demo.drop(scratch)
        if not args.keep:
            for name in names.values():
                seed_demo.drop(name)


if __name__ == "__main__":
    main()
