"""Benchmark: bulk and single-row writes with every rule on vs rules off
(``session_replication_role = replica``: no triggers, no foreign keys).

Run: .venv/bin/python benchmarks/bulk_writes.py [--scale-factor 0.01] [--seconds 10]
     [--rounds 1]

In one run, on scratch databases of the configured server (built from the
migrations and fixtures, dropped at the end), printed side by side:

  1. seed_demo's order step (orders/s), then the same rows loaded again by
     plain COPY, one transaction, rules on vs off, per table (every audited
     and ledger table the step writes: orders, timelines, dispatch, rider and
     customer ledgers...), by benchmarks/seed_demo.py's code;
  2. a 10,000-row UPDATE of orders.orders and of customers.customers, one
     statement, rules on vs off (rolled back);
  3. single-row UPDATE (customers.customers by primary key) and single-row
     INSERT (a customer wallet credit, chained and audited) from 4 pgbench
     clients for ``--seconds`` each, rules on vs off: tps and mean latency.

Rules on are measured twice: with the audit capture as migrated, and with
an earlier migration's capture put back (``--earlier-capture``, audit 0006's
by default, or 0012's;
``--no-earlier-capture`` skips it), so the current capture is compared under
the same load. The single-row pgbench runs go rules on / earlier capture /
rules on again, and print both "now" runs: their spread is the load's.

``--rounds N`` repeats the COPY (each round into fresh copies of the
database) and the bulk UPDATEs N times, rules on first in odd rounds and
rules off first in even ones, and prints each figure's median: one
table's COPY inside the one-transaction load moves by up to 2x between
runs, so a single round is not enough to compare tables.

The machine (cores, memory) and its load (uptime) are printed first: other
engineers share these 2 cores, so figures move between runs. Figures are
printed, never asserted. The scratch databases are named after the
configured database (``DATABASE_URL``), so engineers sharing a server keep
to their own prefix.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import audit_capture  # noqa: E402  (sets up Django)
import seed_demo  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from audit import sql as audit_sql  # noqa: E402
from demo import orders  # noqa: E402
from demo.management.commands.seed_demo import default_as_of  # noqa: E402
from demo.plan import PLANS  # noqa: E402
from demo.writer import TableSpec  # noqa: E402
from gatimitra.ops import reference  # noqa: E402
from gatimitra.seeds import fixture_paths  # noqa: E402

UPDATES = {
    "orders.orders": "customer_note = customer_note || ' '",
    "customers.customers": "full_name = full_name || ' R.', cod_enabled = NOT cod_enabled",
}
UPDATE_ROWS = 10_000

SINGLE = {
    "UPDATE customers.customers by id": (
        "SELECT min(id), max(id) FROM customers.customers",
        "UPDATE customers.customers SET full_name = 'Bench ' || :n WHERE id = :id;",
    ),
    "INSERT customer wallet credit": (
        "SELECT min(id), max(id) FROM customers.customer_wallet WHERE status = 'ACTIVE'",
        "INSERT INTO customers.customer_wallet_transactions (direction, source_type, "
        "source_id, idempotency_key, description, wallet_id, txn_type, amount) "
        "SELECT 'CREDIT', 'TICKET', 'bench-' || :n || '-' || :client_id, "
        "'bench-' || :n || '-' || :client_id, '', id, 'GOODWILL_CREDIT', 1 "
        "FROM customers.customer_wallet WHERE id = :id AND status = 'ACTIVE' "
        "ON CONFLICT DO NOTHING;",
    ),
}
#: With the rules off nothing chains the ledger: the writer supplies seq_no and
#: balance_after itself (a race on one wallet is skipped by ON CONFLICT).
SINGLE_RULES_OFF = {
    "INSERT customer wallet credit": (
        "INSERT INTO customers.customer_wallet_transactions (direction, source_type, "
        "source_id, idempotency_key, description, wallet_id, txn_type, amount, seq_no, "
        "balance_after) "
        "SELECT 'CREDIT', 'TICKET', 'bench-' || :n || '-' || :client_id, "
        "'bench-' || :n || '-' || :client_id, '', w.id, 'GOODWILL_CREDIT', 1, "
        "coalesce(last.seq_no, 0) + 1, coalesce(last.balance_after, 0) + 1 "
        "FROM customers.customer_wallet w LEFT JOIN LATERAL (SELECT seq_no, balance_after "
        "FROM customers.customer_wallet_transactions t WHERE t.wallet_id = w.id "
        "ORDER BY seq_no DESC LIMIT 1) last ON true "
        "WHERE w.id = :id AND w.status = 'ACTIVE' ON CONFLICT DO NOTHING;"
    ),
}


#: ``--earlier-capture``: the statement capture of an earlier audit migration.
EARLIER_CAPTURES = {
    "0006": audit_sql.RESTORE_CAPTURE_STATEMENT,
    # Static statements for every statement, before audit 0015's bulk path.
    "0012": audit_sql.CAPTURE_STATEMENT_CHEAPER,
}
#: The capture as migrated, put back after an earlier one.
CURRENT_CAPTURE = audit_sql.CAPTURE_STATEMENT_BULK


def use_capture(name, earlier):
    """Put the capture of audit migration ``earlier`` back in database ``name``,
    or the current one (``earlier`` None)."""
    with audit_capture.connect(name) as conn:
        conn.execute(EARLIER_CAPTURES[earlier] if earlier else CURRENT_CAPTURE)


def machine():
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next(line.split()[1] for line in meminfo if line.startswith("MemTotal"))
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, {int(memory) // 1024:,} MiB memory; uptime: {load}"


def server_version():
    """ "PostgreSQL 15.20 (...)" of the configured server, for the figures' heading."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(",")[0]


def bulk_update(name, table, assignment, replica):
    with audit_capture.connect(name) as conn:
        ids = f"SELECT id FROM {table} ORDER BY id LIMIT {UPDATE_ROWS}"
        with conn.transaction(force_rollback=True):
            if replica:
                conn.execute("SET LOCAL session_replication_role = replica")
            started = time.perf_counter()
            cursor = conn.execute(f"UPDATE {table} SET {assignment} WHERE id IN ({ids})")
            seconds = time.perf_counter() - started
            rows = cursor.rowcount
    return rows, seconds


def median_copy(runs):
    """Per-table seconds, commit and total: the median of each over the
    rounds' plain_copy results."""
    seconds = {label: statistics.median(run[0][label] for run in runs) for label in runs[0][0]}
    return (
        seconds,
        statistics.median(run[1] for run in runs),
        statistics.median(run[2] for run in runs),
    )


def copies(names, data, rounds, earlier):
    """Plain COPY of ``data`` rules on and off (and with audit ``earlier``'s
    capture), ``rounds`` times into fresh copies of the base database; on
    and off swap order every round so the load weighs on both alike.
    Median per table for each mode."""
    modes = {"on": [], "off": [], "earlier": []}
    for number in range(rounds):
        order = ["on", "off"] if number % 2 == 0 else ["off", "on"]
        if earlier:
            order.append("earlier")
        for mode in order:
            seed_demo.create(names[mode], names["base"])
            try:
                if mode == "earlier":
                    use_capture(names[mode], earlier)
                modes[mode].append(seed_demo.plain_copy(names[mode], data, replica=mode == "off"))
            finally:
                seed_demo.drop(names[mode])
        if rounds > 1:
            on_total, off_total = modes["on"][-1][2], modes["off"][-1][2]
            print(
                f"  round {number + 1}: COPY rules on {on_total:.1f}s, off {off_total:.1f}s",
                flush=True,
            )
    return {mode: median_copy(runs) if runs else None for mode, runs in modes.items()}


def updates(name, rounds, earlier):
    """Seconds of each bulk UPDATE (rolled back) rules on, off and with
    ``earlier``'s capture: the median of ``rounds``, alternated like
    ``copies``. Rows updated per table."""
    rows = {}
    seconds = {table: {"on": [], "off": [], "earlier": []} for table in UPDATES}
    for number in range(rounds):
        for table, assignment in UPDATES.items():
            order = [False, True] if number % 2 == 0 else [True, False]
            for replica in order:
                rows[table], spent = bulk_update(name, table, assignment, replica)
                seconds[table]["off" if replica else "on"].append(spent)
            if earlier:
                use_capture(name, earlier)
                try:
                    seconds[table]["earlier"].append(bulk_update(name, table, assignment, False)[1])
                finally:
                    use_capture(name, None)
    medians = {
        table: {mode: statistics.median(runs) if runs else None for mode, runs in modes.items()}
        for table, modes in seconds.items()
    }
    return rows, medians


def pgbench(name, bounds_sql, statement, replica, seconds):
    binary = audit_capture.pgbench_binary()
    if binary is None:
        return None
    with audit_capture.connect(name) as conn:
        low, high = conn.execute(bounds_sql).fetchone()
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        if replica:
            script.write("SET session_replication_role = replica;\n")
        script.write(f"\\set id random({low}, {high})\n\\set n random(1, 1000000000)\n")
        script.write(statement + "\n")
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGUSER": settings_dict["USER"]}
    for variable, setting in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(setting):
            env[variable] = str(settings_dict[setting])
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


def singles(names, database, seconds, earlier):
    print(
        f"\n| single-row write, 4 pgbench clients, {seconds}s | rules on | rules off | on vs off "
        f"| rules on, audit {earlier} capture | rules on, again |"
    )
    print("|---|---|---|---|---|---|")
    name = names[database]
    for label, (bounds, statement) in SINGLE.items():
        results = [
            pgbench(name, bounds, statement, False, seconds),
            pgbench(name, bounds, SINGLE_RULES_OFF.get(label, statement), True, seconds),
        ]
        if not all(results):
            print(f"| {label} | pgbench not found | | | |")
            continue
        before = again = "not run"
        if earlier:
            use_capture(name, earlier)
            before_tps, before_ms = pgbench(name, bounds, statement, False, seconds)
            use_capture(name, None)
            before = f"{before_tps:,.0f} tps, {before_ms:.2f} ms"
            again_tps, again_ms = pgbench(name, bounds, statement, False, seconds)
            again = f"{again_tps:,.0f} tps, {again_ms:.2f} ms"
        (on_tps, on_ms), (off_tps, off_ms) = results
        print(
            f"| single-row {label}, 4 clients | {on_tps:,.0f} tps, {on_ms:.2f} ms | "
            f"{off_tps:,.0f} tps, {off_ms:.2f} ms | {on_ms / off_ms:.1f}x | {before} | {again} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="COPY and bulk UPDATE N times each, rules on/off alternated; medians printed",
    )
    parser.add_argument(
        "--singles-only",
        action="store_true",
        help="only the pgbench single-row writes, on the fixtures (no seed)",
    )
    parser.add_argument(
        "--earlier-capture",
        dest="earlier",
        choices=sorted(EARLIER_CAPTURES),
        default="0006",
        help="the audit migration whose capture is put back for comparison",
    )
    parser.add_argument(
        "--no-earlier-capture",
        dest="earlier",
        action="store_const",
        const=None,
        help="skip the runs with an earlier capture put back",
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=["copy", "updates", "singles"],
        default=["copy", "updates", "singles"],
        help="the parts to run (the seed_demo order step runs for copy and updates)",
    )
    args = parser.parse_args()
    print(machine())
    print(server_version())
    plan = PLANS["city"].scaled(args.scale_factor)
    home = connection.settings_dict["NAME"]
    ref = reference.ensure_reference_database(connection)
    tag = uuid.uuid4().hex[:6]
    kinds = ("fixtures", "full", "base", "on", "off", "earlier")
    names = {kind: f"{home[:30]}_bulk_{kind}_{tag}" for kind in kinds}
    try:
        seed_demo.create(names["fixtures"], ref)
        seed_demo.use(names["fixtures"])
        call_command("loaddata", *fixture_paths(), verbosity=0, not_production=True)
        seed_demo.use(home)
        for kind in ("full", "base"):
            seed_demo.create(names[kind], names["fixtures"])
        database = "fixtures" if args.singles_only else "full"
        if args.singles_only:
            singles(names, database, args.seconds, args.earlier)
            return
        print(f"plan {plan.name}: {plan.orders:,} orders; {args.rounds} round(s), medians")

        seed_demo.use(names["full"])
        demo = seed_demo.seed(plan, args.seed, default_as_of(), seed_demo.THROUGH_ORDERS)
        step_seconds = demo.step_seconds["orders"]
        seed_demo.use(names["base"])
        seed_demo.seed(plan, args.seed, default_as_of(), seed_demo.BEFORE_ORDERS)
        seed_demo.use(home)

        print(f"\nseed_demo order step: {plan.orders / step_seconds:,.0f} orders/s")
        if "copy" in args.parts:
            copy_part(names, plan, args)
        if "updates" in args.parts:
            updates_part(names, args)
        if "singles" in args.parts:
            singles(names, database, args.seconds, args.earlier)
        print(f"\nload after the run: {machine().split('uptime: ')[1]}")
    finally:
        seed_demo.use(home)
        for name in names.values():
            seed_demo.drop(name)


def copy_part(names, plan, args):
    specs = [TableSpec(model) for model in orders.FLUSH_ORDER]
    data = seed_demo.export(names["full"], names["base"], specs)
    loads = copies(names, data, args.rounds, args.earlier)
    on, on_commit, on_total = loads["on"]
    off, _commit, off_total = loads["off"]
    before, _commit, before_total = loads["earlier"] or (None, None, None)

    print(
        f"plain COPY of the step's rows: rules on {plan.orders / on_total:,.0f} orders/s "
        f"(commit with deferred checks {on_commit:.1f}s), rules off "
        f"{plan.orders / off_total:,.0f} orders/s, ratio {on_total / off_total:.1f}x"
    )
    if before_total:
        print(
            f"  with audit {args.earlier}'s capture: rules on "
            f"{plan.orders / before_total:,.0f} orders/s"
        )
    print(
        "\n| table | rows | COPY rules on rows/s | rules off rows/s | on vs off "
        f"| rules on, audit {args.earlier} capture |"
    )
    print("|---|---|---|---|---|---|")
    for label, (_spec, _payload, rows) in sorted(data.items(), key=lambda item: -item[1][2]):
        if rows:
            earlier = f"{rows / before[label]:,.0f}" if before else "not run"
            print(
                f"| {label} | {rows:,} | {rows / on[label]:,.0f} | {rows / off[label]:,.0f} "
                f"| {on[label] / off[label]:.1f}x | {earlier} |"
            )


def updates_part(names, args):
    print(
        "\n| statement | rules on | rules off | on vs off "
        f"| rules on, audit {args.earlier} capture |"
    )
    print("|---|---|---|---|---|")
    rows, seconds = updates(names["full"], args.rounds, args.earlier)
    for table, spent in seconds.items():
        count = rows[table]
        earlier = f"{count / spent['earlier']:,.0f} rows/s" if spent["earlier"] else "not run"
        print(
            f"| UPDATE of {count:,} rows of {table} | {count / spent['on']:,.0f} rows/s | "
            f"{count / spent['off']:,.0f} rows/s | {spent['on'] / spent['off']:.1f}x "
            f"| {earlier} |"
        )


if __name__ == "__main__":
    main()
