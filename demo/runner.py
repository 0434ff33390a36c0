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

Each step is a function that takes the run (``Demo``: seed, plan, clock,
writer, ids) and what earlier steps returned, and returns what later steps
need; ``_wire`` shows that data flow in one place.
"""

import contextlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction

from audit.context import acting_as
from audit.verify import seal_after_partition_upkeep
from demo import access, customers, geo, merchants, orders, riders, tail
from demo.context import Demo
from demo.plan import Plan
from demo.writer import Writer
from gatimitra.db.tables import quote_table
from gatimitra.enums import ActorType
from gatimitra.seeds import apply_seeds

MARKER_KEY = "demo.seed_demo"


#: The steps in the order they run (``_wire`` runs them).
STEPS = (
    "cities and pricing",
    "staff and access",
    "merchants and menus",
    "riders",
    "customers",
    "orders",
    "access activity",
    "after the orders",
)
#: At city scale these commit batch by batch (``Demo.batch``); any other
#: step is one transaction.
BATCHED = {"orders"}


def _wire(demo, step):
    """Every step in order: what it takes, what it returns. ``step(name,
    function, *arguments)`` runs one step and returns its result."""
    places = step("cities and pricing", geo.build, demo)
    staff = step("staff and access", access.build_staff, demo, places)
    merchant_base = step("merchants and menus", merchants.build, demo, places, staff)
    rider_roster = step("riders", riders.build, demo, places, staff)
    customer_base = step("customers", customers.build, demo, places, staff, merchant_base)
    order_inputs = orders.OrderInputs(
        cities=places.cities,
        food_stores=merchant_base.food_stores,
        active_customers=customer_base.active,
        active_riders=rider_roster.active,
        subscribers=customer_base.subscribers,
        coupons=customer_base.coupons,
        fare_policies=places.fare_policies,
        surge_rules=places.surge_rules,
        rate_cards=places.rate_cards,
        provider=places.provider,
        incentive_schemes=rider_roster.incentive_schemes,
        welfare_rates=rider_roster.welfare_rates,
        cancellation_reasons=places.cancellation_reasons,
        staff_ids=staff.ids,
    )
    history = step("orders", orders.build, demo, order_inputs)
    pii_grants = step(
        "access activity",
        access.build_activity,
        demo,
        staff,
        places,
        merchant_base,
        rider_roster,
        customer_base,
    )
    step(
        "after the orders",
        tail.build,
        demo,
        history,
        staff,
        merchant_base,
        rider_roster,
        customer_base,
        pii_grants,
    )


@dataclass
class SeedRun:
    """The runner's record of one load (the steps never see it): what the
    bookkeeping row says, and the timings and row counts the command prints."""

    plan: Plan
    seed: int
    now: datetime
    writer: Writer
    step: str | None = None
    committed_steps: list = field(default_factory=list)
    step_seconds: dict = field(default_factory=dict)
    elapsed: float = 0.0


class _Stopped(Exception):
    """The last step asked for (``until``) is done."""


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


def _write_marker(record, status):
    value = {
        "scale": record.plan.name,
        "seed": record.seed,
        "as_of": record.now.isoformat(),
        "status": status,
        "step": record.step,
        "steps_done": record.committed_steps,
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
                    record.now,
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


def run(plan, seed, now, reset=False, log=print, until=None):
    """Load the demo data (the steps up to and including ``until`` if
    given); returns the ``SeedRun`` (its writer has the row counts)."""
    if until is not None and until not in STEPS:
        raise ValueError(f"no demo step {until!r}: the steps are {', '.join(STEPS)}")
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
    record = SeedRun(plan, seed, now, writer)
    with _audit_actor(seed):
        demo = Demo(seed, plan, now, writer, log=log, taken_mobiles=_taken_mobiles())
        _load(demo, record, until, log)
        if until is None:
            # Sealed as the daily `partitions` run seals a live trail, so the
            # audit page has a sealing to show from the first start on.
            log(seal_after_partition_upkeep(connection))
    return record


def _load(demo, record, until, log):
    started = time.monotonic()
    if record.plan.small:
        with transaction.atomic():
            _run_steps(demo, record, until, log, _small_step)
            record.step = None
            _write_marker(record, "complete")
    else:
        with transaction.atomic():
            _write_marker(record, "loading")
        _run_steps(demo, record, until, log, _city_step)
        record.step = None
        with transaction.atomic():
            _write_marker(record, "complete")
    record.elapsed = time.monotonic() - started


def _run_steps(demo, record, until, log, run_one):
    def step(name, function, *arguments):
        record.step = name
        result = run_one(record, name, lambda: _timed(record, name, function, arguments, log))
        record.committed_steps.append(name)
        if name == until:
            raise _Stopped
        return result

    with contextlib.suppress(_Stopped):
        _wire(demo, step)


def _small_step(record, name, run_step):
    result = run_step()
    # Run the checks deferred to commit now, so a failure names its step.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return result


def _city_step(record, name, run_step):
    with transaction.atomic():
        _write_marker(record, "loading")
    if name in BATCHED:
        # Fresh statistics for the tables the previous steps filled,
        # so the triggers' queries plan for their real size.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        result = run_step()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return result
    with transaction.atomic():
        return run_step()


def _timed(record, name, function, arguments, log):
    step_started = time.monotonic()
    result = function(*arguments)
    record.step_seconds[name] = time.monotonic() - step_started
    if not record.plan.small:
        log(f"{name}: done in {record.step_seconds[name]:.1f}s")
    return result
