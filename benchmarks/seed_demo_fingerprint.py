"""Fingerprint of what seed_demo writes, to check a refactor changes nothing.

Run:
  .venv/bin/python benchmarks/seed_demo_fingerprint.py --out before-small.json
  .venv/bin/python benchmarks/seed_demo_fingerprint.py --scale city --scale-factor 0.002 \\
      --out before-city.json
  ... change the code, run again with --out after-*.json, then
  .venv/bin/python benchmarks/seed_demo_fingerprint.py --compare before-small.json after-small.json

Each run seeds a scratch database (cloned from the migrated reference
database, dropped at the end) with a fixed --seed and --as-of, then takes an
md5 of every column of every domain table, rows ordered by primary key. The
comparison names the tables and columns that differ and exits 1 if any do.

Columns the database fills from its clock (``now()`` in defaults and
triggers, the audit trail's capture times) differ between any two runs, so
they are left out (``CLOCK_COLUMNS``). The per-step wall times of the run
are recorded too, with the machine and its load, and printed side by side by
--compare (they are figures, never a pass/fail). --compare reads only the
two files (no database, no Django).
"""

import argparse
import json
import os
import platform
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")


AS_OF = datetime(2026, 11, 20, 18, 0, tzinfo=ZoneInfo("Asia/Kolkata"))

#: Column names the database's clock writes (``now()``): different in every run.
CLOCK_COLUMNS = {"created_at", "updated_at"}
#: The audit trail also records the writing transaction's id and seals each
#: entry with a hash over its content (times included).
CLOCK_COLUMNS_BY_SCHEMA = {"audit": {"transaction_id", "row_hash"}}
#: The sealing record the demo's last step writes (``audit.verification_runs``)
#: holds when the sealing started and how long it took.
CLOCK_COLUMNS_BY_TABLE = {"audit.verification_runs": {"started_at", "duration_ms"}}
#: Audit entries' ``changes`` (``{column: [old, new]}``) with the clock's columns
#: taken out, the sealing record's times included (only in its own entries: other
#: tables' ``started_at`` is data).
NORMALISED = {
    "changes": (
        '("changes" - CASE WHEN "table_schema" = \'audit\' '
        "AND \"table_name\" = 'verification_runs' "
        "THEN '{created_at,updated_at,transaction_id,started_at,duration_ms}'::text[] "
        "ELSE '{created_at,updated_at,transaction_id}'::text[] END)"
    )
}


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def setup():
    """Django, on demand: --compare needs none of it."""
    import django

    django.setup()


def use(name):
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def table_columns(cursor, table):
    schema, name = table.replace('"', "").split(".")
    cursor.execute(
        "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum",
        [schema, name],
    )
    return [row[0] for row in cursor.fetchall()]


def fingerprint():
    """``{table: {"rows": n, "columns": {column: md5}}}`` of every domain table."""
    from django.db import connection

    from gatimitra.testing import domain_models

    tables = {}
    with connection.cursor() as cursor:
        for model in domain_models():
            table = model._meta.db_table.replace('"."', ".").replace('"', "")
            quoted = ".".join(f'"{part}"' for part in table.split("."))
            pk = [field.column for field in getattr(model._meta.pk, "fields", [model._meta.pk])]
            order = ", ".join(f'"{column}"' for column in pk)
            columns = table_columns(cursor, table)
            schema = table.split(".")[0]
            skipped = (
                CLOCK_COLUMNS
                | CLOCK_COLUMNS_BY_SCHEMA.get(schema, set())
                | CLOCK_COLUMNS_BY_TABLE.get(table, set())
            )
            kept = [column for column in columns if column not in skipped]
            values = {
                column: NORMALISED.get(column, f'"{column}"')
                if schema == "audit"
                else f'"{column}"'
                for column in kept
            }
            digests = ", ".join(
                f"md5(coalesce(string_agg(coalesce({values[column]}::text, '<null>'), '|' "
                f"ORDER BY {order}), ''))"
                for column in kept
            )
            # The same rows with their ids handed out in another order
            # differ above but not here (the primary key left out).
            whole_rows = ", ".join(
                f"coalesce({values[column]}::text, '<null>')" for column in kept if column not in pk
            )
            cursor.execute(
                f"SELECT count(*), {digests}, (SELECT md5(coalesce(string_agg(r, '|' ORDER BY r), "
                f"'')) FROM (SELECT concat_ws(',', {whole_rows}) AS r FROM {quoted}) x) "
                f"FROM {quoted}"
            )
            row = cursor.fetchone()
            tables[table] = {
                "rows": row[0],
                "columns": dict(zip(kept, row[1:-1], strict=True)),
                "rows_in_any_order": row[-1],
            }
    return tables


def run(args):
    from django.db import connection

    from demo import runner
    from demo.plan import PLANS
    from gatimitra.ops import reference

    plan = PLANS[args.scale]
    if args.scale_factor is not None:
        plan = plan.scaled(args.scale_factor)
    home = connection.settings_dict["NAME"]
    template = reference.ensure_reference_database(connection)
    scratch = f"fingerprint_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{template}"')
    try:
        use(scratch)
        started = time.monotonic()
        result = runner.run(plan, args.seed, AS_OF, log=lambda text: None)
        elapsed = time.monotonic() - started
        document = {
            "plan": plan.name,
            "seed": args.seed,
            "as_of": AS_OF.isoformat(),
            "machine": {"nproc": os.cpu_count(), "cpu": cpu_model()},
            "load_before": os.getloadavg(),
            # In the order they ran (the file's keys are sorted).
            "step_seconds": list(result.step_seconds.items()),
            "elapsed": elapsed,
            "tables": fingerprint(),
            "load_after": os.getloadavg(),
        }
    finally:
        use(home)
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [scratch],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    Path(args.out).write_text(json.dumps(document, indent=1, sort_keys=True))
    rows = sum(table["rows"] for table in document["tables"].values())
    print(
        f"{plan.name} seed {args.seed}: {rows:,} rows in {len(document['tables'])} tables, "
        f"{elapsed:.1f}s; load {document['load_before'][0]:.2f} -> "
        f"{document['load_after'][0]:.2f} on {os.cpu_count()} x {cpu_model()}; wrote {args.out}"
    )


def compare(before_path, after_path):
    before = json.loads(Path(before_path).read_text())
    after = json.loads(Path(after_path).read_text())
    print(f"machine: {after['machine']}")
    print(
        f"load (1-min) before run: {before['load_before'][0]:.2f}..{before['load_after'][0]:.2f}, "
        f"after run: {after['load_before'][0]:.2f}..{after['load_after'][0]:.2f}"
    )
    print(f"\n{'step':<24}{'before s':>10}{'after s':>10}")
    after_seconds = dict(after["step_seconds"])
    for step, seconds in before["step_seconds"]:
        print(f"{step:<24}{seconds:>10.2f}{after_seconds.get(step, float('nan')):>10.2f}")
    print(f"{'whole run':<24}{before['elapsed']:>10.2f}{after['elapsed']:>10.2f}")
    differences, reordered = [], []
    for table in sorted(set(before["tables"]) | set(after["tables"])):
        old, new = before["tables"].get(table), after["tables"].get(table)
        if old is None or new is None:
            differences.append(f"{table}: only {'after' if old is None else 'before'}")
            continue
        if old["rows"] != new["rows"]:
            differences.append(f"{table}: {old['rows']} rows before, {new['rows']} after")
        columns = [
            column
            for column in sorted(set(old["columns"]) | set(new["columns"]))
            if old["columns"].get(column) != new["columns"].get(column)
        ]
        if not columns:
            continue
        if old.get("rows_in_any_order") and old["rows_in_any_order"] == new.get(
            "rows_in_any_order"
        ):
            reordered.append(f"{table} ({', '.join(columns)})")
        else:
            differences.extend(f"{table}.{column} differs" for column in columns)
    rows = sum(table["rows"] for table in after["tables"].values())
    if reordered:
        print(
            "\nthe same rows, their ids handed out in another order (statements that touch "
            "many rows at once, in the order their plan visits them):\n  " + "\n  ".join(reordered)
        )
    if differences:
        print("\n" + "\n".join(differences))
        print(f"\n{len(differences)} differences")
        return 1
    print(f"\nidentical: {len(after['tables'])} tables, {rows:,} rows")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=("small", "city"), default="small")
    parser.add_argument("--scale-factor", type=float, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", help="Where to write the fingerprint (JSON).")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    if not args.out:
        parser.error("--out or --compare is required")
    setup()
    run(args)


if __name__ == "__main__":
    main()
