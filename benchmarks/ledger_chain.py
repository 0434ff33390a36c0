"""Benchmark: ledger chains per row (LedgerChain version 1), per statement
(version 2: customers 0013, riders 0019) and per statement with a one-row
probe (version 3: customers 0014, riders 0020, which also moves lifetime
points in one UPDATE per statement), in one run, on the same database.

Run: .venv/bin/python benchmarks/ledger_chain.py [--wallets 200] [--rows 10000] [--seconds 10]
     [--repeat 3]

A scratch database of the configured server (cloned from the migrated
reference database, dropped at the end) gets ``--wallets`` customers, each
with a wallet and a loyalty account and one opening entry in each ledger.
Each bulk measurement inserts ``--rows`` entries in one statement inside a
transaction that is rolled back, with the chain of version 1, 2 and 3 (the
earlier ones put back by the statements that reverse customers 0014, and
0013, in the same rolled-back transaction) and with rules off
(``session_replication_role = replica``: the floor), ``--repeat`` times in
turn (the median is printed):

  * INSERT ... SELECT with seq_no/balance_after supplied, rows sorted by owner
    and interleaved (round robin over the wallets);
  * COPY of the same rows, sorted and interleaved;
  * COPY of loyalty entries (earns and a reversal per account), interleaved,
    chain supplied: the lifetime points and the cached points balance move;
  * INSERT ... SELECT leaving the chain to the database (the row trigger
    numbers every row, every version), interleaved;
  * ``gatimitra.db.ledgers.append_entries`` (one INSERT computing the
    chain, interleaved) with versions 2 and 3, against the ORM's
    ``bulk_create`` of the same entries with version 1.

Then single-row wallet credits (the ORM's way: the database numbers the row)
from 4 pgbench clients for ``--seconds``, alternating versions 1, 2, 3 and
rules off (the writer computes the chain itself), twice (the chain switched
by reversing and re-applying the migrations' SQL, committed, on the scratch
database). The machine and its load are printed first and last; figures are
printed, never asserted.
"""

import argparse
import importlib
import os
import random
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
ONE_ROW = importlib.import_module(
    "customers.migrations.0014_check_one_ledger_row_by_probe_and_move_lifetime_points_at_once"
)
MODELS = [CustomerWalletTransaction, CustomerLoyaltyTransaction]
OPENING = 1000
VERSIONS = ("v1", "v2", "v3")

COLUMNS = (
    "direction, source_type, source_id, idempotency_key, description, wallet_id, txn_type, "
    "amount, seq_no, balance_after"
)


def _undo_0014():
    chains, lifetime = ONE_ROW.Migration.operations[:2], ONE_ROW.Migration.operations[2]
    statements = list(lifetime.reverse_sql)
    for operation, model in zip(chains, MODELS, strict=True):
        statements += operation.backward_sql(model)
    return statements


def _redo_0014():
    chains, lifetime = ONE_ROW.Migration.operations[:2], ONE_ROW.Migration.operations[2]
    statements = []
    for operation, model in zip(chains, MODELS, strict=True):
        statements += operation.forward_sql(model)
    return statements + list(lifetime.sql)


def _undo_0013():
    statements = [MIGRATION.MAINTENANCE.format(way="backward")]
    for operation, model in zip(MIGRATION.Migration.operations[1:], MODELS, strict=True):
        statements += operation.backward_sql(model)
    return statements + list(MIGRATION.RESTORE_ROW_CHAIN)


def _redo_0013():
    statements = [MIGRATION.MAINTENANCE.format(way="forward"), *MIGRATION.DROP_ROW_CHAIN]
    for operation, model in zip(MIGRATION.Migration.operations[1:], MODELS, strict=True):
        statements += operation.forward_sql(model)
    return statements


def chain_as(version):
    """From the migrated chain (version 3) to ``version``'s."""
    return {"v1": _undo_0014() + _undo_0013(), "v2": _undo_0014()}.get(version, [])


def chain_back_from(version):
    """From ``version``'s chain back to the migrated one."""
    return {"v1": _redo_0013() + _redo_0014(), "v2": _redo_0014()}.get(version, [])


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
    conn.execute(
        "INSERT INTO customers.customer_loyalty (customer_id, points_balance, lifetime_points) "
        "SELECT id, 0, 0 FROM customers.customers WHERE full_name LIKE 'Ledger Bench %%'"
    )
    conn.execute(
        f"INSERT INTO customers.customer_loyalty_transactions ({LOYALTY_COLUMNS}) "
        f"SELECT 'CREDIT', 'EARN', {OPENING}, 'CAMPAIGN', 'open-' || id, 'open-' || id, '', id, "
        "NULL, NULL FROM customers.customer_loyalty ORDER BY id"
    )
    wallets = conn.execute("SELECT id FROM customers.customer_wallet ORDER BY id")
    accounts = conn.execute("SELECT id FROM customers.customer_loyalty ORDER BY id")
    return [row[0] for row in wallets], [row[0] for row in accounts]


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


LOYALTY_COLUMNS = (
    "direction, txn_type, amount, source_type, source_id, idempotency_key, description, "
    "loyalty_id, seq_no, balance_after"
)


def loyalty_payload(pairs):
    """Earns of 2 points, every fifth entry of an account a reversal of 1
    (which moves lifetime points down): chain supplied."""
    lines, balances = [], {}
    for account, k in pairs:
        reverse = k % 5 == 0
        balance = balances.get(account, OPENING) + (-1 if reverse else 2)
        balances[account] = balance
        kind = "DEBIT\tREVERSE\t1" if reverse else "CREDIT\tEARN\t2"
        lines.append(
            f"{kind}\tCAMPAIGN\tp{account}-{k}\tp{account}-{k}\t\t{account}\t{1 + k}\t{balance}\n"
        )
    return "".join(lines).encode()


def copy_payload(pairs):
    lines = [
        f"CREDIT\tTICKET\tb{w}-{k}\tb{w}-{k}\t\t{w}\tGOODWILL_CREDIT\t1\t{1 + k}\t{OPENING + k}\n"
        for w, k in pairs
    ]
    return "".join(lines).encode()


def timed(name, mode, work):
    """Seconds ``work(conn)`` takes in a rolled-back transaction with the chain
    of ``mode`` (v1 / v2 / v3 / off)."""
    with audit_capture.connect(name) as conn, conn.transaction(force_rollback=True):
        for statement in chain_as(mode):
            conn.execute(statement)
        if mode == "off":
            conn.execute("SET LOCAL session_replication_role = replica")
        started = time.perf_counter()
        work(conn)
        return time.perf_counter() - started


def copy_work(payload, table="customer_wallet_transactions", columns=COLUMNS):
    def work(conn):
        with conn.cursor().copy(f"COPY customers.{table} ({columns}) FROM STDIN") as copy:
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
            with connection.cursor() as cursor:
                for statement in chain_as(mode):
                    cursor.execute(statement)
            started = time.perf_counter()
            write(objects)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
    finally:
        connection.close()
    return seconds


SINGLE_INSERT = (
    f"INSERT INTO customers.customer_wallet_transactions ({COLUMNS}) "
    "VALUES ('CREDIT', 'TICKET', %(key)s, %(key)s, '', %(wallet)s, 'GOODWILL_CREDIT', 1, "
    "{seq}, {balance})"
)
#: Rules off: the writer computes the chain (nothing else would).
SUPPLIED = (
    "(SELECT coalesce(max(seq_no), 0) + 1 FROM customers.customer_wallet_transactions "
    "WHERE wallet_id = %(wallet)s)",
    "(SELECT balance_after + 1 FROM customers.customer_wallet_transactions "
    "WHERE wallet_id = %(wallet)s ORDER BY seq_no DESC LIMIT 1)",
)
CHAIN_FUNCTIONS = """
SELECT coalesce(sum(total_time) FILTER (WHERE funcname = 'customer_wallet_transactions_chain'), 0),
       coalesce(sum(total_time) FILTER (
           WHERE funcname = 'customer_wallet_transactions_chain_check'), 0),
       coalesce(sum(total_time) FILTER (
           WHERE funcname = 'customer_wallet_transactions_moves_balance'), 0)
FROM pg_stat_xact_user_functions WHERE schemaname = 'customers'
"""


def warm_singles(name, ids, count, mode):
    """ms per single-row insert in one warm session (``count`` inserts over
    random wallets, rolled back), and ms per insert in the chain row
    function, the check and the balance move (``track_functions``)."""
    seq, balance = SUPPLIED if mode == "off" else ("NULL", "NULL")
    statement = SINGLE_INSERT.format(seq=seq, balance=balance)
    picks = random.Random(7)
    with audit_capture.connect(name) as conn, conn.transaction(force_rollback=True):
        for sql in chain_as(mode):
            conn.execute(sql)
        if mode == "off":
            conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("SET LOCAL track_functions = 'pl'")
        for n in range(50):  # plans cached, functions compiled
            conn.execute(statement, {"key": f"warm-{n}", "wallet": picks.choice(ids)})
        before = conn.execute(CHAIN_FUNCTIONS).fetchone()
        started = time.perf_counter()
        for n in range(count):
            conn.execute(statement, {"key": f"single-{n}", "wallet": picks.choice(ids)})
        seconds = time.perf_counter() - started
        after = conn.execute(CHAIN_FUNCTIONS).fetchone()
    spent = [(a - b) / count for a, b in zip(after, before, strict=True)]
    return 1000 * seconds / count, spent


def rate(rows, seconds):
    return f"{rows / seconds:,.0f} rows/s" if seconds else "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wallets", type=int, default=200)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--singles", type=int, default=2000, help="inserts per warm session")
    parser.add_argument("--only-singles", action="store_true", help="skip the bulk statements")
    args = parser.parse_args()
    print(bulk_writes.machine())
    print(bulk_writes.server_version())
    home = connection.settings_dict["NAME"]
    ref = reference.ensure_reference_database(connection)
    name = f"bench_ledger_{uuid.uuid4().hex[:6]}"
    try:
        seed_demo.create(name, ref)
        with audit_capture.connect(name) as conn:
            ids, accounts = setup(conn, args.wallets)
            conn.execute("VACUUM ANALYZE customers.customer_wallet_transactions")
            conn.execute("VACUUM ANALYZE customers.customer_wallet")
            conn.execute("VACUUM ANALYZE customers.customer_loyalty_transactions")
            conn.execute("VACUUM ANALYZE customers.customer_loyalty")
        print(f"{len(ids)} wallets and loyalty accounts, {args.rows:,} rows per statement\n")
        print("| one statement | v1: per row | v2: per statement | v3: one-row probe | rules off |")
        print("|---|---|---|---|---|")
        cases = []
        for order in ("sorted by owner", "interleaved"):
            pairs = plan(ids, args.rows, order == "interleaved")
            statement = insert_sql(pairs, supplied=True)
            cases.append((f"INSERT, chain supplied, {order}", lambda c, s=statement: c.execute(s)))
            cases.append((f"COPY, chain supplied, {order}", copy_work(copy_payload(pairs))))
        loyalty = loyalty_payload(plan(accounts, args.rows, interleaved=True))
        cases.append(
            (
                "loyalty COPY, chain supplied, interleaved",
                copy_work(loyalty, "customer_loyalty_transactions", LOYALTY_COLUMNS),
            )
        )
        pairs = plan(ids, args.rows, interleaved=True)
        statement = insert_sql(pairs, supplied=False)
        cases.append(
            ("INSERT, chain left to the database, interleaved", lambda c: c.execute(statement))
        )
        for label, work in [] if args.only_singles else cases:
            # With rules off nothing numbers the rows a writer leaves out.
            modes = VERSIONS if "left to the database" in label else (*VERSIONS, "off")
            runs = {mode: [] for mode in modes}
            for _ in range(args.repeat):
                for mode in modes:
                    runs[mode].append(timed(name, mode, work))
            seconds = {mode: statistics.median(times) for mode, times in runs.items()}
            figures = " | ".join(rate(args.rows, seconds.get(mode)) for mode in (*VERSIONS, "off"))
            print(f"| {label} | {figures} |")
        bulk_create = CustomerWalletTransaction.objects.bulk_create
        runs = {"v1": [], "v2": [], "v3": []}
        for _ in range(0 if args.only_singles else args.repeat):
            runs["v1"].append(django_timed(name, "v1", bulk_create, pairs))
            for mode in ("v2", "v3"):
                runs[mode].append(django_timed(name, mode, append_entries, pairs))
        if not args.only_singles:
            figures = " | ".join(rate(args.rows, statistics.median(runs[m])) for m in VERSIONS)
            print(f"| v1 bulk_create, v2/v3 append_entries, interleaved | {figures} | |")
        seed_demo.use(home)

        print(
            f"\n| {args.singles:,} single-row credits, one warm session | ms an insert "
            "| row chain ms | check ms | balance move ms |"
        )
        print("|---|---|---|---|---|")
        for round_ in (1, 2):
            for mode in (*VERSIONS, "off"):
                ms, (chain, check, move) = warm_singles(name, ids, args.singles, mode)
                print(
                    f"| {mode}, round {round_} | {ms:.3f} | {chain:.3f} | {check:.3f} "
                    f"| {move:.3f} |"
                )

        bounds, statement = bulk_writes.SINGLE["INSERT customer wallet credit"]
        off_statement = bulk_writes.SINGLE_RULES_OFF["INSERT customer wallet credit"]
        print(
            f"\n| single-row wallet credit, 4 pgbench clients, {args.seconds}s "
            "| tps | mean latency |"
        )
        print("|---|---|---|")
        for round_ in (1, 2):
            for mode in (*VERSIONS, "off"):
                with audit_capture.connect(name) as conn, conn.transaction():
                    for sql in chain_as(mode):
                        conn.execute(sql)
                try:
                    off = mode == "off"
                    result = bulk_writes.pgbench(
                        name, bounds, off_statement if off else statement, off, args.seconds
                    )
                finally:
                    with audit_capture.connect(name) as conn, conn.transaction():
                        for sql in chain_back_from(mode):
                            conn.execute(sql)
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
