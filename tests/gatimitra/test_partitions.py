"""Time-partitioned tables (docs/partitions.md): the migrations partition
them, ``manage.py partitions`` keeps their partitions, time-range queries
read only the partitions they need, and every rule of the tables still holds."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import PiiAccessLog, RiderAuditLog, SystemAuditLog
from customers.factories import CustomerNotificationFactory
from customers.models import CustomerNotification
from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops import partitions
from gatimitra.ops.catalog import snapshot
from gatimitra.ops.reference import database_url, reference_name
from orders.factories import OrderDispatchOfferFactory, OrderFactory
from orders.models import OrderDispatchOffer, OrderRiderAssignment, OrderTimeline
from riders.factories import LocationLogFactory, RiderFactory
from riders.models import LocationLog
from tests.fixtures.gatimitra import connect

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
UTC = datetime.UTC
#: A fixed "now" for the command: tests never depend on the wall clock.
NOW = datetime.datetime(2026, 3, 15, 10, 30, tzinfo=UTC)

PARTITIONED = {
    "riders.location_logs": "recorded_at",
    "orders.order_timeline": "created_at",
    "orders.order_dispatch_offers": "created_at",
    "customers.customer_notifications": "created_at",
    "audit.system_audit_logs": "created_at",
    "audit.merchant_audit_logs": "created_at",
    "audit.customer_audit_log": "created_at",
    "audit.rider_audit_logs": "created_at",
    "audit.order_audit_logs": "created_at",
    "audit.access_audit_logs": "created_at",
    "audit.pii_access_logs": "created_at",
}


def _at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def _run(now=NOW, **options):
    lines = []
    actions = partitions.run(connection, now=now, log=lines.append, **options)
    return actions, lines


def _partitions(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY 1",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _partition_of(model, pk):
    return model.objects.filter(pk=pk).extra(select={"part": "tableoid::regclass::text"})[0].part


def _plan(queryset):
    return queryset.explain()


# The migrations -------------------------------------------------------------------


def test_the_migrations_partition_every_table_by_range_with_a_default_partition():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.partrelid::regclass::text, p.partstrat, a.attname,
                   (SELECT array_agg(k.attname ORDER BY x.ord)
                      FROM pg_constraint con
                      CROSS JOIN unnest(con.conkey) WITH ORDINALITY x(num, ord)
                      JOIN pg_attribute k ON k.attrelid = con.conrelid AND k.attnum = x.num
                     WHERE con.conrelid = p.partrelid AND con.contype = 'p'),
                   (SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                     WHERE i.inhparent = p.partrelid
                       AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT')
            FROM pg_partitioned_table p
            JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
            """
        )
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    assert found == {
        table: ("r", key, ["id", key], f"{table.split('.')[1]}_default")
        for table, key in PARTITIONED.items()
    }


def test_every_partitioned_model_has_a_spec_matching_its_migration():
    specs = {
        f"{m._meta.db_table.replace(chr(34), '')}": m.partitioning.key
        for m in partitions.partitioned_models()
    }
    assert specs == PARTITIONED
    call_command("check", "--fail-level", "WARNING")  # gatimitra.E006


def test_rows_go_to_the_default_partition_before_any_time_partition_exists():
    log = LocationLogFactory()
    assert _partition_of(LocationLog, log.pk) == "riders.location_logs_default"


# The command ------------------------------------------------------------------------


def test_it_creates_the_current_and_the_premade_partitions_once():
    actions, lines = _run(only=["riders.location_logs", "orders.order_timeline"])
    assert _partitions("riders.location_logs") == [
        "location_logs_default",
        *[f"location_logs_p202603{day}" for day in range(15, 23)],  # today + 7 ahead
    ]
    assert _partitions("orders.order_timeline") == [
        "order_timeline_default",
        "order_timeline_p202603",
        "order_timeline_p202604",
        "order_timeline_p202605",
    ]
    assert "riders.location_logs: create location_logs_p20260315 [2026-03-15, 2026-03-16)" in (
        lines
    )
    assert len(actions) == 8 + 3
    assert _run(only=["riders.location_logs", "orders.order_timeline"]) == ([], [])


def test_premake_dry_run_and_the_command_line():
    actions, lines = _run(only=["audit.pii_access_logs"], premake=0, dry_run=True)
    assert [a.name for a in actions] == ["pii_access_logs_p202603"]
    assert lines == [
        "(dry run) audit.pii_access_logs: create pii_access_logs_p202603 [2026-03-01, 2026-04-01)"
    ]
    assert _partitions("audit.pii_access_logs") == ["pii_access_logs_default"]
    call_command(
        "partitions", "--table", "audit.pii_access_logs", "--premake", "1", "--now", NOW.isoformat()
    )
    assert _partitions("audit.pii_access_logs") == [
        "pii_access_logs_default",
        "pii_access_logs_p202603",
        "pii_access_logs_p202604",
    ]


def test_rows_already_in_the_default_partition_move_into_the_new_one():
    order = OrderFactory()  # its status trigger writes timeline rows now
    early = OrderTimeline.objects.create(order=order, status=order.status, note="early")
    with connection.cursor() as cursor:
        # Written before the partitions existed, stamped inside March 2026.
        cursor.execute(
            "INSERT INTO orders.order_timeline (order_id, event, status, actor_type, note, "
            "created_at, updated_at) SELECT %s, 'NOTE', %s, 'SYSTEM', 'march', t, t "
            "FROM generate_series(%s::timestamptz, %s, '1 day') t",
            [order.pk, order.status, _at(2026, 3, 1), _at(2026, 3, 31, 23)],
        )
    march = list(OrderTimeline.objects.filter(note="march").values_list("pk", flat=True))
    assert len(march) == 31
    _immediately()  # the command runs in a transaction of its own: no checks pending
    actions, lines = _run(only=["orders.order_timeline"], premake=0)
    assert [(a.name, a.rows_in_default) for a in actions] == [("order_timeline_p202603", 31)]
    assert lines == [
        "orders.order_timeline: create order_timeline_p202603 [2026-03-01, 2026-04-01), "
        "moving 31 row(s) out of the DEFAULT partition"
    ]
    assert {_partition_of(OrderTimeline, pk) for pk in march} == {"orders.order_timeline_p202603"}
    assert _partition_of(OrderTimeline, early.pk) == "orders.order_timeline_default"
    # The moved rows are still append-only, and the guards came back on DEFAULT.
    for pk in (march[0], early.pk):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            OrderTimeline.objects.filter(pk=pk).update(note="rewritten")


def test_past_rows_in_default_get_their_partitions_and_expire_like_the_rest(settings):
    """A table converted with its rows (or a command that did not run for a
    while) leaves past rows in DEFAULT: they get their own partitions,
    and those past the retention are detached in the same run."""
    order = OrderFactory()
    with connection.cursor() as cursor:
        for day in (_at(2025, 11, 3), _at(2025, 11, 20), _at(2026, 2, 10)):
            cursor.execute(
                "INSERT INTO orders.order_timeline (order_id, event, status, actor_type, note, "
                "created_at, updated_at) VALUES (%s, 'NOTE', %s, 'SYSTEM', 'before', %s, %s)",
                [order.pk, order.status, day, day],
            )
    _immediately()
    settings.GATIMITRA_PARTITION_RETENTION = {"orders.order_timeline": "2 months detach"}
    actions, _ = _run(only=["orders.order_timeline"], premake=0)
    assert [(a.verb, a.name, a.rows_in_default) for a in actions] == [
        ("create", "order_timeline_p202511", 2),
        ("create", "order_timeline_p202602", 1),
        ("create", "order_timeline_p202603", 0),
        ("detach", "order_timeline_p202511", 0),
    ]
    assert _partitions("orders.order_timeline") == [
        "order_timeline_default",
        "order_timeline_p202602",
        "order_timeline_p202603",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders.order_timeline_p202511")
        assert cursor.fetchone()[0] == 2
        cursor.execute(
            "SELECT count(*) FROM orders.order_timeline_default WHERE created_at < %s", [NOW]
        )
        assert cursor.fetchone()[0] == 0
    assert _run(only=["orders.order_timeline"], premake=0) == ([], [])


def test_expired_partitions_are_detached_or_dropped_per_setting(settings):
    _run(now=_at(2025, 12, 20), only=["riders.location_logs", "orders.order_timeline"])
    LocationLogFactory(recorded_at=_at(2025, 12, 21, 8))
    settings.GATIMITRA_PARTITION_RETENTION = {
        "riders.location_logs": "30 days drop",
        "orders.order_timeline": "2 months",
    }
    actions, lines = _run(only=["riders.location_logs", "orders.order_timeline"])
    expired = {(a.verb, a.name) for a in actions if a.verb != "create"}
    assert expired == {
        *{("drop", f"location_logs_p202512{day}") for day in range(20, 28)},
        ("detach", "order_timeline_p202512"),
    }
    assert "orders.order_timeline: detach order_timeline_p202512 [2025-12-01, 2026-01-01)" in lines
    # January's partitions end after the cutoff (2026-01-15 for the timeline).
    assert "order_timeline_p202601" in _partitions("orders.order_timeline")
    assert "location_logs_p20251220" not in _partitions("riders.location_logs")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass('riders.location_logs_p20251221'), c.relispartition, "
            "obj_description(c.oid, 'pg_class') FROM pg_class c "
            "WHERE c.oid = 'orders.order_timeline_p202512'::regclass"
        )
        dropped, is_partition, comment = cursor.fetchone()
    assert dropped is None
    assert is_partition is False
    assert "detached on 2026-03-15 after the retention (2 months detach)" in comment
    assert _run(only=["riders.location_logs", "orders.order_timeline"]) == ([], [])


def test_a_detached_archive_of_an_append_only_table_stays_append_only(settings):
    _run(now=_at(2025, 12, 20), only=["orders.order_timeline"], premake=0)
    order = OrderFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders.order_timeline (order_id, event, status, actor_type, note, "
            "created_at, updated_at) VALUES (%s, 'NOTE', %s, 'SYSTEM', 'december', %s, %s)",
            [order.pk, order.status, _at(2025, 12, 21), _at(2025, 12, 21)],
        )
    _immediately()
    settings.GATIMITRA_PARTITION_RETENTION = {"orders.order_timeline": "2 months detach"}
    actions, _ = _run(only=["orders.order_timeline"], premake=0)
    assert ("detach", "order_timeline_p202512") in {(a.verb, a.name) for a in actions}
    with connection.cursor() as cursor:
        for statement in (
            "UPDATE orders.order_timeline_p202512 SET note = 'rewritten'",
            "DELETE FROM orders.order_timeline_p202512",
        ):
            with pytest.raises(Exception, match="append-only"), transaction.atomic():
                cursor.execute(statement)
        cursor.execute("SELECT note FROM orders.order_timeline_p202512")
        assert cursor.fetchall() == [("december",)]


def test_the_command_line_overrides_the_expiry_action(settings):
    _run(now=_at(2025, 1, 5), only=["audit.system_audit_logs"], premake=0)
    settings.GATIMITRA_PARTITION_RETENTION = {"audit.system_audit_logs": "1 year"}
    call_command(
        "partitions", "--table", "audit.system_audit_logs", "--drop", "--now", NOW.isoformat()
    )
    assert "system_audit_logs_p202501" not in _partitions("audit.system_audit_logs")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('audit.system_audit_logs_p202501')")
        assert cursor.fetchone()[0] is None


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            {"riders.location_logs": "90 dayz"},
            "GATIMITRA_PARTITION_RETENTION['riders.location_logs']: '90 dayz' is not a retention",
        ),
        ({"riders.location_logs": "0 days"}, "'0 days' is not a retention"),
        (
            {"riders.location_logs": "90 days purge"},
            "'90 days purge' is not a retention",
        ),
        ({"riders.riders": "1 year"}, "names riders.riders, which is not partitioned"),
    ],
)
def test_a_bad_setting_is_a_clear_error_naming_table_and_value(settings, setting, message):
    settings.GATIMITRA_PARTITION_RETENTION = setting
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call_command("partitions", "--dry-run", "--now", NOW.isoformat())


def test_forever_keeps_everything(settings):
    settings.GATIMITRA_PARTITION_RETENTION = {"audit.pii_access_logs": "forever"}
    _run(now=_at(2019, 1, 1), only=["audit.pii_access_logs"], premake=0)
    actions, _ = _run(only=["audit.pii_access_logs"], premake=0)
    assert [a.verb for a in actions] == ["create"]
    assert "pii_access_logs_p201901" in _partitions("audit.pii_access_logs")


def test_retention_arithmetic_is_calendar_aware():
    retention = partitions.Retention.parse("13 months", "test")
    assert retention.cutoff(_at(2026, 3, 31, 12)) == _at(2025, 2, 28)
    assert partitions.Retention.parse("90 days drop", "t").cutoff(NOW) == _at(2025, 12, 15)
    assert str(partitions.Retention.parse("7 years", "t")) == "7 years detach"


# Pruning: a time-range query reads only the partitions it needs ----------------------


def test_a_riders_trail_reads_only_that_days_partition():
    _run(only=["riders.location_logs"])
    rider = RiderFactory()
    for hour in range(0, 24 * 5, 3):  # 2026-03-15 .. 03-19
        LocationLogFactory(
            rider=rider, recorded_at=_at(2026, 3, 15) + datetime.timedelta(hours=hour)
        )
    trail = LocationLog.objects.trail(rider, _at(2026, 3, 17, 6), _at(2026, 3, 17, 18))
    plan = _plan(trail)
    assert "location_logs_p20260317" in plan, plan
    others = [p for p in _partitions("riders.location_logs") if p != "location_logs_p20260317"]
    assert [p for p in others if p in plan] == [], plan
    assert len(list(trail)) == 4
    assert {_partition_of(LocationLog, p.pk) for p in trail} == {"riders.location_logs_p20260317"}


def test_a_trail_across_midnight_reads_two_partitions():
    _run(only=["riders.location_logs"])
    rider = RiderFactory()
    plan = _plan(LocationLog.objects.trail(rider, _at(2026, 3, 16, 22), _at(2026, 3, 17, 2)))
    assert "location_logs_p20260316" in plan and "location_logs_p20260317" in plan, plan
    assert "location_logs_p20260318" not in plan and "location_logs_default" not in plan, plan


def test_an_audit_month_reads_only_that_months_partition():
    _run(now=_at(2026, 2, 10), only=["audit.system_audit_logs"], premake=3)
    month = SystemAuditLog.objects.filter(
        created_at__gte=_at(2026, 3, 1), created_at__lt=_at(2026, 4, 1)
    )
    plan = _plan(month)
    assert "system_audit_logs_p202603" in plan, plan
    for other in ("p202602", "p202604", "p202605", "default"):
        assert f"system_audit_logs_{other}" not in plan, plan


def test_an_orders_timeline_in_a_range_reads_only_the_matching_partitions():
    _run(now=_at(2026, 1, 1), only=["orders.order_timeline"], premake=4)
    plan = _plan(
        OrderTimeline.objects.filter(
            order_id=1, created_at__gte=_at(2026, 2, 10), created_at__lt=_at(2026, 3, 10)
        )
    )
    assert "order_timeline_p202602" in plan and "order_timeline_p202603" in plan, plan
    for other in ("p202601", "p202604", "p202605", "default"):
        assert f"order_timeline_{other}" not in plan, plan


def test_an_open_ended_range_still_reads_the_default_partition():
    # Rows outside every partition live in DEFAULT: a range it may hold
    # must read it (nothing is lost by pruning).
    _run(only=["riders.location_logs"], premake=0)
    plan = _plan(LocationLog.objects.filter(recorded_at__gte=_at(2026, 3, 15)))
    assert "location_logs_p20260315" in plan and "location_logs_default" in plan, plan


# Writes through the ORM and the triggers ----------------------------------------------


def test_orm_and_trigger_writes_land_in_the_current_partitions():
    _run(now=timezone.now(), premake=0)
    this_month = timezone.now().astimezone(UTC).strftime("%Y%m")
    today = timezone.now().astimezone(UTC).strftime("%Y%m%d")
    rider = RiderFactory()  # the audit trigger logs it
    ping = LocationLogFactory(rider=rider, recorded_at=timezone.now())
    order = OrderFactory()  # the status trigger writes its timeline
    assert _partition_of(LocationLog, ping.pk) == f"riders.location_logs_p{today}"
    entry = RiderAuditLog.objects.filter(table_name="riders", row_pk=str(rider.pk)).first()
    assert _partition_of(RiderAuditLog, entry.pk) == f"audit.rider_audit_logs_p{this_month}"
    timeline = order.timeline.get(event="STATUS_CHANGE")
    assert _partition_of(OrderTimeline, timeline.pk) == f"orders.order_timeline_p{this_month}"
    # The timeline's own guard still refuses a STATUS_CHANGE written by hand.
    with pytest.raises(IntegrityError, match="written by the status trigger"), transaction.atomic():
        OrderTimeline.objects.create(order=order, event="STATUS_CHANGE", status=order.status)
    # Append-only audit logs stay append-only, and TRUNCATE is still refused.
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        RiderAuditLog.objects.filter(pk=entry.pk).update(actor_label="someone else")
    with (
        pytest.raises(Exception, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit.rider_audit_logs")
    pii = PiiAccessLog.objects.create(
        actor_id=1,
        actor_label="ops",
        subject_type="CUSTOMER",
        subject_id=7,
        table_name="customers.customers",
        purpose="support call",
    )
    assert _partition_of(PiiAccessLog, pii.pk) == f"audit.pii_access_logs_p{this_month}"


def test_ids_stay_unique_and_the_admin_finds_rows_by_id(client, superuser):
    _run(now=timezone.now())
    offer = OrderDispatchOfferFactory()
    old = OrderDispatchOfferFactory()
    OrderDispatchOffer.objects.filter(pk=old.pk).update(created_at=_at(2019, 5, 1))
    assert offer.pk != old.pk
    client.force_login(superuser)
    for pk in (offer.pk, old.pk):
        response = client.get(f"/admin/orders/orderdispatchoffer/{pk}/change/")
        assert response.status_code == 200
    assert client.get("/admin/orders/orderdispatchoffer/").status_code == 200
    assert client.get("/admin/riders/locationlog/").status_code == 200


# The rules a partitioned table cannot keep as constraints --------------------------------


def _immediately():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_an_assignment_names_an_existing_offer_of_its_order_and_rider():
    offer, other = OrderDispatchOfferFactory(), OrderDispatchOfferFactory()
    assignment = OrderRiderAssignment.objects.create(
        order=offer.order, offer=offer, rider=offer.rider, vehicle=offer.rider.live_status.vehicle
    )
    _immediately()  # passes; from here on every check runs at once
    with pytest.raises(IntegrityError, match="was made to rider"), transaction.atomic():
        assignment.offer = other
        assignment.save()
        _immediately()
    with (
        pytest.raises(IntegrityError, match="offer 987654321 does not exist"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE orders.order_rider_assignments SET offer_id = 987654321 WHERE id = %s",
            [assignment.pk],
        )
        _immediately()
    with (
        pytest.raises(IntegrityError, match="is the offer of assignment"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM orders.order_dispatch_offers WHERE id = %s", [offer.pk])


def test_a_provider_message_id_is_recorded_once_across_partitions():
    _run(now=timezone.now())
    first = CustomerNotificationFactory(provider="FCM", provider_message_id="m-1")
    CustomerNotification.objects.filter(pk=first.pk).update(created_at=_at(2019, 1, 1))
    assert _partition_of(CustomerNotification, first.pk) == (
        "customers.customer_notifications_default"
    )
    with (
        pytest.raises(IntegrityError, match="FCM message m-1 is already recorded") as caught,
        transaction.atomic(),
    ):
        CustomerNotificationFactory(provider="FCM", provider_message_id="m-1")
    assert caught.value.__cause__.diag.constraint_name == (
        "customer_notifications_provider_message_uniq"
    )
    # Another provider may use the same id; a row may keep its own id.
    second = CustomerNotificationFactory(provider="MSG91", provider_message_id="m-1")
    second.status = "DELIVERED"
    second.delivered_at = timezone.now()
    second.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerNotification.objects.filter(pk=second.pk).update(provider="FCM")
    # Forms hear of it before the database does.
    duplicate = CustomerNotificationFactory.build(
        customer=second.customer,
        provider="FCM",
        provider_message_id="m-1",
        order=None,
        category="ACCOUNT_SECURITY",
    )
    with pytest.raises(ValidationError, match="already recorded"):
        duplicate.validate_constraints()


def test_one_transaction_records_more_provider_messages_than_the_lock_table_holds():
    """The uniqueness trigger's advisory locks are bounded per transaction
    (256 buckets): a bulk write larger than the server's nominal lock table
    (max_locks_per_transaction x connections) holds at most 256 of them. One
    lock per message id held one per row until commit, and the city-scale
    seed's notifications ran the server "out of shared memory"."""
    first = CustomerNotificationFactory(provider="FCM", provider_message_id="bulk-0")
    columns = [
        f'"{field.column}"'
        for field in CustomerNotification._meta.concrete_fields
        if field.column not in ("id", "provider_message_id")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_locks_per_transaction')::int * "
            "(current_setting('max_connections')::int "
            "+ current_setting('max_prepared_transactions')::int)"
        )
        rows = cursor.fetchone()[0] + 1_000
        cursor.execute(
            f"INSERT INTO customers.customer_notifications ({', '.join(columns)}, "
            f"provider_message_id) SELECT {', '.join(columns)}, 'bulk-' || n "
            "FROM customers.customer_notifications, generate_series(1, %s) AS n WHERE id = %s",
            [rows, first.pk],
        )
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        assert cursor.fetchone()[0] <= 256
    assert CustomerNotification.objects.filter(provider="FCM").count() == rows + 1
    duplicate = "FCM message bulk-7 is already recorded"
    with pytest.raises(IntegrityError, match=duplicate), transaction.atomic():
        CustomerNotificationFactory(provider="FCM", provider_message_id="bulk-7")


# Reversing the migrations ---------------------------------------------------------------


def _manage(name, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(connection, name)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.server_pass
def test_the_partitioning_migrations_reverse_and_reapply_keeping_rows(scratch_database):
    reference = reference_name(connection)
    name = scratch_database(template=reference, label="part")
    with connect(name) as conn:
        expected = snapshot(conn, ["public", *DOMAIN_SCHEMAS])
    _manage(name, "partitions", "--table", "riders.location_logs", "--now", NOW.isoformat())
    with connect(name) as conn:
        conn.execute(
            "INSERT INTO riders.location_logs (rider_id, recorded_at, latitude, longitude) "
            "SELECT 1, t, 12.9, 77.6 FROM generate_series(%s::timestamptz, %s, '6 hours') t",
            [_at(2026, 3, 14), _at(2026, 3, 17)],
        )
        conn.execute(
            "INSERT INTO audit.pii_access_logs (created_at, updated_at, action, actor_id, "
            "actor_label, subject_type, subject_id, table_name, fields, purpose, request_id) "
            "VALUES (now(), now(), 'VIEW_PII', 1, 'ops', 'CUSTOMER', 1, 't', '[]', 'p', '')"
        )
        before = conn.execute(
            "SELECT id, recorded_at FROM riders.location_logs ORDER BY id"
        ).fetchall()
    for app, previous in [
        ("riders", "0005"),
        ("audit", "0004"),
        ("orders", "0005"),
        ("customers", "0004"),
    ]:
        _manage(name, "migrate", app, previous)
    with connect(name) as conn:
        assert conn.execute("SELECT count(*) FROM pg_partitioned_table").fetchone()[0] == 0
        assert (
            conn.execute("SELECT id, recorded_at FROM riders.location_logs ORDER BY id").fetchall()
            == before
        )
        assert conn.execute("SELECT count(*) FROM audit.pii_access_logs").fetchone()[0] == 1
        # The offer is a real foreign key again; the identity goes on after the rows.
        assert (
            conn.execute(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                "AND confrelid = 'orders.order_dispatch_offers'::regclass"
            ).fetchone()[0]
            == 1
        )
        new_id = conn.execute(
            "INSERT INTO riders.location_logs (rider_id, recorded_at, latitude, longitude) "
            "VALUES (1, now(), 1, 1) RETURNING id"
        ).fetchone()[0]
        assert new_id == before[-1][0] + 1
        conn.execute("DELETE FROM riders.location_logs WHERE id = %s", [new_id])
    _manage(name, "migrate")
    with connect(name) as conn:
        assert conn.execute("SELECT count(*) FROM pg_partitioned_table").fetchone()[0] == len(
            PARTITIONED
        )
        rows = conn.execute(
            "SELECT id, recorded_at, tableoid::regclass::text FROM riders.location_logs ORDER BY id"
        ).fetchall()
        # Back as they were; the time partitions went with the reversal, so DEFAULT holds them.
        assert [row[:2] for row in rows] == before
        assert {row[2] for row in rows} == {"riders.location_logs_default"}
        after = snapshot(conn, ["public", *DOMAIN_SCHEMAS])
    assert expected.differences(after, "migrated", "reversed and reapplied") == []


def test_a_table_left_unpartitioned_is_a_clear_error():
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.gatimitra_rebuild_table('riders.location_logs', NULL)")
    with pytest.raises(CommandError, match=r"riders\.location_logs is not a partitioned table"):
        call_command("partitions", "--table", "riders.location_logs", "--now", NOW.isoformat())


def test_the_rebuild_names_what_stands_in_its_way():
    with (
        pytest.raises(
            Exception, match=r"orders\.orders: foreign keys point into it: .*order_timeline \("
        ),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT public.gatimitra_rebuild_table('orders.orders', 'created_at')")
    with (
        pytest.raises(Exception, match=r"unique index.* do not include the partition key"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT public.gatimitra_rebuild_table('riders.location_logs', NULL)")
        cursor.execute("CREATE UNIQUE INDEX location_logs_x ON riders.location_logs (rider_id, id)")
        cursor.execute(
            "SELECT public.gatimitra_rebuild_table('riders.location_logs', 'recorded_at')"
        )
