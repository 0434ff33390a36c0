"""The admin as GatiMitra's operations console (gatimitra/admin_site.py):
its sections and groups, who sees which, the sidebar, finding a page, and
the home page's live figures."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from access_mgmt.backends import forget_access
from access_mgmt.choices import ScopeType
from access_mgmt.factories import UserAccessScopeFactory, UserRoleFactory
from access_mgmt.models import SystemRole
from gatimitra.admin_site import GatimitraAdminSite
from gatimitra.enums import OrderStatus, ServiceType
from orders.factories import (
    FoodOrderFactory,
    RideOrderFactory,
    ServiceCityFactory,
    ServiceZoneFactory,
)

pytestmark = pytest.mark.django_db

DOMAINS = ["orders", "riders", "merchants", "customers", "access_mgmt", "audit"]


def _sections(response):
    return [section["app_label"] for section in response.context["app_list"]]


def test_the_site_is_gatimitras(client, superuser):
    assert isinstance(admin.site, GatimitraAdminSite)
    client.force_login(superuser)
    page = client.get(reverse("admin:index")).content.decode()
    assert "GatiMitra operations" in page
    assert "Django administration" not in page


def test_domains_are_sections_in_order_with_descriptions(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    sections = _sections(response)
    assert sections[: len(DOMAINS)] == DOMAINS
    for section in response.context["app_list"][: len(DOMAINS)]:
        assert section["description"], section["app_label"]


@pytest.mark.parametrize("label", DOMAINS)
def test_groups_are_the_models_package_files(client, superuser, label):
    """Each section's groups are its app's ``models/`` files, each with a
    description, each model in the group of the file defining it."""
    client.force_login(superuser)
    response = client.get(reverse("admin:app_list", args=[label]))
    (section,) = response.context["app_list"]
    files = {
        path.stem
        for path in Path(apps.get_app_config(label).path, "models").glob("*.py")
        if path.stem != "__init__"
    }
    groups = {group["key"]: group for group in section["groups"]}
    assert set(groups) == files
    for key, group in groups.items():
        assert group["description"], key
        for entry in group["models"]:
            assert entry["model"].__module__ == f"{label}.models.{key}"
    page = response.content.decode()
    assert all(f'id="group-{key}"' in page for key in groups)


@pytest.mark.parametrize("role", ["SUPPORT_AGENT", "FINANCE", "CITY_OPS_MANAGER"])
def test_each_role_sees_only_the_sections_it_grants(client, default_roles, staff_with_roles, role):
    user = staff_with_roles(role)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    granted = {
        model._meta.app_label
        for model in admin.site._registry
        if any(
            user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
            for action in ("view", "change", "add", "delete")
        )
    }
    assert set(_sections(response)) == granted
    assert granted != set(DOMAINS) | {"gatimitra"}, "the role should not see everything"
    for section in response.context["app_list"]:
        for entry in section["models"]:
            opts = entry["model"]._meta
            assert (
                user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
                or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
                or user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
            )


def _changelist_links(page):
    return set(re.findall(r'href="/admin/(\w+)/(\w+)/"', page))


def test_sidebar_lists_sections_and_only_the_current_sections_models(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:orders_order_changelist")).content.decode()
    start = page.index('id="nav-sidebar"')
    sidebar = page[start : page.index("</nav>", start)]
    links = _changelist_links(sidebar)
    assert {app for app, _ in links} == {"orders"}
    assert ("orders", "order") in links
    # Every section is reachable, and the order's group is the one open.
    for label in DOMAINS:
        assert f'href="/admin/{label}/"' in sidebar
    assert re.search(r'<details class="console-group" open><summary[^>]*>Orders</summary>', sidebar)
    assert sidebar.count("<details") == len(
        list(Path(apps.get_app_config("orders").path, "models").glob("[!_]*.py"))
    )


def test_find_a_page_searches_every_section(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:find"), {"q": "payout"})
    results = response.context["results"]
    found = {(r["app"]["app_label"], r["model"]["object_name"]) for r in results}
    assert ("merchants", "MerchantStorePayout") in found
    assert ("riders", "RiderPayout") in found
    # A model matches by its name or its group's (merchants' bank accounts
    # are in the Payouts group).
    assert all("payout" in f"{r['model']['name']} {r['group']['name']}".lower() for r in results)
    assert ("orders", "Order") not in found
    page = response.content.decode()
    assert reverse("admin:riders_riderpayout_changelist") in page


def test_find_shows_only_pages_the_user_may_open(client, default_roles, staff_with_roles):
    client.force_login(staff_with_roles("SUPPORT_AGENT"))
    response = client.get(reverse("admin:find"), {"q": "payout"})
    assert all(r["model"]["admin_url"] for r in response.context["results"]), (
        "a result without a page"
    )
    assert not any(r["app"]["app_label"] == "merchants" for r in response.context["results"])


# The home page's figures ------------------------------------------------------


def _panel(response, label, title):
    (section,) = [s for s in response.context["app_list"] if s["app_label"] == label]
    (panel,) = [p for p in section["panels"] if p.title == title]
    return panel


def test_home_page_counts_orders_in_flight_by_service_and_status(client, superuser):
    FoodOrderFactory(status=OrderStatus.CREATED)
    FoodOrderFactory(status=OrderStatus.CREATED)
    RideOrderFactory(status=OrderStatus.CREATED)
    FoodOrderFactory(status=OrderStatus.CANCELLED)  # settled: not in flight
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    panel = _panel(response, "orders", "Orders in flight")
    totals = {figure.label: figure.value for figure in panel.figures}
    assert totals == {
        ServiceType.FOOD.label: 2,
        ServiceType.PARCEL.label: 0,
        ServiceType.RIDE.label: 1,
    }
    ((label, cells),) = panel.table.rows
    assert label == "Created"
    assert [cell.value for cell in cells] == [2, 0, 1]
    # The figure is the changelist it links to.
    listed = client.get(cells[0].url)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 2

    hourly = _panel(response, "orders", "Orders per hour, last 24 hours")
    assert hourly.figures[0].value == 4
    assert client.get(hourly.figures[0].url).context["cl"].result_count == 4
    assert "<svg" in hourly.chart and f"{ServiceType.FOOD.label} (3)" in hourly.chart


def test_city_scoped_staff_see_their_cities_figures(client, default_roles, staff_with_roles):
    blr, hyd = ServiceZoneFactory(), ServiceZoneFactory(city=ServiceCityFactory())
    FoodOrderFactory(zone=blr, status=OrderStatus.CREATED)
    FoodOrderFactory(zone=hyd, status=OrderStatus.CREATED)
    FoodOrderFactory(zone=hyd, status=OrderStatus.CREATED)
    manager = staff_with_roles()
    assignment = UserRoleFactory(user=manager, role=SystemRole.objects.get(code="CITY_OPS_MANAGER"))
    UserAccessScopeFactory(user_role=assignment, scope_type=ScopeType.CITY, city=blr.city)
    forget_access(manager)
    client.force_login(manager)
    panel = _panel(client.get(reverse("admin:index")), "orders", "Orders in flight")
    assert {f.label: f.value for f in panel.figures}[ServiceType.FOOD.label] == 1


def test_home_page_shows_no_figures_the_user_may_not_see(client, default_roles, staff_with_roles):
    client.force_login(staff_with_roles("FINANCE"))
    response = client.get(reverse("admin:index"))
    for section in response.context["app_list"]:
        for panel in section["panels"]:
            for figure in panel.figures:
                if figure.url:
                    assert client.get(figure.url).status_code == 200, figure.url


# Schema pages -------------------------------------------------------------------


def test_schema_map_links_every_domain_with_its_cross_schema_keys(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:schema_map"))
    assert response.status_code == 200
    svg = str(response.context["svg"])
    assert svg.startswith("<svg") and "<script" not in svg
    for schema in DOMAINS:
        assert f'href="{reverse("admin:schema_domain", args=[schema])}"' in svg
    # orders.orders.customer_id → customers.customers: an arrow with its count.
    links = dict(response.context["links"])
    assert links[("orders", "customers")] >= 1
    assert f"{links[('orders', 'customers')]} foreign keys from orders to customers" in svg


def test_domain_diagram_links_tables_and_lists_enums(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:schema_domain", args=["orders"]))
    assert response.status_code == 200
    svg = str(response.context["svg"])
    assert 'id="entity-orders-orders"' in svg
    assert f'href="{reverse("admin:orders_order_changelist")}"' in svg
    # A table of another schema, linking to that schema's page.
    assert 'id="entity-customers-*"' in svg and ">customers<" in svg
    assert f'href="{reverse("admin:schema_domain", args=["customers"])}"' in svg
    tables = {table["name"]: table for table in response.context["tables"]}
    assert tables["orders"]["changelist"] == reverse("admin:orders_order_changelist")
    assert "<strong>Columns</strong>" in tables["orders"]["doc"]
    assert "<code>order_number</code>" in tables["orders"]["doc"]
    enums = {enum["name"]: enum for enum in response.context["enums"]}
    assert ("delivered", "Delivered") in enums["OrderStatus"]["values"]
    assert "orders.status" in enums["OrderStatus"]["columns"]


def test_domain_diagram_links_only_pages_the_user_may_open(client, default_roles, staff_with_roles):
    client.force_login(staff_with_roles("SUPPORT_AGENT"))
    response = client.get(reverse("admin:schema_domain", args=["merchants"]))
    assert response.status_code == 200
    tables = {table["name"]: table for table in response.context["tables"]}
    assert tables["merchant_store_payouts"]["changelist"] is None
    assert reverse("admin:merchants_merchantstorepayout_changelist") not in str(
        response.context["svg"]
    )


def test_unknown_schema_is_not_found(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:schema_domain", args=["public"])).status_code == 404


# Operations pages ------------------------------------------------------------------

OPERATIONS_PAGES = [
    "operations",
    "operations_migrations",
    "operations_drift",
    "operations_partitions",
    "operations_roles",
    "operations_backups",
    "operations_audit",
]


def _audit_entries(event):
    from audit.models import SystemAuditLog

    return SystemAuditLog.objects.filter(
        table_name="gatimitra_console_events", row_pk=str(event.pk)
    )


@pytest.mark.parametrize("name", OPERATIONS_PAGES)
def test_operations_pages_open_for_database_administrators_and_are_audited(client, superuser, name):
    from gatimitra.models import ConsoleEvent

    client.force_login(superuser)
    response = client.get(reverse(f"admin:{name}"))
    assert response.status_code == 200
    event = ConsoleEvent.objects.get()
    assert (event.kind, event.user) == (ConsoleEvent.Kind.VIEW, superuser)
    (entry,) = _audit_entries(event)
    assert entry.action == "INSERT"
    assert entry.actor_id == superuser.pk


@pytest.mark.parametrize("role", ["READ_ONLY_AUDITOR", "CITY_OPS_MANAGER", "SUPPORT_AGENT"])
def test_operations_pages_refuse_staff_without_the_permission(
    client, default_roles, staff_with_roles, role
):
    client.force_login(staff_with_roles(role))
    for name in OPERATIONS_PAGES:
        assert client.get(reverse(f"admin:{name}")).status_code == 403, name
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:operations") not in page


def test_super_admin_role_grants_the_operations_pages(client, default_roles, staff_with_roles):
    client.force_login(staff_with_roles("SUPER_ADMIN"))
    assert client.get(reverse("admin:operations_roles")).status_code == 200
    assert reverse("admin:operations") in client.get(reverse("admin:index")).content.decode()


def test_migration_history_shows_checksums_and_who(client, superuser):
    from gatimitra.models import MigrationHistory

    client.force_login(superuser)
    response = client.get(reverse("admin:operations_migrations"))
    rows = response.context["history"]
    assert rows, "migrate records every migration it applies"
    assert rows[0].sql_checksum[:10] in response.content.decode()
    assert response.context["total"] == MigrationHistory.objects.count()


def test_drift_check_runs_from_the_page_and_is_recorded(client, superuser):
    from gatimitra.models import ConsoleEvent

    client.force_login(superuser)
    response = client.post(reverse("admin:operations_drift"), {"schema": "riders"})
    assert response.status_code == 302
    check = ConsoleEvent.objects.get(kind=ConsoleEvent.Kind.DRIFT_CHECK)
    assert (check.schema, check.ok, check.user) == ("riders", True, superuser)
    assert _audit_entries(check).exists()
    page = client.get(reverse("admin:operations_drift"))
    checks = dict(page.context["checks"])
    assert checks["riders"] == check and checks["orders"] is None


def test_drift_refuses_an_unknown_schema(client, superuser):
    from gatimitra.models import ConsoleEvent

    client.force_login(superuser)
    client.post(reverse("admin:operations_drift"), {"schema": "public; drop"})
    assert not ConsoleEvent.objects.filter(kind=ConsoleEvent.Kind.DRIFT_CHECK).exists()


def test_partitions_page_shows_ranges_sizes_and_the_next_run(client, superuser):
    client.force_login(superuser)
    tables = {
        t["label"]: t for t in client.get(reverse("admin:operations_partitions")).context["tables"]
    }
    pings = tables["riders.location_logs"]
    assert pings["interval"] == "day"
    assert any(part["default"] for part in pings["partitions"])
    assert all(part["size"] >= 0 for part in pings["partitions"])
    assert isinstance(pings["plan"], list)


def test_roles_matrix_compares_live_grants_with_the_policy(client, superuser):
    from gatimitra.console import grants
    from gatimitra.ops import roles

    client.force_login(superuser)
    response = client.get(reverse("admin:operations_roles"))
    matrix = response.context["matrix"]
    assert matrix["operations"] == grants.OPERATIONS
    # The page lists what sync_db_roles --dry-run would run now.
    assert response.context["pending"] == [
        (change.target, change.statements) for change in roles.plan(connection)
    ]
    assert [row["role"] for row in matrix["rows"]] == roles.all_roles()
    for row in matrix["rows"]:
        for schema, cells in zip(matrix["schemas"], row["cells"], strict=True):
            for operation, cell in zip(matrix["operations"], cells, strict=True):
                kind = grants.target(schema, operation)
                assert cell["target"] == kind
                assert cell["expected"] == roles.expected(row["role"], schema, kind, operation)
                if not row["exists"]:
                    assert cell["live"] is None


def test_backups_page_reads_the_manifests(client, superuser, settings, tmp_path):
    import json

    from gatimitra.ops import backup

    settings.GATIMITRA_BACKUP_DIR = str(tmp_path)
    settings.GATIMITRA_BACKUP_KEY = "k" * 16 + "ey-for-the-console-test"
    dumps = {"riders": b"riders dump", "merchants": b"merchants dump"}
    for schema, body in dumps.items():
        (tmp_path / f"{schema}.dump").write_bytes(body)
        manifest = backup.sign(
            {
                "project": backup.PROJECT,
                "format": backup.FORMAT,
                "kind": "schema",
                "schema": schema,
                "tables": {f"{schema}.t": {"rows": 3}},
                "requires": {"schemas": ["orders"]},
                "dump_bytes": len(body),
                "dump_sha256": "not read by the page",
            }
        )
        (tmp_path / f"{schema}.dump.json").write_text(json.dumps(manifest))
    edited = json.loads((tmp_path / "merchants.dump.json").read_text())
    edited["tables"]["merchants.t"]["rows"] = 4
    (tmp_path / "merchants.dump.json").write_text(json.dumps(edited))
    client.force_login(superuser)
    backups = dict(client.get(reverse("admin:operations_backups")).context["backups"])
    assert backups["riders"]["rows"] == 3 and backups["riders"]["requires"] == ["orders"]
    assert backups["riders"]["verified"] == "signed"
    assert backups["merchants"]["verified"].startswith("not verified: ")
    assert "signature does not match" in backups["merchants"]["verified"]
    assert backups["orders"] is None


def test_audit_page_reports_a_disabled_trigger(client, superuser):
    from django.db import connection

    client.force_login(superuser)
    health = client.get(reverse("admin:operations_audit")).context["health"]
    assert health["tables"] and not health["broken"]
    with connection.cursor() as cursor:
        # One of the per-statement capture triggers is enough to lose changes;
        # the audit refuses that outside declared (and logged) maintenance.
        cursor.execute("SELECT audit.begin_maintenance('console test: a disabled trigger')")
        cursor.execute(f"ALTER TABLE riders.riders DISABLE TRIGGER {health['triggers'][1]}")
    health = client.get(reverse("admin:operations_audit")).context["health"]
    assert [row["table"] for row in health["broken"]] == ["riders.riders"]
    assert health["broken"][0]["state"] == "disabled"
    assert health["broken"][0]["triggers"] == [health["triggers"][1]]


def test_backups_page_counts_a_database_backup_for_every_schema_it_holds(
    client, superuser, settings, tmp_path
):
    import json

    from gatimitra.ops import backup

    settings.GATIMITRA_BACKUP_DIR = str(tmp_path)
    settings.GATIMITRA_BACKUP_KEY = "k" * 16 + "ey-for-the-console-test"

    def write(name, body, **fields):
        (tmp_path / f"{name}.dump").write_bytes(body)
        manifest = {
            "project": backup.PROJECT,
            "format": backup.FORMAT,
            "dump_bytes": len(body),
            "dump_sha256": "not read by the page",
            **fields,
        }
        (tmp_path / f"{name}.dump.json").write_text(json.dumps(backup.sign(manifest)))

    write(
        "riders-older",
        b"riders dump",
        kind="schema",
        schema="riders",
        created_at="2026-12-01T02:00:00+00:00",
        tables={"riders.t": {"rows": 3}},
    )
    write(
        "whole",
        b"database dump",
        kind="database",
        created_at="2026-12-02T02:00:00+00:00",
        schemas={"riders": {"riders.t": {"rows": 5}}, "orders": {"orders.t": {"rows": 7}}},
    )
    client.force_login(superuser)
    response = client.get(reverse("admin:operations_backups"))
    backups = dict(response.context["backups"])
    assert backups["riders"]["kind"] == "database" and backups["riders"]["rows"] == 5
    assert backups["orders"]["rows"] == 7 and backups["orders"]["verified"] == "signed"
    assert backups["orders"]["taken_at"].isoformat() == "2026-12-02T02:00:00+00:00"
    assert backups["merchants"] is None
    assert "(whole database)" in response.content.decode()


def test_payouts_due_count_only_unpaid_payouts_and_their_amounts(db):
    from decimal import Decimal

    from gatimitra.console.payouts import payouts_due_panel
    from gatimitra.enums import PayoutStatus
    from riders.factories import RiderPayoutFactory
    from riders.models import RiderPayout

    RiderPayoutFactory(status=PayoutStatus.SCHEDULED, amount=Decimal("100.00"))
    RiderPayoutFactory(status=PayoutStatus.SCHEDULED, amount=Decimal("250.00"))
    RiderPayoutFactory(status=PayoutStatus.ON_HOLD, amount=Decimal("40.00"))
    RiderPayoutFactory(status=PayoutStatus.CANCELLED, amount=Decimal("999.00"))
    panel = payouts_due_panel(admin.site, RiderPayout, RiderPayout.objects.all(), "amount")
    figures = {figure.label: figure.value for figure in panel.figures}
    assert figures == {"scheduled": 2, "on hold": 1, "failed": 0, "₹ not yet paid": "390"}
