"""Benchmark: ledger chains per row (LedgerChain version 1) vs per statement
(version 2: customers 0013, riders 0019), in one run, on the same database.

Run: .venv/bin/python benchmarks/ledger_chain.py [--wallets 200] [--rows 10000] [--seconds 10]
     [--repeat 3]

A scratch database of the configured server (cloned from the migrated
reference database, dropped at the end) gets ``--wallets`` customer wallets
with one opening credit each. Each bulk measurement inserts ``--rows`` wallet
entries in one statement inside a transaction that is rolled back, with the
chain as it was before (version 1's row trigger, put back by the statements
that reverse customers 0013, in the same rolled-back transaction), as it is
now, and with rules off (``session_replication_role = replica``: the floor),
``--repeat`` times in turn (the median is printed):

  * INSERT ... SELECT with seq_no/balance_after supplied, rows sorted by owner
    and interleaved (round robin over the wallets);
  * COPY of the same rows, sorted and interleaved;
  * INSERT ... SELECT leaving the chain to the database (the row trigger
    numbers every row, both versions), interleaved;
  * ``gatimitra.db.ledgers.append_entries`` (one INSERT computing the
    chain, interleaved) now, against the ORM's ``bulk_create`` of the same
    entries before (the row trigger numbering them).

Then single-row wallet credits (the ORM's way: the database numbers the row)
from 4 pgbench clients for ``--seconds``, alternating before / now twice
(the chain switched by reversing and re-applying customers 0013's SQL,
committed, on the scratch database). The machine and its load are printed
first and last; figures are printed, never asserted.
"""

import argparse
import importlib
import os
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import audit_capture  # noqa: E402  (sets up Django)
import bulk_writes  # noqa: E402
import seed_demo  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from customers.models import CustomerLoyaltyTransaction, CustomerWalletTransaction  # noqa: E402
from gatimitra.db.ledgers import append_entries  # noqa: E402
from gatimitra.ops import reference  # noqa: E402

MIGRATION = importlib.import_module("customers.migrations.0013_check_ledger_chains_per_statement")
MODELS = [CustomerWalletTransaction, CustomerLoyaltyTransaction]
OPENING = 1000

COLUMNS = (
    "direction, source_type, source_id, idempotency_key, description, wallet_id, txn_type, "
    "amount, seq_no, balance_after"
)


def before_statements():
    statements = [MIGRATION.MAINTENANCE.format(way="backward")]
    for operation, model in zip(MIGRATION.Migration.operations[1:], MODELS, strict=True):
        statements += operation.backward_sql(model)
    return statements + list(MIGRATION.RESTORE_ROW_CHAIN)


def now_statements():
    statements = [MIGRATION.MAINTENANCE.format(way="forward"), *MIGRATION.DROP_ROW_CHAIN]
    for operation, model in zip(MIGRATION.Migration.operations[1:], MODELS, strict=True):
        statements += operation.forward_sql(model)
    return statements


def setup(conn, wallets):
    conn.execute(
        "INSERT INTO customers.customers (mobile, full_name, email, referral_code, status, "
        "preferred_language, signup_source, cod_enabled) "
        "SELECT '+9197' || lpad(n::text, 8, '0'), 'Ledger Bench ' || n, 'l' || n || "
        "'@example.in', 'LB' || lpad(n::text, 8, '0'), 'ACTIVE', 'en', 'ANDROID_APP', true "
        "FROM generate_series(1, %s) n",
        [wallets],
    )
    conn.execute(
        "INSERT INTO customers.customer_wallet (customer_id, balance, status, frozen_reason) "
        "SELECT id, 0, 'ACTIVE', '' FROM customers.customers WHERE full_name LIKE 'Ledger Bench %%'"
    )
    conn.execute(
        f"INSERT INTO customers.customer_wallet_transactions ({COLUMNS}) "
        "SELECT 'CREDIT', 'TICKET', 'open-' || id, 'open-' || id, '', id, 'GOODWILL_CREDIT', "
        f"{OPENING}, NULL, NULL FROM customers.customer_wallet ORDER BY id"
    )
    return [row[0] for row in conn.execute("SELECT id FROM customers.customer_wallet ORDER BY id")]


def plan(ids, rows, interleaved):
    """(wallet, k) for each row: the k-th new entry of the wallet, in write order."""
    per_wallet = -(-rows // len(ids))
    pairs = [(ids[i], k) for i in range(len(ids)) for k in range(1, per_wallet + 1)][:rows]
    return sorted(pairs, key=lambda p: (p[1], p[0])) if interleaved else pairs


def insert_sql(pairs, supplied):
    values = ",".join(
        f"('CREDIT','TICKET','b{w}-{k}','b{w}-{k}','',{w},'GOODWILL_CREDIT',1,"
        + (f"{1 + k},{OPENING + k})" if supplied else "NULL,NULL)")
        for w, k in pairs
    )
    return f"INSERT INTO customers.customer_wallet_transactions ({COLUMNS}) VALUES {values}"


def copy_payload(pairs):
    lines = [
        f"CREDIT\tTICKET\tb{w}-{k}\tb{w}-{k}\t\t{w}\tGOODWILL_CREDIT\t1\t{1 + k}\t{OPENING + k}\n"
        for w, k in pairs
    ]
    return "".join(lines).encode()


def timed(name, mode, work):
    """Seconds ``work(conn)`` takes in a rolled-back transaction with the chain
    of ``mode`` (before / now / off)."""
    with audit_capture.connect(name) as conn, conn.transaction(force_rollback=True):
        if mode == "before":
            for statement in before_statements():
                conn.execute(statement)
        if mode == "off":
            conn.execute("SET LOCAL session_replication_role = replica")
        started = time.perf_counter()
        work(conn)
        return time.perf_counter() - started


def copy_work(payload):
    def work(conn):
        with conn.cursor().copy(
            f"COPY customers.customer_wallet_transactions ({COLUMNS}) FROM STDIN"
        ) as copy:
            copy.write(payload)

    return work


def entries(pairs):
    from customers.models import CustomerWalletTransaction as Entry

    return [
        Entry(
            wallet_id=w,
            direction="CREDIT",
            txn_type="GOODWILL_CREDIT",
            amount=Decimal(1),
            source_type="TICKET",
            source_id=f"b{w}-{k}",
            idempotency_key=f"b{w}-{k}",
        )
        for w, k in pairs
    ]


def django_timed(name, mode, write, pairs):
    """Seconds of ``write(entries)`` through Django on database ``name``."""
    seed_demo.use(name)
    objects = entries(pairs)
    try:
        with transaction.atomic():
            if mode == "before":
                with connection.cursor() as cursor:
                    for statement in before_statements():
                        cursor.execute(statement)
            started = time.perf_counter()
            write(objects)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
    finally:
        connection.close()
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wallets", type=int, default=200)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    print(bulk_writes.machine())
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0])
    home = connection.settings_dict["NAME"]
    ref = reference.ensure_reference_database(connection)
    name = f"bench_ledger_{uuid.uuid4().hex[:6]}"
    try:
        seed_demo.create(name, ref)
        with audit_capture.connect(name) as conn:
            ids = setup(conn, args.wallets)
            conn.execute("VACUUM ANALYZE customers.customer_wallet_transactions")
            conn.execute("VACUUM ANALYZE customers.customer_wallet")
        print(f"{len(ids)} wallets, {args.rows:,} rows per statement\n")
        print(
            "| one statement | chain per row (before) | per statement (now) | rules off "
            "| now vs before |"
        )
        print("|---|---|---|---|---|")
        cases = []
        for order in ("sorted by owner", "interleaved"):
            pairs = plan(ids, args.rows, order == "interleaved")
            statement = insert_sql(pairs, supplied=True)
            cases.append((f"INSERT, chain supplied, {order}", lambda c, s=statement: c.execute(s)))
            cases.append((f"COPY, chain supplied, {order}", copy_work(copy_payload(pairs))))
        pairs = plan(ids, args.rows, interleaved=True)
        statement = insert_sql(pairs, supplied=False)
        cases.append(
            ("INSERT, chain left to the database, interleaved", lambda c: c.execute(statement))
        )
        for label, work in cases:
            # With rules off nothing numbers the rows a writer leaves out.
            modes = (
                ("before", "now") if "left to the database" in label else ("before", "now", "off")
            )
            runs = {mode: [] for mode in modes}
            for _ in range(args.repeat):
                for mode in modes:
                    runs[mode].append(timed(name, mode, work))
            seconds = {mode: statistics.median(times) for mode, times in runs.items()}
            off = f"{args.rows / seconds['off']:,.0f} rows/s" if "off" in seconds else "n/a"
            print(
                f"| {label} | {args.rows / seconds['before']:,.0f} rows/s | "
                f"{args.rows / seconds['now']:,.0f} rows/s | {off} "
                f"| {seconds['before'] / seconds['now']:.2f}x faster |"
            )
        bulk_create = CustomerWalletTransaction.objects.bulk_create
        befores, nows = [], []
        for _ in range(args.repeat):
            befores.append(django_timed(name, "before", bulk_create, pairs))
            nows.append(django_timed(name, "now", append_entries, pairs))
        before, now = statistics.median(befores), statistics.median(nows)
        print(
            "| bulk_create before vs append_entries now, interleaved | "
            f"{args.rows / before:,.0f} rows/s "
            f"| {args.rows / now:,.0f} rows/s | | {before / now:.2f}x faster |"
        )
        seed_demo.use(home)

        bounds, statement = bulk_writes.SINGLE["INSERT customer wallet credit"]
        print(
            f"\n| single-row wallet credit, 4 pgbench clients, {args.seconds}s "
            "| tps | mean latency |"
        )
        print("|---|---|---|")
        for round_ in (1, 2):
            for mode in ("before", "now"):
                with audit_capture.connect(name) as conn, conn.transaction():
                    for sql in before_statements() if mode == "before" else now_statements():
                        conn.execute(sql)
                result = bulk_writes.pgbench(name, bounds, statement, False, args.seconds)
                if result is None:
                    print("| pgbench not found | | |")
                    break
                print(f"| {mode}, round {round_} | {result[0]:,.0f} | {result[1]:.2f} ms |")
        print(f"\nload after the run: {bulk_writes.machine().split('uptime: ')[1]}")
    finally:
        seed_demo.use(home)
        seed_demo.drop(name)


if __name__ == "__main__":
    main()
