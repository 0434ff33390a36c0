"""Benchmark: move a domain schema to a second server while a writer runs.

Run: .venv/bin/python benchmarks/move_schema.py [--schema riders] [--scale small]
         [--scale city --scale-factor 0.01]

Starts two throwaway PostgreSQL 18 servers (the embedded wheel's binaries;
the source with ``wal_level = logical``), migrates the source and loads
``seed_demo --scale SCALE`` into it, then runs ``manage.py move_schema``
setup, status and cutover while ``tests/gatimitra/move_writer.py`` keeps
creating riders (with their KYC document and audit entries) on the source.
Prints: the schema's size, the copy time (setup until every table is
``ready``), the replication lag (bytes) sampled during and after the copy,
the cutover's write pause (fence, lag drain, sequences, end of
replication), and checks every table's row count is the same on both sides.
The writer makes riders only, so --schema riders is the one that shows rows
written during the copy. Figures are printed with the machine and its load,
never asserted.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gatimitra.ops.scratch.servers import start_server  # noqa: E402


def _env(**urls):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env["DJANGO_DEBUG"] = "true"
    return {**env, **urls}


def _manage(*args, env, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args[:3])} failed:\n{result.stderr[-3000:]}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", default="riders")
    parser.add_argument("--scale", default="small")
    parser.add_argument(
        "--scale-factor", type=float, help="With --scale city: that fraction of its volumes."
    )
    args = parser.parse_args()
    source = start_server({"wal_level": "logical"}, tcp=True)
    target = start_server()
    writer = None
    try:
        for server in (source, target):
            with server.connect() as conn:
                conn.execute("CREATE DATABASE gm")
        on_source = _env(DATABASE_URL=source.url("gm"))
        loading = time.monotonic()
        _manage("migrate", "-v0", env=on_source)
        with source.connect("gm") as conn:
            conn.execute(
                "INSERT INTO gatimitra_development_marker (id, marked_at, marked_by) "
                "VALUES (1, now(), 'benchmark')"
            )
        fraction = ("--scale-factor", str(args.scale_factor)) if args.scale_factor else ()
        _manage("seed_demo", "--scale", args.scale, *fraction, env=on_source)
        with source.connect("gm") as conn:
            # reltuples is -1 until a table is analyzed.
            for (table,) in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace "
                "AND relkind IN ('r', 'p')",
                [args.schema],
            ).fetchall():
                conn.execute(f'ANALYZE {args.schema}."{table}"')
            size, rows = conn.execute(
                """SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))),
                          sum(c.reltuples::bigint) FILTER (WHERE c.relkind = 'r')
                   FROM pg_class c WHERE c.relnamespace = %s::regnamespace
                     AND c.relkind IN ('r', 'i', 't')""",
                [args.schema],
            ).fetchone()
        print(
            f"source loaded in {time.monotonic() - loading:.0f}s: schema {args.schema} "
            f"{size}, about {rows} rows",
            flush=True,
        )
        writer = subprocess.Popen(
            [sys.executable, "tests/gatimitra/move_writer.py", "600", "benchmark", "700000"],
            cwd=ROOT,
            env=on_source,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        move = ("move_schema", args.schema)
        to = ("--to", target.url("gm"))
        started = time.monotonic()
        _manage(*move, "setup", *to, env=on_source)
        setup_seconds = time.monotonic() - started
        lags = []
        while True:
            status = json.loads(_manage(*move, "status", *to, "--json", env=on_source).stdout)
            lags.append(status["slot"]["lag_bytes"])
            if (status["subscription"] or {}).get("all_ready"):
                break
            time.sleep(0.5)
        copy_seconds = time.monotonic() - started
        time.sleep(3)
        status = json.loads(_manage(*move, "status", *to, "--json", env=on_source).stdout)
        lag_after = status["slot"]["lag_bytes"]
        result = _manage(*move, "cutover", *to, "--accept-broken-rules", "--json", env=on_source)
        figures = json.loads(result.stdout)["figures"]
        out, _ = writer.communicate(timeout=120)
        written = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
        riders = [line["rider"] for line in written if "rider" in line]
        with source.connect("gm") as src, target.connect("gm") as dst:
            tables = [
                r[0]
                for r in src.execute(
                    """SELECT c.relname FROM pg_class c WHERE c.relnamespace = %s::regnamespace
                       AND c.relkind IN ('r', 'p') AND NOT c.relispartition""",
                    [args.schema],
                ).fetchall()
            ]
            differ = [
                t
                for t in tables
                if src.execute(f'SELECT count(*) FROM {args.schema}."{t}"').fetchone()
                != dst.execute(f'SELECT count(*) FROM {args.schema}."{t}"').fetchone()
            ]
            present = dst.execute(
                "SELECT count(*) FROM riders.riders WHERE id = ANY(%s)", [riders]
            ).fetchone()[0]
        load = os.getloadavg()
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs; load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; PostgreSQL 18 -> 18, same machine"
        )
        print(
            f"setup (roles, DDL, publication, subscription) {setup_seconds:.1f}s; copy until "
            f"every table ready {copy_seconds:.1f}s; lag during the copy up to "
            f"{max(lags)} bytes, {lag_after} bytes 3s after"
        )
        print(
            f"cutover: fence {figures['fence_seconds'] * 1000:.0f} ms, lag drain "
            f"{figures['lag_drain_seconds'] * 1000:.0f} ms, write pause "
            f"{figures['write_pause_seconds'] * 1000:.0f} ms; {figures['sequences']} sequences, "
            f"{figures['dropped_foreign_keys']} foreign keys dropped on the source"
        )
        print(
            f"writer: {len(riders)} riders committed during the move, {present} of them on the "
            f"target; last line {written[-1] if written else None}"
        )
        print(f"tables whose row counts differ: {differ or 'none'} (of {len(tables)})")
    finally:
        if writer and writer.poll() is None:
            writer.kill()
        source.stop()
        target.stop()


if __name__ == "__main__":
    main()
