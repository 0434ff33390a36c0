"""Benchmark: a bulk write of customer_notifications before and after customers 0015.

Run: .venv/bin/python benchmarks/notifications.py --template SEEDED_DB
     [--per-order 5] [--months 12] [--repeat 2]

SEEDED_DB is a database holding demo orders (``seed_demo --scale city
--scale-factor 0.02``, say); it is copied to a scratch database, dropped at
the end. There, in transactions that are rolled back, the notifications are
emptied and the table is split into ``--months`` monthly partitions (the
full city seed's table has one per month of history: a lookup that is not
pruned probes each), then ``--per-order`` push notifications per order are
written with one INSERT ... SELECT, every rule on:

  * "before": customers 0015 put back the way 0004-0006 left it, inside the
    transaction (is_customer_order reading the order as jsonb, the
    provider-message check per row);
  * "after": the migrated database as it is;

alternately, ``--repeat`` times each, then once with
``session_replication_role = replica`` (the floor). Printed: seconds and
rows/s, and the time of each notification trigger function. Never asserted.
"""

import argparse
import os
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
import seed_tail  # noqa: E402

MONTHLY_PARTITIONS = """
SELECT format('CREATE TABLE customers.bench_notifications_%%s PARTITION OF
    customers.customer_notifications FOR VALUES FROM (%%L) TO (%%L)',
    to_char(m, 'YYYYMM'), m, m + interval '1 month')
FROM generate_series(
    date_trunc('month', (SELECT max(placed_at) FROM orders.orders)) - (%s - 1) * interval '1 month',
    date_trunc('month', (SELECT max(placed_at) FROM orders.orders)), interval '1 month') AS m
"""

NOTIFICATIONS = """
INSERT INTO customers.customer_notifications (customer_id, order_id, channel, category, status,
    template_code, provider, provider_message_id, payload, sent_at, delivered_at, created_at,
    updated_at, failure_reason)
SELECT o.customer_id, o.id, 'PUSH', 'TRANSACTIONAL', 'DELIVERED', 'ORDER_DELIVERED', 'FCM',
    'fcm-' || o.id || '-' || n, '{}', o.placed_at, o.placed_at, o.placed_at, o.placed_at, ''
FROM orders.orders o, generate_series(1, %s) AS n
WHERE o.placed_at >= %s
"""

FUNCTIONS = """
SELECT funcname, calls, total_time FROM pg_stat_xact_user_functions
WHERE schemaname = 'customers' AND funcname LIKE 'customer_notifications%%'
"""


def load(conn, mode, months, per_order):
    with conn.transaction(force_rollback=True):
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("DELETE FROM customers.customer_notifications")
        conn.execute("SET LOCAL session_replication_role = origin")
        for (statement,) in conn.execute(MONTHLY_PARTITIONS, [months]).fetchall():
            conn.execute(statement)
        first = conn.execute(
            "SELECT min(m) FROM (SELECT date_trunc('month', max(placed_at)) - (%s - 1) * "
            "interval '1 month' AS m FROM orders.orders) AS f",
            [months],
        ).fetchone()[0]
        if mode == "off":
            conn.execute("SET LOCAL session_replication_role = replica")
        if mode == "before":
            for statement in seed_tail.BEFORE_0015:
                conn.execute(statement)
        conn.execute("SET LOCAL track_functions = 'pl'")
        earlier = {name: (calls, ms) for name, calls, ms in conn.execute(FUNCTIONS)}
        started = time.perf_counter()
        rows = conn.execute(NOTIFICATIONS, [per_order, first]).rowcount
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - started
        spent = {
            name: (calls - earlier.get(name, (0, 0))[0], ms - earlier.get(name, (0, 0))[1])
            for name, calls, ms in conn.execute(FUNCTIONS)
        }
    return rows, seconds, {name: figures for name, figures in spent.items() if figures[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", required=True, help="a database holding demo orders")
    parser.add_argument("--per-order", type=int, default=5)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(bulk_writes.machine())
    scratch = f"bench_notifications_{uuid.uuid4().hex[:6]}"
    seed_demo.create(scratch, args.template)
    try:
        with seed_demo.connect(scratch) as conn:
            conn.execute("ANALYZE")
            conn.commit()
            load(conn, "after", args.months, args.per_order)  # warm-up
            runs = []
            for _ in range(args.repeat):
                for mode in ("before", "after"):
                    runs.append((mode, *load(conn, mode, args.months, args.per_order)))
            runs.append(("off", *load(conn, "off", args.months, args.per_order)))
        print(f"\n{args.months} monthly partitions, {args.per_order} notifications per order\n")
        print("| run | rows | s | rows/s | trigger functions: calls, ms |")
        print("|---|---:|---:|---:|---|")
        for mode, rows, seconds, spent in runs:
            functions = "; ".join(
                f"{name} {calls:,}, {ms:,.0f}" for name, (calls, ms) in sorted(spent.items())
            )
            print(f"| {mode} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} | {functions} |")
        print(f"\nload after the run: {bulk_writes.machine().split('uptime: ')[1]}")
    finally:
        seed_demo.drop(scratch)


if __name__ == "__main__":
    main()
