"""manage.py seed_demo: every domain table filled, the same rows for the same
seed, data that look right, loading twice refused, the city code path.

The seed runs as a separate process on scratch databases cloned from the
migrated reference database, as ``manage.py start`` runs it."""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from gatimitra.ops.reference import database_url, ensure_reference_database
from gatimitra.testing import domain_models
from tests.fixtures.gatimitra import connect, mark_development

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))
AS_OF = "2026-11-20T18:00"

#: Business columns whose values must not depend on anything but the seed.
DIGEST = [
    ("customers.customers", "mobile, full_name, email, referral_code, status"),
    (
        "customers.customer_addresses",
        "customer_id, building_name, locality, pincode, latitude, longitude",
    ),
    ("merchants.merchant_stores", "code, name, status, latitude, longitude"),
    ("merchants.merchant_menu_items", "store_id, name, base_price"),
    ("riders.riders", "mobile, full_name, status, enabled_services"),
    (
        "orders.orders",
        "order_number, status, customer_id, merchant_store_id, total, placed_at, payment_method",
    ),
    ("orders.order_charges", "order_id, charge_type, direction, amount"),
    ("riders.wallet_ledger", "rider_id, seq_no, txn_type, amount, balance_after"),
    (
        "customers.customer_wallet_transactions",
        "wallet_id, seq_no, txn_type, amount, balance_after",
    ),
    ("riders.location_logs", "rider_id, recorded_at, latitude, longitude"),
    ("merchants.merchant_store_payouts", "store_id, cycle_start, net_amount, status"),
]

#: Queries that return the rows breaking a rule the demo data must keep
#: (beyond the database's own checks, which already ran when it loaded).
MOBILE = "'^\\+91[6-9][0-9]{9}$'"
PROBLEMS = {
    "mobiles are +91 and 10 digits from 6 to 9": f"""
        SELECT mobile FROM customers.customers WHERE mobile !~ {MOBILE}
        UNION ALL SELECT mobile FROM riders.riders WHERE mobile !~ {MOBILE}
        UNION ALL SELECT mobile FROM merchants.merchant_users WHERE mobile !~ {MOBILE}
        UNION ALL SELECT mobile FROM access_mgmt.system_users WHERE mobile !~ {MOBILE}""",
    "order totals are the items plus the charges": """
        WITH lines AS (
            SELECT i.order_id, i.quantity * (i.unit_price + coalesce(
                       (SELECT sum(a.quantity * a.unit_price) FROM orders.order_item_addons a
                         WHERE a.order_item_id = i.id), 0)) AS amount
              FROM orders.order_items i
        ), bills AS (
            SELECT order_id,
                   sum(CASE WHEN direction = 'CREDIT' THEN -amount ELSE amount END) AS total,
                   sum(amount) FILTER (WHERE charge_type = 'ITEM_TOTAL') AS items
              FROM orders.order_charges GROUP BY order_id
        )
        SELECT o.order_number FROM orders.orders o JOIN bills b ON b.order_id = o.id
         WHERE o.total <> b.total
            OR (o.service_type = 'FOOD'
                AND b.items <> (SELECT sum(amount) FROM lines WHERE lines.order_id = o.id))""",
    "rider wallets run without gaps": """
        SELECT rider_id, seq_no FROM (
            SELECT rider_id, seq_no, balance_after,
                   row_number() OVER w AS n,
                   sum(CASE direction WHEN 'CREDIT' THEN amount ELSE -amount END) OVER w AS running
              FROM riders.wallet_ledger WINDOW w AS (PARTITION BY rider_id ORDER BY seq_no)) l
         WHERE seq_no <> n OR balance_after <> running""",
    "customer wallets match their ledgers": """
        SELECT w.id FROM customers.customer_wallet w
          LEFT JOIN LATERAL (SELECT balance_after FROM customers.customer_wallet_transactions t
                              WHERE t.wallet_id = w.id ORDER BY seq_no DESC LIMIT 1) last ON true
         WHERE w.balance <> coalesce(last.balance_after, 0) OR w.balance < 0""",
    "loyalty points match their ledgers": """
        SELECT l.id FROM customers.customer_loyalty l
          LEFT JOIN LATERAL (SELECT balance_after FROM customers.customer_loyalty_transactions t
                              WHERE t.loyalty_id = l.id ORDER BY seq_no DESC LIMIT 1) last ON true
         WHERE l.points_balance <> coalesce(last.balance_after, 0)""",
    "merchant payouts are their week's settlements": """
        SELECT p.id FROM merchants.merchant_store_payouts p
          JOIN orders.order_settlements s ON s.payout_id = p.id
         GROUP BY p.id
        HAVING p.gross_amount <> sum(s.merchant_receivable + s.platform_commission
                                     + s.gst_on_commission + s.tcs + s.tds)""",
    "orders in flight are held by riders on an order": """
        SELECT a.id FROM orders.order_rider_assignments a
          JOIN riders.rider_live_status l ON l.rider_id = a.rider_id
         WHERE a.status IN ('ASSIGNED', 'ACCEPTED') AND l.duty_status <> 'ON_ORDER'""",
    "nothing happens after --as-of": " UNION ALL ".join(
        f"SELECT '{table}.{column}' FROM {table} WHERE {column} > (SELECT (value ->> 'as_of')"
        "::timestamptz FROM access_mgmt.system_settings WHERE key = 'demo.seed_demo')"
        for table, column in (
            ("orders.orders", "completed_at"),
            ("orders.orders", "cancelled_at"),
            ("orders.order_payments", "captured_at"),
            ("orders.order_refunds", "processed_at"),
            ("orders.order_settlements", "settled_at"),
            ("merchants.merchant_store_payouts", "processed_at"),
            ("riders.rider_payouts", "processed_at"),
            ("riders.rider_cash_deposits", "verified_at"),
            ("riders.wallet_ledger", "created_at"),
            ("riders.location_logs", "recorded_at"),
            ("customers.customer_wallet_transactions", "created_at"),
            ("customers.customer_ratings", "created_at"),
            ("customers.customer_tickets", "closed_at"),
            ("riders.rider_penalties", "decided_at"),
        )
    ),
    "addresses are in India with PIN codes": """
        SELECT id FROM customers.customer_addresses
         WHERE pincode !~ '^[1-9][0-9]{5}$'
            OR latitude NOT BETWEEN 8 AND 37 OR longitude NOT BETWEEN 68 AND 98""",
}


def _manage(database, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(connection, database)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result


def _seed(database, *args):
    result = _manage(database, "seed_demo", "--as-of", AS_OF, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _digest(conn):
    return {
        table: hashlib.sha256(
            repr(conn.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()).encode()
        ).hexdigest()
        for table, columns in DIGEST
    }


def _counts(conn):
    counts = {}
    for model in domain_models():
        table = model._meta.db_table.replace('"."', ".")
        counts[model._meta.label] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return counts


@pytest.fixture
def migrated(transactional_db, scratch_database):
    """A new database built by the migrations (no rows)."""
    reference = ensure_reference_database(connection)

    def make():
        name = scratch_database(template=reference, label="demo")
        mark_development(name)
        return name

    return make


@pytest.fixture(scope="module")
def small_runs(django_db_setup, django_db_blocker):
    """Two small seeds: one after loaddata of fixtures/ (as ``start`` does),
    one on a bare migrated database (it loads the fixtures itself)."""
    with django_db_blocker.unblock():
        reference = ensure_reference_database(connection)
        names = []
        try:
            with connection._nodb_cursor() as cursor:
                for label in ("a", "b"):
                    name = f"{connection.settings_dict['NAME'][:30]}_demo_{label}_{os.getpid()}"
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                    cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{reference}"')
                    names.append(name)
                    mark_development(name)
            loaded = _manage(names[0], "loaddata", *FIXTURES)
            assert loaded.returncode == 0, loaded.stderr
            outputs = [_seed(names[0], "--seed", "7"), _seed(names[1], "--seed", "7")]
            yield names, outputs
        finally:
            with connection._nodb_cursor() as cursor:
                for name in names:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                        [name],
                    )
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.slow
def test_small_fills_every_domain_table_after_the_fixtures(small_runs):
    (after_fixtures, _bare), (output, _) = small_runs
    with connect(after_fixtures) as conn:
        counts = _counts(conn)
    empty = [label for label, count in counts.items() if count == 0]
    assert not empty, f"tables left empty: {empty}"
    assert len(counts) == len(domain_models())
    assert "rows written with COPY" in output.stdout


@pytest.mark.slow
def test_same_seed_gives_the_same_rows(small_runs):
    (first, second), _outputs = small_runs
    with connect(first) as a, connect(second) as b:
        assert _digest(a) == _digest(b)


@pytest.mark.slow
def test_the_data_look_right(small_runs):
    (database, _), _outputs = small_runs
    with connect(database) as conn:
        broken = {rule: conn.execute(sql).fetchmany(3) for rule, sql in PROBLEMS.items()}
        statuses = dict(
            conn.execute("SELECT status, count(*) FROM orders.orders GROUP BY 1").fetchall()
        )
        names = [
            row[0] for row in conn.execute("SELECT full_name FROM customers.customers LIMIT 20")
        ]
        dishes = conn.execute(
            "SELECT count(*) FROM merchants.merchant_menu_items WHERE name = ANY(%s)",
            [["Masala Dosa", "Chicken Dum Biryani", "Paneer Butter Masala", "Margherita Pizza"]],
        ).fetchone()[0]
    assert not {rule: rows for rule, rows in broken.items() if rows}
    # Mostly finished orders, and some in flight for the dispatch screens.
    assert statuses["delivered"] > statuses["cancelled"] > 0
    assert sum(
        n
        for s, n in statuses.items()
        if s not in ("delivered", "completed", "cancelled", "rto_delivered")
    )
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][A-Za-z']+", name) for name in names), names
    assert dishes > 0


@pytest.mark.slow
def test_loading_twice_is_refused_or_skipped_and_reset_loads_the_same_rows_again(small_runs):
    (database, other), _outputs = small_runs
    # manage.py start loads fixtures/ again on every launch, over the demo data.
    reloaded = _manage(database, "loaddata", *FIXTURES)
    assert reloaded.returncode == 0, reloaded.stderr
    with connect(database) as conn:
        before = _counts(conn)
    refused = _manage(database, "seed_demo", "--as-of", AS_OF, "--seed", "7")
    assert refused.returncode != 0
    assert "already holds demo data (scale small, seed 7" in refused.stderr
    with connect(database) as conn:
        assert _counts(conn) == before
    skipped = _seed(database, "--seed", "7", "--skip-if-seeded")
    assert "already seeded (scale small, seed 7" in skipped.stdout

    _seed(database, "--seed", "7", "--reset")
    with connect(database) as conn, connect(other) as fresh:
        assert _digest(conn) == _digest(fresh)


@pytest.mark.slow
def test_another_seed_gives_other_rows(migrated, small_runs):
    (database, _), _outputs = small_runs
    target = migrated()
    _seed(target, "--seed", "8")
    with connect(database) as a, connect(target) as b:
        assert _digest(a)["customers.customers"] != _digest(b)["customers.customers"]


@pytest.mark.slow
def test_a_seed_at_dawn_on_a_monday_still_fills_every_table(migrated):
    """Payout weeks start on Monday: seeded at dawn, the open payouts have no
    sales to deduct from yet, and every table still gets rows (``start`` on a
    Monday morning in India once left the payout adjustments empty)."""
    target = migrated()
    result = _manage(target, "seed_demo", "--as-of", "2026-12-07T05:45", "--seed", "7")
    assert result.returncode == 0, result.stdout + result.stderr
    with connect(target) as conn:
        counts = _counts(conn)
    empty = [label for label, count in counts.items() if count == 0]
    assert not empty, f"tables left empty: {empty}"


@pytest.mark.slow
def test_the_city_plan_runs_at_a_tiny_scale(migrated):
    target = migrated()
    result = _seed(target, "--scale", "city", "--scale-factor", "0.0004")
    assert "orders: done" in result.stdout  # per-step progress at city scale
    with connect(target) as conn:
        counts = _counts(conn)
        broken = {rule: conn.execute(sql).fetchmany(3) for rule, sql in PROBLEMS.items()}
        marker = conn.execute(
            "SELECT value ->> 'status', value ->> 'scale' FROM access_mgmt.system_settings "
            "WHERE key = 'demo.seed_demo'"
        ).fetchone()
    assert counts["orders.Order"] >= 400  # and the fixtures' eight
    assert counts["riders.LocationLog"] >= 4000
    assert counts["customers.Customer"] >= 40
    assert not {rule: rows for rule, rows in broken.items() if rows}
    assert marker == ("complete", "cityx0.0004")


#: seed_demo with the order step's batches built in turn, each written
#: before the next is built (``demo.orders.generator.ahead`` a no-op).
IN_TURN = """
import contextlib, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")
import django
django.setup()
from demo.orders import generator
generator.ahead = lambda items, alias: contextlib.nullcontext(items)
from django.core.management import call_command
call_command(*sys.argv[1:])
"""


@pytest.mark.slow
def test_city_batches_built_ahead_are_the_rows_built_in_turn(migrated):
    """At city scale the order step builds each batch on a thread while the
    one before is written; the same seed writes the same rows as building
    them in turn (the seed before), ids and ledger chains included."""
    ahead, in_turn = migrated(), migrated()
    seed = ("--as-of", AS_OF, "--scale", "city", "--scale-factor", "0.0004", "--seed", "7")
    _seed(ahead, *seed)
    result = subprocess.run(
        [sys.executable, "-c", IN_TURN, "seed_demo", *seed],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(connection, in_turn)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "orders: done" in result.stdout
    with connect(ahead) as built_ahead, connect(in_turn) as built_in_turn:
        assert _counts(built_ahead) == _counts(built_in_turn)
        assert _digest(built_ahead) == _digest(built_in_turn)


def test_the_plan_prints_the_volumes():
    from demo.plan import PLANS, describe

    text = describe()
    assert "orders" in text and "1,000,000" in text and "10,000,000" in text
    tiny = PLANS["city"].scaled(0.001)
    assert tiny.orders == 1000 and tiny.batch < tiny.orders and not tiny.small
