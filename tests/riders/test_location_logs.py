"""``location_logs``: a narrow row, partitioned by day; the "where was rider R
between t1 and t2" query runs off one index (each partition's copy of it);
the admin list stays cheap at millions of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from riders.factories import LocationLogFactory, RiderFactory
from riders.models import LocationLog

pytestmark = pytest.mark.django_db


def insert_pings(rider_ids, per_rider, start):
    """Bulk pings, one every 10 s per rider (as the app sends them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO "riders"."location_logs"
                (rider_id, recorded_at, latitude, longitude, accuracy_m, speed_kmph)
            SELECT r, %s + make_interval(secs => 10 * i), 12.97 + i * 0.00001, 77.59, 8, 20
            FROM unnest(%s::bigint[]) AS r, generate_series(1, %s) AS i
            """,
            [start, rider_ids, per_rider],
        )
        cursor.execute('ANALYZE "riders"."location_logs"')


def test_row_is_narrow_and_has_no_foreign_keys():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'riders' AND table_name = 'location_logs' "
            "ORDER BY ordinal_position"
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND "
            "(conrelid = 'riders.location_logs'::regclass "
            "OR confrelid = 'riders.location_logs'::regclass)"
        )
        foreign_keys = cursor.fetchall()
    # Fixed-width 8-byte columns first, then smallints, then the varlena ones.
    assert columns == [
        ("id", "bigint"),
        ("rider_id", "bigint"),
        ("recorded_at", "timestamp with time zone"),
        ("order_id", "bigint"),
        ("accuracy_m", "smallint"),
        ("speed_kmph", "smallint"),
        ("bearing_deg", "smallint"),
        ("battery_pct", "smallint"),
        ("latitude", "numeric"),
        ("longitude", "numeric"),
        ("order_status", "character varying"),
    ]
    assert foreign_keys == []


def test_trail_returns_one_riders_points_in_time_order():
    rider, other = RiderFactory(), RiderFactory()
    t0 = timezone.now() - datetime.timedelta(hours=1)
    minutes = [datetime.timedelta(minutes=m) for m in (30, 5, 20, 50)]
    for delta in minutes:
        LocationLogFactory(rider=rider, recorded_at=t0 + delta)
    LocationLogFactory(rider=other, recorded_at=t0 + datetime.timedelta(minutes=10))
    trail = LocationLog.objects.trail(
        rider, t0 + datetime.timedelta(minutes=5), t0 + datetime.timedelta(minutes=50)
    )
    assert [p.recorded_at - t0 for p in trail] == [
        datetime.timedelta(minutes=5),
        datetime.timedelta(minutes=20),
        datetime.timedelta(minutes=30),
    ]


def test_trail_is_one_range_scan_of_the_rider_time_index():
    riders = [RiderFactory() for _ in range(20)]
    start = timezone.now() - datetime.timedelta(hours=6)
    insert_pings([r.pk for r in riders], 600, start)
    query = LocationLog.objects.trail(
        riders[3],
        start + datetime.timedelta(hours=1),
        start + datetime.timedelta(hours=1, minutes=5),
    )
    plan = query.explain()
    # Partitioned: the scan is of a partition's copy of location_logs_rider_time.
    assert _uses_index(plan, "riders.location_logs_rider_time"), plan
    assert "Sort" not in plan, plan  # the index already yields recorded_at order
    assert len(list(query)) == 30


def _uses_index(plan, index):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_partition_tree(%s::regclass) t "
            "JOIN pg_class c ON c.oid = t.relid",
            [index],
        )
        names = [row[0] for row in cursor.fetchall()]
    return any(f"using {name} on" in plan.lower() for name in names)


def _changelist(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:riders_locationlog_changelist"), params)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_admin_list_costs_the_same_queries_whatever_the_row_count(client, superuser):
    client.force_login(superuser)
    LocationLogFactory.create_batch(3)
    _, few = _changelist(client)
    LocationLogFactory.create_batch(60)
    _, many = _changelist(client)
    assert len(many) == len(few)  # no per-row query


def test_admin_list_never_counts_a_big_table(client, superuser):
    client.force_login(superuser)
    riders = [RiderFactory() for _ in range(5)]
    insert_pings([r.pk for r in riders], 5_000, timezone.now() - datetime.timedelta(days=1))
    _, queries = _changelist(client)
    counts = [sql for sql in queries if "COUNT(" in sql.upper() and "location_logs" in sql]
    assert counts == []  # the planner's estimate (pg_class.reltuples) instead
    listing = next(sql for sql in queries if "location_logs" in sql and "LIMIT" in sql)
    assert 'ORDER BY "riders"."location_logs"."id" DESC' in listing

    # Filtered lists are counted, but only up to the cap.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    _, queries = _changelist(client, recorded_at__gte=str(midnight))
    counts = [sql for sql in queries if "COUNT(" in sql.upper() and "location_logs" in sql]
    assert counts and all("LIMIT 10000" in sql for sql in counts), counts


def test_admin_list_of_one_rider_is_ordered_by_the_index(client, superuser):
    client.force_login(superuser)
    rider = RiderFactory()
    LocationLogFactory.create_batch(3, rider=rider)
    response, queries = _changelist(client, rider__id__exact=rider.pk)
    listing = next(sql for sql in queries if "location_logs" in sql and "LIMIT" in sql)
    assert 'ORDER BY "riders"."location_logs"."recorded_at" DESC' in listing
    assert len(response.context["cl"].result_list) == 3
