"""Benchmark: the busiest admin pages, against the bare SQL they run.

Run: .venv/bin/python benchmarks/admin_pages.py [--runs N] [--page NAME ...]

Opens each page through Django's full request stack (middleware, session,
view, template) as a superuser (and the home page also as a
CITY_OPS_MANAGER scoped to the city with the most orders, when the roles are
seeded), on whatever data DATABASE_URL's database holds (a city-scale
``seed_demo``, or fixtures and factories), and prints for each page:

  * its query count,
  * p50 and p95 of the page's latency over N runs (after 2 warm-up runs),
  * p50 and p95 of the same SQL statements replayed directly through
    psycopg on a second connection (what the page would cost if Django,
    the admin and the template took no time),
  * p50 of the Python process's CPU time per page (Django, the admin and
    the templates; what a loaded machine inflates least),
  * the row counts of the tables the pages list (exact up to 1M rows, the
    planner's estimate above).

Nothing is written: the superuser and its session live in a transaction
that is rolled back at the end. Timings are printed, never asserted.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from audit.models import OrderAuditLog  # noqa: E402
from customers.models import (  # noqa: E402
    Customer,
    CustomerNotification,
    CustomerTicket,
)
from gatimitra.admin import planner_row_estimate  # noqa: E402
from gatimitra.db.tables import split_table  # noqa: E402
from gatimitra.enums import OrderStatus  # noqa: E402
from merchants.models import MerchantStore, MerchantStorePayout  # noqa: E402
from orders.models import Order, OrderPayment  # noqa: E402
from riders.models import LocationLog, Rider, RiderLiveStatus  # noqa: E402

EXACT_UP_TO = 1_000_000
#: Statements that only frame a transaction: not part of what a page needs.
FRAMING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def changelist(model, **params):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), params


def change(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]), {}


def newest(model, **filters):
    return model._default_manager.filter(**filters).order_by("-pk").first()


def pages():
    """``{name: (url, params) or None}``: None when the data has nothing to show."""
    order = newest(Order, items__isnull=False) or newest(Order)
    customer = newest(Customer, mobile__isnull=False)
    rider = newest(Rider)
    ping = newest(LocationLog)
    settled = newest(Order, status=OrderStatus.DELIVERED)
    # In flight with a rider on the way: dispatch offers, an assignment and
    # a longer timeline than a new order's.
    in_transit = newest(Order, status=OrderStatus.IN_TRANSIT, service_type="FOOD")
    return {
        "home page (live figures)": (reverse("admin:index"), {}),
        "orders section page": (reverse("admin:app_list", args=["orders"]), {}),
        "orders changelist": changelist(Order),
        "orders in flight, one status": changelist(
            Order, status__exact=OrderStatus.IN_TRANSIT, service_type__exact="FOOD"
        ),
        "settled order page (read-only)": change(settled) if settled else None,
        "order change page (inlines)": change(order) if order else None,
        "order in transit page": change(in_transit) if in_transit else None,
        "customers changelist": changelist(Customer),
        "customers search by mobile": (
            changelist(Customer, q=customer.mobile[-10:]) if customer else None
        ),
        "riders changelist": changelist(Rider),
        "riders search by mobile": changelist(Rider, q=rider.mobile) if rider else None,
        "stores changelist": changelist(MerchantStore),
        "location logs of one rider": (
            changelist(LocationLog, rider__id__exact=ping.rider_id) if ping else None
        ),
        "customer notifications changelist": changelist(CustomerNotification),
        "order audit log changelist": changelist(OrderAuditLog),
        "payments changelist": changelist(OrderPayment),
        "rider live status changelist": changelist(RiderLiveStatus),
        "store payouts changelist": changelist(MerchantStorePayout),
        "tickets changelist": changelist(CustomerTicket),
    }


def city_manager():
    """A staff user holding CITY_OPS_MANAGER in the city with the most
    orders, or None when the roles are not seeded."""
    from access_mgmt.choices import ScopeType, SystemUserStatus
    from access_mgmt.models import SystemRole, UserAccessScope, UserRole

    role = SystemRole.objects.filter(code="CITY_OPS_MANAGER").first()
    busiest = Order.objects.values("city").annotate(n=Count("id")).order_by("-n").first()
    if role is None or busiest is None:
        return None
    user = get_user_model().objects.create_user(
        email="benchmark.city@gatimitra.local",
        password=None,
        full_name="Benchmark city manager",
        is_staff=True,
        status=SystemUserStatus.ACTIVE,
    )
    assignment = UserRole.objects.create(user=user, role=role)
    UserAccessScope.objects.create(
        user_role=assignment, scope_type=ScopeType.CITY, city_id=busiest["city"]
    )
    return user


TABLES: tuple[type[models.Model], ...] = (
    Order,
    Customer,
    Rider,
    MerchantStore,
    LocationLog,
    CustomerNotification,
)
TABLES += (OrderAuditLog, OrderPayment)


def row_count(model):
    estimate = planner_row_estimate(model._default_manager.all())
    if estimate > EXACT_UP_TO:
        return f"~{estimate:,}"
    return f"{model._default_manager.count():,}"


def percentiles(seconds):
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


#: Production settings redirect plain HTTP to HTTPS (SECURE_SSL_REDIRECT):
#: the pages are asked for as a browser behind TLS would, so DEBUG off is
#: measured with its real security settings rather than with them turned off.
HTTPS = {"secure": True}


def time_page(client, url, params, runs):
    for _ in range(2):
        response = client.get(url, params, **HTTPS)
        assert response.status_code == 200, (url, params, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params, **HTTPS)
    statements = [
        query["sql"] for query in captured.captured_queries if not query["sql"].startswith(FRAMING)
    ]
    seconds, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url, params, **HTTPS)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statements, seconds, cpu


def replay(sql_connection, statements, runs):
    seconds = []
    with sql_connection.cursor() as cursor:
        for _ in range(2 + runs):
            started = time.perf_counter()
            for sql in statements:
                cursor.execute(sql.encode())
                if cursor.description:
                    cursor.fetchall()
            seconds.append(time.perf_counter() - started)
    return seconds[2:]


def replay_connection():
    db = settings.DATABASES["default"]
    options = {"dbname": db["NAME"], "user": db["USER"], "autocommit": True}
    for key, setting in (("host", "HOST"), ("port", "PORT"), ("password", "PASSWORD")):
        if db.get(setting):
            options[key] = db[setting]
    return psycopg.connect(**options, options="-c search_path=public")


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    host = settings.DATABASES["default"].get("HOST") or "embedded (Unix socket)"
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, Django {django.__version__}, "
        f"PostgreSQL {server} at {host}, database {settings.DATABASES['default']['NAME']}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per page (default 20)")
    parser.add_argument("--page", action="append", help="only pages whose name contains this")
    parser.add_argument(
        "--sql", action="store_true", help="also print each statement with its median replay time"
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    print(machine())
    rows = (f"{split_table(m._meta.db_table)[1]} {row_count(m)}" for m in TABLES)
    print("Rows: " + ", ".join(rows))
    print(f"{args.runs} runs per page after 2 warm-up runs; milliseconds.\n")
    header = (
        f"{'page':36} {'queries':>7} {'page p50':>9} {'p95':>7} {'SQL p50':>8} {'p95':>7}"
        f" {'CPU p50':>8}"
    )
    print(header)
    print("-" * len(header))
    sql_connection = replay_connection()
    with transaction.atomic():
        user = get_user_model().objects.create_superuser(
            email="benchmark.admin@gatimitra.local", password=None, full_name="Benchmark"
        )
        client = Client()
        client.force_login(user)
        targets = [(name, target, client) for name, target in pages().items()]
        manager = city_manager()
        if manager is not None:
            scoped = Client()
            scoped.force_login(manager)
            targets.append(("home page, city ops manager", (reverse("admin:index"), {}), scoped))
        else:
            print("(no CITY_OPS_MANAGER role seeded: the city-scoped home page is not measured)")
        for name, target, client in targets:
            if args.page and not any(part in name for part in args.page):
                continue
            if target is None:
                print(f"{name:36} (no rows to show)")
                continue
            url, params = target
            statements, page_seconds, cpu_seconds = time_page(client, url, params, args.runs)
            sql_seconds = replay(sql_connection, statements, args.runs)
            page_p50, page_p95 = percentiles(page_seconds)
            sql_p50, sql_p95 = percentiles(sql_seconds)
            cpu_p50, _ = percentiles(cpu_seconds)
            print(
                f"{name:36} {len(statements):7} {page_p50:9.1f} {page_p95:7.1f} "
                f"{sql_p50:8.1f} {sql_p95:7.1f} {cpu_p50:8.1f}"
            )
            if args.sql:
                for sql in statements:
                    median, _ = percentiles(replay(sql_connection, [sql], 5))
                    print(f"    {median:7.2f} ms  {sql[:160]}")
        transaction.set_rollback(True)
    sql_connection.close()


if __name__ == "__main__":
    main()
