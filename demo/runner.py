"""Running the demo seed: the steps in order, the bookkeeping row that says
a database holds demo data, loading twice, and resetting.

The bookkeeping row is the platform setting ``demo.seed_demo``
(``access_mgmt.system_settings``): its value records the scale, seed,
``as_of`` moment, status and the steps done, so the admin shows that the
database holds demo data and a second run can refuse by name.

``small`` runs in one transaction: it either loads everything or nothing.
``city`` commits step by step (big steps batch by batch) and updates the
bookkeeping row after each step; an interrupted load is reported by the
next run (the steps done and the one it stopped in), and ``--reset``
starts over.
"""

import json
import time

from django.db import connection, transaction

from audit.context import acting_as
from demo import access, customers, geo, merchants, orders, riders, tail
from demo.context import Demo
from demo.writer import Writer
from gatimitra.db.tables import quote_table
from gatimitra.enums import ActorType
from gatimitra.seeds import apply_seeds

MARKER_KEY = "demo.seed_demo"


def _orders(demo):
    """The order step takes what it reads from the steps before it and
    hands its history (sample and counts) to the steps after it."""
    demo.order_history = orders.build(demo, orders.OrderInputs.of(demo))


#: ``(name, function, batched)`` in the order they run; each function takes
#: the Demo. At city scale a batched step commits batch by batch
#: (``Demo.batch``); any other step is one transaction.
STEPS = [
    ("cities and pricing", geo.build, False),
    ("staff and access", access.build_staff, False),
    ("merchants and menus", merchants.build, False),
    ("riders", riders.build, False),
    ("customers", customers.build, False),
    ("orders", _orders, True),
    ("access activity", access.build_activity, False),
    ("after the orders", tail.build, False),
]


class SeedRefused(Exception):
    """The database is not in a state the seed can load into."""


def marker():
    """The bookkeeping value of an earlier run, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value FROM access_mgmt.system_settings WHERE key = %s AND city_id IS NULL "
            "ORDER BY version DESC LIMIT 1",
            [MARKER_KEY],
        )
        row = cursor.fetchone()
    if not row:
        return None
    # Django's connections leave jsonb as text (JSONField decodes it).
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def describe_marker(value):
    text = (
        f"scale {value.get('scale')}, seed {value.get('seed')}, as of {value.get('as_of')}, "
        f"status {value.get('status')}"
    )
    if value.get("status") != "complete":
        done = value.get("steps_done") or []
        text += f" (steps done: {', '.join(done) or 'none'}; interrupted in: {value.get('step')})"
    return text


def _write_marker(demo, status):
    value = {
        "scale": demo.plan.name,
        "seed": demo.seed,
        "as_of": demo.now.isoformat(),
        "status": status,
        "step": demo.step,
        "steps_done": demo.committed_steps,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE access_mgmt.system_settings SET value = %s, updated_at = now() "
            "WHERE key = %s AND city_id IS NULL",
            [json.dumps(value), MARKER_KEY],
        )
        if cursor.rowcount == 0:
            cursor.execute(
                "INSERT INTO access_mgmt.system_settings "
                "(created_at, updated_at, key, version, value, description, effective_from) "
                "VALUES (now(), now(), %s, 1, %s, %s, %s)",
                [
                    MARKER_KEY,
                    json.dumps(value),
                    "Written by manage.py seed_demo: this database holds generated demo data.",
                    demo.now,
                ],
            )


def needs_fixtures():
    with connection.cursor() as cursor:
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM orders.service_cities)")
        return cursor.fetchone()[0]


def reset_domain_tables(log):
    """Empty every domain table and reload fixtures/. The audit trail is
    kept: it refuses TRUNCATE whoever asks (docs/operations.md), so the
    entries of the previous load stay, followed by those of the reset."""
    from gatimitra.db.backend.operations import UNFLUSHED_TABLES
    from gatimitra.testing import domain_models

    # Reference rows only a data migration writes stay (as flush keeps them).
    models = [
        model
        for model in domain_models()
        if model._meta.app_label != "audit"
        and model._meta.db_table.replace('"', "") not in UNFLUSHED_TABLES
    ]
    tables = ", ".join(quote_table(model._meta.db_table) for model in models)
    with transaction.atomic(), connection.cursor() as cursor:
        # Append-only domain tables refuse TRUNCATE outright; replica mode
        # (a superuser's, for this transaction) skips their guard triggers.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        # The seeds' record of the rows they wrote goes with the rows.
        cursor.execute("TRUNCATE gatimitra_seed_rows, gatimitra_applied_seeds")
    log(f"Emptied {len(models)} domain tables (the audit trail is kept).")
    applied, _ = apply_seeds(log=lambda text: None)
    log(f"Applied {len(applied)} fixture files from fixtures/.")


def _audit_actor(seed):
    """Audit rows written by the triggers say the demo seed wrote them (the
    actor is set per transaction; application_name for the session)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('application_name', 'seed_demo', false)")
    return acting_as(actor_type=ActorType.SYSTEM, label="seed_demo", request_id=f"seed_demo-{seed}")


def _taken_mobiles():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mobile FROM customers.customers WHERE mobile IS NOT NULL "
            "UNION SELECT mobile FROM riders.riders "
            "UNION SELECT mobile FROM access_mgmt.system_users WHERE mobile IS NOT NULL "
            "UNION SELECT mobile FROM merchants.merchant_users "
            "UNION SELECT contact_mobile FROM merchants.merchant_stores "
            "WHERE contact_mobile IS NOT NULL "
            "UNION SELECT contact_mobile FROM merchants.merchant_parents "
            "WHERE contact_mobile IS NOT NULL"
        )
        return {row[0] for row in cursor.fetchall()}


def run(plan, seed, now, reset=False, log=print, steps=None):
    """Load the demo data; returns the Demo (its writer has the row counts)."""
    existing = marker()
    if existing and not reset:
        raise SeedRefused(
            f"This database already holds demo data ({describe_marker(existing)}). "
            "Run seed_demo --reset to empty the domain tables, reload fixtures/ and load again."
        )
    if reset:
        reset_domain_tables(log)
    elif needs_fixtures():
        applied, _ = apply_seeds(log=lambda text: None)
        log(f"Applied {len(applied)} fixture files first (the demo builds on their cities).")

    writer = Writer(connection, default_time=now, log=log if not plan.small else None)
    demo = Demo(seed, plan, now, writer, log=log)
    with _audit_actor(seed):
        _load(demo, plan, steps, log)
    return demo


def _load(demo, plan, steps, log):
    demo.taken_mobiles = _taken_mobiles()
    selected = [step for step in STEPS if steps is None or step[0] in steps]
    started = time.monotonic()
    if plan.small:
        with transaction.atomic():
            for name, function, _batched in selected:
                demo.step = name
                _run_step(demo, name, function, log)
                # Run the checks deferred to commit now, so a failure names its step.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                demo.committed_steps.append(name)
            demo.step = None
            _write_marker(demo, "complete")
    else:
        with transaction.atomic():
            _write_marker(demo, "loading")
        for name, function, batched in selected:
            demo.step = name
            with transaction.atomic():
                _write_marker(demo, "loading")
            if batched:
                # Fresh statistics for the tables the previous steps filled,
                # so the triggers' queries plan for their real size.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                _run_step(demo, name, function, log)
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            else:
                with transaction.atomic():
                    _run_step(demo, name, function, log)
            demo.committed_steps.append(name)
        demo.step = None
        with transaction.atomic():
            _write_marker(demo, "complete")
    demo.elapsed = time.monotonic() - started


def _run_step(demo, name, function, log):
    step_started = time.monotonic()
    function(demo)
    demo.step_seconds[name] = time.monotonic() - step_started
    if not demo.plan.small:
        log(f"{name}: done in {demo.step_seconds[name]:.1f}s")
