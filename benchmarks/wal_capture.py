"""Benchmark: what an audit capture built from the WAL would cost the write
path, against the capture as migrated, no capture at all, and rules off.

Run (the server needs ``wal_level = logical``; a private cluster is fine):
    DATABASE_URL=postgres://postgres@127.0.0.1:5499/gm \\
    .venv/bin/python benchmarks/wal_capture.py [--scale-factor 0.01] [--rounds 3]

Issue 23's remaining targets (COPY within 2x of rules off, single rows within
1.3x, the city seed under 15 minutes) are out of reach while every audited
statement builds its hashed jsonb entries before it returns (benchmarks/
README.md). The design question this answers with figures: if the entries
were built from the WAL instead (logical decoding: the audited tables'
``REPLICA IDENTITY FULL`` so that an UPDATE or DELETE logs the old row, a
logical slot, a decoder writing the entries), what would the writes pay, and
what would the decoding cost?

One run, on scratch databases of the configured server (built from the
migrations and fixtures, seeded through the order step by seed_demo, dropped
at the end), each mode ``--rounds`` times alternated, medians:

  * ``on``: every rule, the capture as migrated;
  * ``no capture``: every rule, the capture triggers calling a function that
    writes nothing (bulk_writes.py's ``--earlier-capture none``);
  * ``WAL``: as ``no capture``, plus ``REPLICA IDENTITY FULL`` on every
    audited table and a logical slot (``test_decoding``) open while writing,
    then decoded: the decoding's seconds and rows are printed apart, as a
    decoder would spend them in another process after the commit. A real
    decoder would use ``pgoutput`` (binary, no text to parse) and then still
    build the entries (diff, redaction, row hash) and write them: this is the
    reading side only;
  * ``off``: ``session_replication_role = replica`` (no triggers, no foreign
    keys).

Per mode: the order step's rows by plain COPY in one transaction (the
seed_demo benchmark's code), and a 10,000-row UPDATE of ``orders.orders``
(committed, in a fresh copy of the seeded database); the seconds and the WAL
bytes each wrote. The machine and its load are printed first; figures are
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

import bulk_writes  # noqa: E402  (sets up Django)
import seed_demo  # noqa: E402
from django.db import connection  # noqa: E402

from demo import orders  # noqa: E402
from demo.management.commands.seed_demo import default_as_of, parse_as_of  # noqa: E402
from demo.plan import PLANS  # noqa: E402
from demo.writer import TableSpec  # noqa: E402

MODES = ("on", "no capture", "WAL", "off")
SLOT = "wal_capture_bench"
UPDATE_TABLE = "orders.orders"


def audited_tables(conn):
    """Every table (partitions included) with the audit's capture triggers."""
    rows = conn.execute(
        "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
        "WHERE tgname = 'audit_changes_insert' ORDER BY 1"
    )
    return [row[0] for row in rows]


def prepare(name, mode):
    """Database ``name`` set up for ``mode`` (before the timed writes)."""
    if mode in ("no capture", "WAL"):
        with seed_demo.connect(name) as conn:
            conn.execute(bulk_writes.NO_CAPTURE)
            conn.commit()
    if mode == "WAL":
        with seed_demo.connect(name) as conn:
            # DDL on an audited table is refused outside a maintenance window.
            conn.execute("SELECT audit.begin_maintenance('benchmark: replica identity full')")
            for table in audited_tables(conn):
                conn.execute(f"ALTER TABLE {table} REPLICA IDENTITY FULL")
            conn.commit()
            conn.execute("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", [SLOT])
            conn.commit()


def decode(name):
    """Decode and drop the slot: (seconds, changes, bytes of text)."""
    with seed_demo.connect(name) as conn:
        started = time.perf_counter()
        changes, text = conn.execute(
            "SELECT count(*), coalesce(sum(length(data)), 0) "
            "FROM pg_logical_slot_get_changes(%s, NULL, NULL, 'skip-empty-xacts', '1')",
            [SLOT],
        ).fetchone()
        seconds = time.perf_counter() - started
        conn.execute("SELECT pg_drop_replication_slot(%s)", [SLOT])
        conn.commit()
    return seconds, changes, int(text)


def wal_position(name):
    with seed_demo.connect(name) as conn:
        return conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]


def wal_bytes(name, start):
    with seed_demo.connect(name) as conn:
        written = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [start])
        return float(written.fetchone()[0])


def update(name, replica):
    """The 10,000-row UPDATE of ``UPDATE_TABLE``, committed: seconds."""
    assignment = bulk_writes.UPDATES[UPDATE_TABLE]
    ids = f"SELECT id FROM {UPDATE_TABLE} ORDER BY id LIMIT {bulk_writes.UPDATE_ROWS}"
    with seed_demo.connect(name) as conn:
        if replica:
            conn.execute("SET session_replication_role = replica")
        started = time.perf_counter()
        conn.execute(f"UPDATE {UPDATE_TABLE} SET {assignment} WHERE id IN ({ids})")
        conn.commit()
        return time.perf_counter() - started


def measure(names, data, mode):
    """One round of ``mode``: COPY into a copy of the base, the UPDATE in a
    copy of the seeded database. Per part: seconds, WAL bytes, and for the
    WAL mode the decoding (seconds, changes, text bytes)."""
    result = {}
    for part, template in (("copy", names["base"]), ("update", names["full"])):
        target = names["scratch"]
        seed_demo.create(target, template)
        try:
            prepare(target, mode)
            start = wal_position(target)
            if part == "copy":
                seconds = seed_demo.plain_copy(target, data, replica=mode == "off")[2]
            else:
                seconds = update(target, replica=mode == "off")
            written = wal_bytes(target, start)
            decoded = decode(target) if mode == "WAL" else None
        finally:
            seed_demo.drop(target)
        result[part] = {"seconds": seconds, "wal": written, "decoded": decoded}
    return result


def median(rounds, part, key, index=None):
    values = [run[part][key] if index is None else run[part][key][index] for run in rounds]
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--as-of", type=parse_as_of, default=None)
    args = parser.parse_args()
    as_of = args.as_of or default_as_of()
    print(bulk_writes.machine())
    print(bulk_writes.server_version())
    with connection.cursor() as cursor:
        cursor.execute("SHOW wal_level")
        if cursor.fetchone()[0] != "logical":
            sys.exit(
                "wal_capture.py: the server's wal_level is not 'logical'; run it against a "
                "server started with -c wal_level=logical (a private cluster, see the docstring)"
            )
    plan = PLANS["city"].scaled(args.scale_factor)
    home = connection.settings_dict["NAME"]
    tag = uuid.uuid4().hex[:6]
    names = {
        kind: f"{home[:30]}_walcap_{kind}_{tag}" for kind in ("fixtures", "full", "base", "scratch")
    }
    try:
        print(f"plan {plan.name}: {plan.orders:,} orders, data up to {as_of.isoformat()}")
        seed_demo.before_and_after_orders(plan, args.seed, as_of, names, home)
        specs = [TableSpec(model) for model in orders.FLUSH_ORDER]
        data = seed_demo.export(names["full"], names["base"], specs)
        rounds = {mode: [] for mode in MODES}
        for number in range(args.rounds):
            order = MODES if number % 2 == 0 else tuple(reversed(MODES))
            for mode in order:
                rounds[mode].append(measure(names, data, mode))
            print(
                f"  round {number + 1}: COPY "
                + ", ".join(f"{mode} {rounds[mode][-1]['copy']['seconds']:.1f}s" for mode in MODES),
                flush=True,
            )
        off = {part: median(rounds["off"], part, "seconds") for part in ("copy", "update")}
        print(
            f"\n| mode | COPY of the order step: orders/s | vs off | WAL MB "
            f"| UPDATE of {bulk_writes.UPDATE_ROWS:,} {UPDATE_TABLE}: rows/s | vs off | WAL MB |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for mode in MODES:
            cells = []
            for part, count in (("copy", plan.orders), ("update", bulk_writes.UPDATE_ROWS)):
                seconds = median(rounds[mode], part, "seconds")
                cells += [
                    f"{count / seconds:,.0f}",
                    f"{seconds / off[part]:.2f}x",
                    f"{median(rounds[mode], part, 'wal') / 1e6:,.1f}",
                ]
            print(f"| {mode} | " + " | ".join(cells) + " |")
        print("\nthe WAL mode's slot, decoded after the commit (test_decoding, text):")
        for part in ("copy", "update"):
            seconds = median(rounds["WAL"], part, "decoded", 0)
            changes = median(rounds["WAL"], part, "decoded", 1)
            text = median(rounds["WAL"], part, "decoded", 2)
            print(
                f"  {part}: {changes:,.0f} changes in {seconds:.2f}s "
                f"({changes / seconds:,.0f}/s), {text / 1e6:,.1f} MB of text"
            )
        print(f"\nload after the run: {bulk_writes.machine().split('uptime: ')[1]}")
    finally:
        seed_demo.use(home)
        for name in names.values():
            seed_demo.drop(name)


if __name__ == "__main__":
    main()
