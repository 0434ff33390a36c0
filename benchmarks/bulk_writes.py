"""Benchmark: bulk and single-row writes with every rule on vs rules off
(``session_replication_role = replica``: no triggers, no foreign keys).

Run: .venv/bin/python benchmarks/bulk_writes.py [--scale-factor 0.01] [--seconds 10]
     [--rounds 1] [--pairs 5] [--pair-seconds S] [--singles-repeat 1]
     [--update-customers 10000]

In one run, on scratch databases of the configured server (built from the
migrations and fixtures, dropped at the end), printed side by side:

  1. seed_demo's order step (orders/s), then the same rows loaded again by
     plain COPY, one transaction, rules on vs off, per table (every audited
     and ledger table the step writes: orders, timelines, dispatch, rider and
     customer ledgers...), by benchmarks/seed_demo.py's code;
  2. a 10,000-row UPDATE of orders.orders and of customers.customers, one
     statement, rules on vs off (rolled back). The orders are the order
     step's; a scaled plan with fewer than ``--update-customers`` customers
     (1,005 at ``--scale-factor 0.01``) gets a database of its own for the
     customers UPDATE: a copy of the fixtures seeded by seed_demo through
     the customers step with that many customers and every other volume as
     scaled (every trigger and constraint on, as any seed; untimed), so the
     statement updates 10,000 valid customers. ``--update-customers 0``
     keeps the old behaviour (the order step's database, all its customers);
  3. single-row UPDATE (customers.customers by primary key) and single-row
     INSERT (a customer wallet credit, chained and audited) from 4 pgbench
     clients, rules on vs off, in interleaved pairs (below).

Single-row writes, the method. One long run per mode, minutes apart, moved
by up to 1x between runs on this shared machine: the load of the other
engineers' work changes within seconds. So the modes run in short pgbench
runs on the same database, one right after the other: a warm-up pair first
(discarded: sessions, caches, the statement's first plans), then
``--pairs`` pairs, rules on first in odd pairs and rules off first in even
ones, each run ``--pair-seconds`` long (default: ``--seconds`` shared out
over the pairs, at least 2 s, so each mode gets about ``--seconds`` in all,
as the single run did). Each pair gives one ratio, rules on's mean latency
over rules off's (with 4 clients, rules off's tps over rules on's); printed
per pair, then the median of the pairs with its range (lowest-highest). Per
run and mode also: tps, the p50 and p95 latency of every transaction
(pgbench's per-transaction log, ``-l``; pooled over a mode's runs in the
summary) and the CPU time the 4 server backends spent per transaction
(``/proc/<pid>/schedstat`` read twice during the run, over the transactions
the log says finished between the readings; "n/a" for a server on another
machine), a second ratio that leaves out time spent waiting for a CPU.
``--singles-repeat N`` runs the whole comparison N times back to back on the
same database: the spread of its medians is what they can be trusted to.
Rules off set ``session_replication_role`` once per connection
(``PGOPTIONS``), not by a statement in every transaction as before. The
arithmetic is in benchmarks/paired.py (tested in
tests/gatimitra/test_benchmark_paired.py).

Rules on are also measured with an earlier migration's audit capture put
back (``--earlier-capture``, audit 0006's by default, or 0012's, or
``none``: the capture triggers call a function that writes nothing, so that
column is what every rule but the capture costs; or ``message``: no entry
either, each audited statement emits the context a capture built from the
WAL would need, benchmarks/context_message.py;
``--no-earlier-capture`` skips it): the bulk UPDATEs once per round, the
single-row writes in their own interleaved pairs, capture as migrated vs
the earlier one.

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
import dataclasses
import os
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
import context_message  # noqa: E402
import paired  # noqa: E402
import seed_demo  # noqa: E402
from django.db import connection  # noqa: E402

from audit import sql as audit_sql  # noqa: E402
from demo import orders  # noqa: E402
from demo.management.commands.seed_demo import default_as_of, parse_as_of  # noqa: E402
from demo.plan import PLANS  # noqa: E402
from demo.writer import TableSpec  # noqa: E402

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


#: A capture trigger function that returns at once: same trigger, same
#: ``SECURITY DEFINER`` owner and settings, no entry written.
NO_CAPTURE = """
CREATE OR REPLACE FUNCTION audit.capture_statement() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET jit = off AS $function$
BEGIN
    RETURN NULL;
END
$function$;
"""

#: ``--earlier-capture``: the statement capture of an earlier audit migration,
#: ``none`` (no entry written: what the other rules cost), or ``message`` (no
#: entry, the context message a WAL-built capture would need).
EARLIER_CAPTURES = {
    "0006": audit_sql.RESTORE_CAPTURE_STATEMENT,
    # Static statements for every statement, before audit 0015's bulk path.
    "0012": audit_sql.CAPTURE_STATEMENT_CHEAPER,
    # No capture at all: the same triggers call a function that writes no entry,
    # so "rules on" less this is what the capture costs, and this against rules
    # off is what every other rule costs: the floor of any capture that left the
    # write path (built from the WAL, say), before that mechanism's own cost.
    "none": NO_CAPTURE,
    "message": context_message.SQL,
}
#: The capture as migrated, put back after an earlier one.
CURRENT_CAPTURE = audit_sql.CAPTURE_STATEMENT_BULK


def capture_title(earlier):
    """How the figures name the capture ``earlier`` (an ``EARLIER_CAPTURES`` key)."""
    if earlier is None:
        return "(none run)"
    if earlier == "none":
        return "no capture (rules on, no entry written)"
    if earlier == "message":
        return "context message only (rules on, no entry written)"
    return f"audit {earlier}'s capture"


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


def updates(databases, rounds, earlier):
    """Seconds of each bulk UPDATE (rolled back) rules on, off and with
    ``earlier``'s capture: the median of ``rounds``, alternated like
    ``copies``. ``databases`` maps each table to the database its UPDATE
    runs in. Rows updated per table."""
    rows = {}
    seconds = {table: {"on": [], "off": [], "earlier": []} for table in UPDATES}
    for number in range(rounds):
        for table, assignment in UPDATES.items():
            name = databases[table]
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


def customers_plan(plan, customers):
    """The plan the customers UPDATE's database is seeded with: ``plan``
    with ``customers`` customers (everything else as scaled), or None when
    ``plan`` already has that many (``customers`` 0: the old behaviour, the
    full database's customers, 1,005 at ``--scale-factor 0.01``)."""
    if customers <= plan.customers:
        return None
    return dataclasses.replace(plan, customers=customers)


def pgbench_env(replica):
    """pgbench's environment: the configured server and user; with rules
    off, ``session_replication_role = replica`` set once per connection
    (``PGOPTIONS``), so that no extra statement runs in each transaction."""
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGUSER": settings_dict["USER"]}
    for variable, setting in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(setting):
            env[variable] = str(settings_dict[setting])
    if replica:
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c session_replication_role=replica".strip()
    return env


def on_cpu_seconds(pids):
    """Seconds the processes ``pids`` have spent on a CPU (the kernel's
    ``/proc/<pid>/schedstat``), or None if one cannot be read (a server on
    another machine, a backend gone)."""
    total = 0
    try:
        for pid in pids:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9


def is_backend(pid, name):
    """Whether process ``pid`` of this machine is a server backend connected
    to database ``name`` (its process title names the database): a server
    on another machine or in another PID namespace has pids that mean
    something else here."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return title.startswith("postgres") and f" {name} " in title


def backend_cpu(name, seconds, clients):
    """While a pgbench run of ``seconds`` is under way on ``name``: its
    ``clients`` backends' CPU seconds between two readings, and the
    readings' wall-clock times; None when they cannot be read."""
    deadline = time.monotonic() + seconds
    pids = []
    with audit_capture.connect(name) as conn:
        while len(pids) < clients and time.monotonic() < deadline - 1:
            pids = [
                row[0]
                for row in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                    "AND application_name = 'pgbench'",
                    [name],
                )
            ]
            time.sleep(0.02)
    if len(pids) < clients or not all(is_backend(pid, name) for pid in pids):
        return None
    started, first = time.time(), on_cpu_seconds(pids)
    time.sleep(max(0.0, deadline - 0.3 - time.monotonic()))
    ended, last = time.time(), on_cpu_seconds(pids)
    if first is None or last is None:
        return None
    return last - first, started, ended


def pgbench(name, bounds_sql, statement, replica, seconds):
    """One pgbench run of ``statement`` from 4 clients for ``seconds``:
    ``{"tps", "latency" (mean, ms), "latencies" (every transaction's, ms),
    "cpu" (the server backends' CPU ms per transaction, or None)}``, or None
    without a pgbench binary."""
    binary = audit_capture.pgbench_binary()
    if binary is None:
        return None
    clients = 4
    with audit_capture.connect(name) as conn:
        low, high = conn.execute(bounds_sql).fetchone()
    with tempfile.TemporaryDirectory(prefix="bulk_writes_") as scratch:
        script = Path(scratch) / "script.sql"
        script.write_text(
            f"\\set id random({low}, {high})\n\\set n random(1, 1000000000)\n{statement}\n"
        )
        command = [
            *(binary, "-n", "-c", str(clients), "-j", "2", "-T", str(seconds)),
            *("-f", str(script), "-l", f"--log-prefix={scratch}/txn", name),
        ]
        with subprocess.Popen(
            command,
            env=pgbench_env(replica),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            try:
                cpu = backend_cpu(name, seconds, clients)
            finally:
                output, errors = process.communicate()
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command, output, errors)
        logs = sorted(Path(scratch).glob("txn.*"))
        latencies = paired.read_logs(logs)
        if cpu:
            spent, started, ended = cpu
            done = paired.count_finished(logs, started, ended)
            cpu = spent * 1000 / done if done else None
    tps, latency = paired.parse_summary(output)
    return {"tps": tps, "latency": latency, "latencies": latencies, "cpu": cpu}


def paired_runs(run, modes, pairs):
    """``run(mode)`` for the two ``modes`` in a discarded warm-up pair, then
    in ``pairs`` pairs, the order swapped every pair: per pair
    ``({mode: run(mode)}, order)``."""
    for mode in modes:
        run(mode)
    results = []
    for order in paired.pair_orders(pairs, modes):
        results.append(({mode: run(mode) for mode in order}, order))
    return results


def ratios_of(results, key, modes):
    """Per pair, the first mode's ``key`` over the second's (None if a
    pair lacks it)."""
    values = [{mode: pair[mode][key] for mode in modes} for pair, _order in results]
    if any(value is None for pair in values for value in pair.values()):
        return None
    return paired.pair_ratios(values, *modes)


def print_pairs(label, results, modes, names):
    """Each pair's figures and ratios (the first mode's mean latency, and
    server CPU per transaction, over the second's), then the median ratios
    with their range and, per mode, the median tps and CPU per transaction,
    and the p50/p95 latency of all its runs' transactions."""
    first, second = modes
    print(
        f"\n{label}: {names[first]} vs {names[second]}\n\n"
        f"| pair (order) | {names[first]}: tps, p50 / p95 ms, server CPU ms/txn | "
        f"{names[second]} | {first} vs {second}: mean latency | server CPU per txn |"
    )
    print("|---|---|---|---|---|")

    def figures(tps, latencies, cpu):
        p50, p95 = (paired.percentile(latencies, q) for q in (0.5, 0.95))
        cpu_text = f"{cpu:.3f}" if cpu is not None else "n/a"
        return f"{tps:,.0f} tps, {p50:.2f} / {p95:.2f} ms, {cpu_text}"

    latency = ratios_of(results, "latency", modes)
    cpu = ratios_of(results, "cpu", modes)
    for number, (pair, order) in enumerate(results):
        cells = [
            figures(pair[mode]["tps"], pair[mode]["latencies"], pair[mode]["cpu"]) for mode in modes
        ]
        cpu_ratio = f"{cpu[number]:.2f}x" if cpu else "n/a"
        print(
            f"| {number + 1} ({', '.join(order)}) | {cells[0]} | {cells[1]} "
            f"| {latency[number]:.2f}x | {cpu_ratio} |"
        )
    summary = []
    for mode in modes:
        runs = [pair[mode] for pair, _order in results]
        cpus = [run["cpu"] for run in runs if run["cpu"] is not None]
        summary.append(
            figures(
                statistics.median(run["tps"] for run in runs),
                [value for run in runs for value in run["latencies"]],
                statistics.median(cpus) if len(cpus) == len(runs) else None,
            )
        )
    latency_text = paired.describe_ratio(latency)
    cpu_text = paired.describe_ratio(cpu) if cpu else "n/a"
    print(
        f"| medians; pooled p50 / p95 | {summary[0]} | {summary[1]} | {latency_text} | {cpu_text} |"
    )
    return [*summary, latency_text, cpu_text]


def singles(names, database, seconds, earlier, pairs):
    """Single-row writes from 4 pgbench clients, rules on vs off (and the
    current capture vs audit ``earlier``'s) in ``pairs`` interleaved pairs
    of ``seconds``-long runs on one database (paired.py says how)."""
    name = names[database]
    print(
        f"\nsingle-row writes, 4 pgbench clients: a warm-up pair, then {pairs} pairs of "
        f"{seconds}s runs, the order swapped every pair. Ratios: mean latency, and the "
        "server backends' CPU time per transaction (/proc/<pid>/schedstat)"
    )
    if audit_capture.pgbench_binary() is None:
        print("pgbench not found")
        return
    summaries = []
    for label, (bounds, statement) in SINGLE.items():
        statements = {
            "on": (statement, False),
            "off": (SINGLE_RULES_OFF.get(label, statement), True),
        }

        def rules(mode, bounds=bounds, statements=statements):
            text, replica = statements[mode]
            return pgbench(name, bounds, text, replica, seconds)

        titles = {"on": "rules on", "off": "rules off"}
        line = [
            label,
            *print_pairs(label, paired_runs(rules, ("on", "off"), pairs), ("on", "off"), titles),
        ]
        if earlier:

            def captures(mode, bounds=bounds, statement=statement):
                use_capture(name, earlier if mode == "earlier" else None)
                try:
                    return pgbench(name, bounds, statement, False, seconds)
                finally:
                    use_capture(name, None)

            modes = ("now", "earlier")
            titles = {"now": "capture as migrated", "earlier": capture_title(earlier)}
            figures = print_pairs(label, paired_runs(captures, modes, pairs), modes, titles)
            line.append(f"{figures[2]}; CPU {figures[3]}")
        else:
            line.append("not run")
        summaries.append(line)
    print(
        "\n| single-row write, 4 pgbench clients | rules on: median tps, pooled p50 / p95 ms, "
        "median server CPU ms/txn | rules off | on vs off: mean latency, median (range) "
        "| server CPU per txn | "
        f"capture as migrated vs {capture_title(earlier)} |"
    )
    print("|---|---|---|---|---|---|")
    for line in summaries:
        print("| " + " | ".join(line) + " |")


def singles_part(names, database, args):
    """The single-row writes, ``--singles-repeat`` times back to back on the
    same database: how far the medians of two such runs are apart is what
    the figures can be trusted to."""
    for number in range(args.singles_repeat):
        if args.singles_repeat > 1:
            print(f"\nsingle-row writes, repeat {number + 1} of {args.singles_repeat}: {machine()}")
        singles(names, database, run_seconds(args), args.earlier, args.pairs)


def run_seconds(args):
    """Length of each paired pgbench run: ``--pair-seconds``, else
    ``--seconds`` shared out over the pairs (each mode gets about
    ``--seconds`` in all, as one run did before), at least 2 s."""
    if args.pair_seconds:
        return args.pair_seconds
    return max(2, round(args.seconds / args.pairs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--seconds",
        type=int,
        default=10,
        help="pgbench seconds per mode and statement, shared out over --pairs runs",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=5,
        help="single-row writes: interleaved rules on/off pgbench pairs (after a warm-up pair)",
    )
    parser.add_argument(
        "--pair-seconds",
        type=int,
        default=None,
        help="length of each paired pgbench run (default: --seconds / --pairs, at least 2)",
    )
    parser.add_argument(
        "--singles-repeat",
        type=int,
        default=1,
        help="run the single-row writes N times back to back (their medians' spread)",
    )
    parser.add_argument(
        "--update-customers",
        type=int,
        default=UPDATE_ROWS,
        help="customers in the database of the customers.customers UPDATE, seeded through "
        "the customers step by seed_demo (every rule on) when the scaled plan has fewer; "
        "0: the order step's database as it is (1,005 customers at --scale-factor 0.01)",
    )
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
        help="the audit migration whose capture is put back for comparison, or none: "
        "capture triggers that write nothing (what every other rule costs), or message: "
        "no entry, the context message per statement that a capture built from the WAL "
        "needs",
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
    parser.add_argument(
        "--as-of",
        type=parse_as_of,
        default=None,
        help="when every seed of the run ends (as seed_demo --as-of; default: the current "
        "hour in India, read once for the whole run)",
    )
    parser.add_argument(
        "--updates-on",
        metavar="DATABASE",
        default=None,
        help="only the bulk UPDATEs (rolled back), on this database as it is, e.g. one a "
        "whole `seed_demo --scale city` filled; nothing is seeded or dropped",
    )
    args = parser.parse_args()
    if args.as_of is None:
        args.as_of = default_as_of()
    if args.pairs < 1 or args.singles_repeat < 1:
        parser.error("--pairs and --singles-repeat must be at least 1")
    print(machine())
    print(server_version())
    if args.updates_on:
        # Nothing seeded, created or dropped: each UPDATE is rolled back.
        print(f"bulk UPDATEs only, on database {args.updates_on}; {args.rounds} round(s), medians")
        print_updates(dict.fromkeys(UPDATES, args.updates_on), args)
        return
    plan = PLANS["city"].scaled(args.scale_factor)
    home = connection.settings_dict["NAME"]
    tag = uuid.uuid4().hex[:6]
    kinds = ("fixtures", "full", "base", "on", "off", "earlier", "customers")
    names = {kind: f"{home[:30]}_bulk_{kind}_{tag}" for kind in kinds}
    try:
        if args.singles_only:
            seed_demo.create_with_fixtures(names["fixtures"], home)
            print(
                "--singles-only: on the fixtures' few customers and wallets (5 each today), "
                "where 4 clients queue on row locks; compare the full run's figures instead"
            )
            singles_part(names, "fixtures", args)
            return
        print(
            f"plan {plan.name}: {plan.orders:,} orders, data up to {args.as_of.isoformat()}; "
            f"{args.rounds} round(s), medians"
        )
        # One --as-of for every seed of the run: the rows replayed into the
        # base database were built for its riders' duty and the day it ends.
        demo = seed_demo.before_and_after_orders(plan, args.seed, args.as_of, names, home)
        step_seconds = demo.step_seconds["orders"]

        print(f"\nseed_demo order step: {plan.orders / step_seconds:,.0f} orders/s")
        if "copy" in args.parts:
            copy_part(names, plan, args)
        if "updates" in args.parts:
            updates_part(names, plan, args)
        if "singles" in args.parts:
            singles_part(names, "full", args)
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
            f"  with {capture_title(args.earlier)}: rules on "
            f"{plan.orders / before_total:,.0f} orders/s"
        )
    print(
        "\n| table | rows | COPY rules on rows/s | rules off rows/s | on vs off "
        f"| rules on, {capture_title(args.earlier)} |"
    )
    print("|---|---|---|---|---|---|")
    for label, (_spec, _payload, rows) in sorted(data.items(), key=lambda item: -item[1][2]):
        if rows:
            earlier = f"{rows / before[label]:,.0f}" if before else "not run"
            print(
                f"| {label} | {rows:,} | {rows / on[label]:,.0f} | {rows / off[label]:,.0f} "
                f"| {on[label] / off[label]:.1f}x | {earlier} |"
            )


def customers_database(names, plan, args):
    """The database the customers.customers UPDATE runs in: the order
    step's (``names["full"]``) when its plan has ``--update-customers``
    customers or more, else a copy of the fixtures seeded by seed_demo
    through the customers step with that many customers (untimed; every
    trigger and constraint on, as any seed)."""
    bigger = customers_plan(plan, args.update_customers)
    if bigger is None:
        return names["full"]
    home = connection.settings_dict["NAME"]
    started = time.perf_counter()
    seed_demo.create(names["customers"], names["fixtures"])
    seed_demo.use(names["customers"])
    try:
        seed_demo.seed(bigger, args.seed, args.as_of, "customers")
    finally:
        seed_demo.use(home)
    print(
        f"\ncustomers.customers UPDATE: a database seeded through the customers step with "
        f"{bigger.customers:,} customers (every rule on; {time.perf_counter() - started:.0f}s, "
        "not timed)"
    )
    return names["customers"]


def updates_part(names, plan, args):
    print_updates(
        {
            "orders.orders": names["full"],
            "customers.customers": customers_database(names, plan, args),
        },
        args,
    )


def print_updates(databases, args):
    """The bulk UPDATEs in ``databases`` (table -> database), rules on vs
    off, as a table of medians."""
    print(
        "\n| statement | rules on | rules off | on vs off "
        f"| rules on, {capture_title(args.earlier)} |"
    )
    print("|---|---|---|---|---|")
    rows, seconds = updates(databases, args.rounds, args.earlier)
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
