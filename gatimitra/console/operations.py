"""The database operations pages: migration history, drift, partitions,
roles and grants, backups and the audit trail's health.

Only staff with ``gatimitra.administer_database`` open them (SUPER_ADMIN's
``*.*`` grants it; READ_ONLY_AUDITOR's ``*.view_*`` does not). They only
read, except the drift check, which reads the live catalog and the
reference database the migrations build. Every look and every run is a
``ConsoleEvent`` row, which the audit trigger copies into
``audit.system_audit_logs`` with the staff user as actor.

What another part of the platform provides is reached through one small
adapter each, so the pages keep working while it changes: the roles matrix
(``gatimitra/console/grants.py``), the backups (``find_backups``) and the
audit trail's health (the ``console_audit_health`` attribute of an app
config, the audit app's).
"""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.module_loading import import_string

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.models import ConsoleEvent, MigrationHistory
from gatimitra.ops import partitions as partitioning

PERMISSION = "gatimitra.administer_database"

#: ``(url name, title, what it shows)`` of the operations pages, in order.
SECTIONS = [
    ("operations_migrations", "Migration history", "What migrate applied: checksums, time, who."),
    ("operations_drift", "Drift", "The live schemas against what the migrations build."),
    ("operations_partitions", "Partitions", "Time partitions, sizes, the next run's plan."),
    ("operations_roles", "Roles and grants", "Each database role's rights, policy vs live."),
    ("operations_backups", "Backups", "The last backup of each schema and its manifest."),
    ("operations_audit", "Audit trail", "The chains' last verification; tracked tables' triggers."),
]


def record(request, page, kind=ConsoleEvent.Kind.VIEW, **fields):
    """One ``ConsoleEvent`` (audited by its trigger) for a look or a run."""
    return ConsoleEvent.objects.create(kind=kind, page=page, user=request.user, **fields)


def _render(request, site, template, page, title, **context):
    record(request, page)
    context = {
        **site.each_context(request),
        "title": title,
        "sections": [
            {"title": name, "url": reverse(f"admin:{url}"), "about": about}
            for url, name, about in SECTIONS
        ],
        **context,
    }
    return TemplateResponse(request, f"admin/gatimitra/operations/{template}", context)


def index(request, site):
    return _render(request, site, "index.html", "index", "Database operations")


# Migration history ------------------------------------------------------------


def migrations_page(request, site, limit=200):
    history = list(MigrationHistory.objects.order_by("-id")[:limit])
    totals = MigrationHistory.objects.aggregate(rows=Count("id"))
    failed = MigrationHistory.objects.filter(success=False).count()
    return _render(
        request,
        site,
        "migrations.html",
        "migrations",
        "Migration history",
        history=history,
        limit=limit,
        total=totals["rows"],
        failed=failed,
        changelist=reverse("admin:gatimitra_migrationhistory_changelist"),
    )


# Drift --------------------------------------------------------------------------


def last_drift_checks():
    """``{schema: ConsoleEvent or None}``: the last check_drift run of each."""
    found = dict.fromkeys(DOMAIN_SCHEMAS)
    for event in (
        ConsoleEvent.objects.filter(kind=ConsoleEvent.Kind.DRIFT_CHECK)
        .order_by("schema", "-id")
        .distinct("schema")
    ):
        found[event.schema] = event
    return found


def run_drift_check(request, schema):
    """``manage.py check_drift --schema <schema>``, recorded with its output."""
    out = io.StringIO()
    try:
        call_command("check_drift", schema=[schema], stdout=out)
        ok, summary = True, out.getvalue().strip().splitlines()[-1]
    except CommandError as error:
        ok, summary = False, str(error)
    lines = [line.strip() for line in out.getvalue().splitlines() if line.startswith("  ")]
    return record(
        request,
        "drift",
        ConsoleEvent.Kind.DRIFT_CHECK,
        schema=schema,
        ok=ok,
        summary=summary,
        details={"differences": lines},
    )


def drift_page(request, site):
    if request.method == "POST":
        wanted = request.POST.get("schema", "")
        schemas = DOMAIN_SCHEMAS if wanted == "*" else [wanted]
        if not set(schemas) <= set(DOMAIN_SCHEMAS):
            messages.error(request, f"No domain schema {wanted!r}: nothing was checked.")
        else:
            for schema in schemas:
                event = run_drift_check(request, schema)
                level = messages.SUCCESS if event.ok else messages.WARNING
                messages.add_message(request, level, f"{schema}: {event.summary}")
        return HttpResponseRedirect(reverse("admin:operations_drift"))
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _render(
        request,
        site,
        "drift.html",
        "drift",
        "Drift",
        checks=sorted(last_drift_checks().items()),
    )


# Partitions -----------------------------------------------------------------------


def partition_report(now=None):
    """Per partitioned table: its partitions (range, rows by the planner's
    estimate, size) and what ``manage.py partitions`` would do at ``now``."""
    now = now or datetime.now(UTC)
    report = []
    with connection.cursor() as cursor:
        for table in partitioning.tables():
            managed, default = partitioning.attached_partitions(cursor, table)
            names = [*sorted(managed), *([default] if default else [])]
            cursor.execute(
                "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = ANY(%s)",
                [table.schema, names],
            )
            facts = {name: (rows, size) for name, rows, size in cursor.fetchall()}
            parts = [
                {
                    "name": name,
                    "start": managed[name][0] if name in managed else None,
                    "end": managed[name][1] if name in managed else None,
                    "rows": max(facts.get(name, (0, 0))[0], 0),
                    "size": facts.get(name, (0, 0))[1],
                    "default": name == default,
                }
                for name in names
            ]
            report.append(
                {
                    "label": table.label,
                    "interval": table.spec.interval,
                    "retention": table.retention,
                    "partitions": parts,
                    "size": sum(part["size"] for part in parts),
                    "plan": [action.describe() for action in partitioning.plan(cursor, table, now)],
                }
            )
    return report


def partitions_page(request, site):
    return _render(
        request,
        site,
        "partitions.html",
        "partitions",
        "Partitions",
        tables=partition_report(),
    )


# Roles and grants ----------------------------------------------------------------------


def roles_page(request, site):
    from gatimitra.console import grants

    return _render(
        request,
        site,
        "roles.html",
        "roles",
        "Roles and grants",
        matrix=grants.probe_matrix(connection),
        pending=grants.pending(connection),
    )


# Backups ---------------------------------------------------------------------------------


def _verification(manifest_path, manifest):
    """ "signed" when the manifest's signature and the dump's size check out
    under this deployment's backup key, else why not (restore_schema also
    hashes the whole dump; this page does not read it)."""
    from gatimitra.ops import backup

    dump = Path(str(manifest_path)[: -len(".json")])
    try:
        backup.load_manifest(dump, manifest.get("kind"), hash_dump=False)
    except backup.BackupError as exc:
        return f"not verified: {exc}"
    return "signed"


def _taken_at(path, manifest):
    # The manifest says when the dump was taken; a copied file's mtime does not.
    try:
        return datetime.fromisoformat(manifest["created_at"])
    except (KeyError, TypeError, ValueError):
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _schemas_covered(manifest):
    """``{schema: its tables' facts}`` a manifest covers: one schema for
    ``backup_schema``, every schema dumped for ``backup_database``."""
    if not isinstance(manifest, dict):
        return {}
    if manifest.get("kind") == "database":
        schemas = manifest.get("schemas")
        return schemas if isinstance(schemas, dict) else {}
    if manifest.get("schema"):
        return {manifest["schema"]: manifest.get("tables", {})}
    return {}


def find_backups():
    """``(directory, {schema: newest backup covering it})`` from the backup
    directory (``GATIMITRA_BACKUP_DIR``): ``backup_schema`` writes
    ``<file>.dump`` and its manifest ``<file>.dump.json``, ``backup_database``
    the same for every schema at once. The adapter between this page and
    gatimitra/ops/backup.py: the manifest's fields are read as they are;
    ``verified`` is its signature and the dump's size under this
    deployment's key."""
    directory = getattr(settings, "GATIMITRA_BACKUP_DIR", None)
    if not directory or not Path(directory).is_dir():
        return directory, {}
    newest = {}
    for path in sorted(Path(directory).rglob("*.json")):
        try:
            manifest = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        covered = _schemas_covered(manifest)
        if not covered:
            continue
        taken = _taken_at(path, manifest)
        verified = None
        for schema, tables in covered.items():
            if schema in newest and taken <= newest[schema]["taken_at"]:
                continue
            if verified is None:
                verified = _verification(path, manifest)
            newest[schema] = {
                "file": str(path)[: -len(".json")],
                "kind": manifest.get("kind", "schema"),
                "taken_at": taken,
                "tables": len(tables),
                "rows": sum(t.get("rows", 0) for t in tables.values()),
                "requires": manifest.get("requires", {}).get("schemas", []),
                "verified": verified,
                "manifest": json.dumps(manifest, indent=1, default=str)[:4000],
            }
    return directory, newest


def backups_page(request, site):
    directory, found = find_backups()
    return _render(
        request,
        site,
        "backups.html",
        "backups",
        "Backups",
        directory=directory,
        backups=[(schema, found.get(schema)) for schema in DOMAIN_SCHEMAS],
    )


# The audit trail ----------------------------------------------------------------------------


def audit_health():
    """What the audit app reports on its trail (its AppConfig's
    ``console_audit_health``): ``{"tables": [...], "verification": ...}``."""
    for config in apps.get_app_configs():
        dotted = getattr(config, "console_audit_health", None)
        if dotted:
            return import_string(dotted)(connection)
    return None


def audit_page(request, site):
    return _render(
        request,
        site,
        "audit.html",
        "audit",
        "Audit trail",
        health=audit_health(),
    )
