from django.core.management import BaseCommand
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.writer import MigrationWriter

from audit.checks import _effective_tracking
from audit.operations import TrackChanges, UntrackChanges
from audit.tracked import TRACKED


class Command(BaseCommand):
    # Its job is to fix what the audit checks report; don't block on them.
    requires_system_checks = []
    help = (
        "Write the audit migration that makes the installed audit triggers match "
        "audit/tracked.py (the one definition they are generated from)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-n", "--name", default=None, help="Migration name suffix.")
        parser.add_argument("--check", action="store_true", help="Exit 1 if one is needed.")

    def handle(self, *args, name, check, **options):
        installed = _effective_tracking()
        wanted = {track.key: track for track in TRACKED}
        operations = [
            UntrackChanges(model, log, subject, personal, per_statement=True)
            for (model, log, subject, personal) in sorted(installed - set(wanted))
        ] + [
            TrackChanges(t.model, t.log_table, t.subject, t.personal, per_statement=True)
            for key, t in sorted(wanted.items())
            if key not in installed
        ]
        if not operations:
            self.stdout.write("Audit triggers match audit/tracked.py.")
            return
        if check:
            self.stdout.write(f"{len(operations)} audit trigger change(s) need a migration.")
            raise SystemExit(1)
        loader = MigrationLoader(None, ignore_no_migrations=True)
        leaves = dict(loader.graph.leaf_nodes())
        apps_touched = sorted({op.model.split(".")[0] for op in operations} - {"audit"})
        audit_leaf = leaves["audit"]
        number = int(audit_leaf[:4]) + 1
        migration = migrations.Migration(
            f"{number:04d}_{name or 'track_' + '_'.join(apps_touched)}", "audit"
        )
        migration.dependencies = [("audit", audit_leaf)] + [
            (label, leaves[label]) for label in apps_touched
        ]
        migration.operations = operations
        writer = MigrationWriter(migration)
        with open(writer.path, "w") as handle:
            handle.write(writer.as_string())
        self.stdout.write(f"Wrote {writer.path} ({len(operations)} operation(s)).")
