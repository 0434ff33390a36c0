from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.ops import backup
from gatimitra.ops.topology import requires_session


class Command(BaseCommand):
    help = (
        "Back up one domain schema (DDL and data) with pg_dump of the server's version, "
        "plus a manifest (row counts, checksums, what it needs from other schemas)."
    )

    def add_arguments(self, parser):
        parser.add_argument("schema")
        parser.add_argument("--output", "-o", required=True, help="The .dump file to write.")
        parser.add_argument(
            "--with-referenced-rows",
            action="store_true",
            help="Also keep the rows of other schemas it references (transitively).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    @requires_session
    def handle(self, *args, schema, output, with_referenced_rows, database, **options):
        try:
            manifest = backup.backup_schema(
                connections[database], schema, output, with_referenced_rows
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(facts["rows"] for facts in manifest["tables"].values())
        needs = ", ".join(manifest["requires"]["schemas"]) or "nothing else"
        self.stdout.write(
            f"Backed up {schema}: {len(manifest['tables'])} tables, {rows} rows -> {output} "
            f"(needs {needs}; {len(manifest['outside'])} objects outside it depend on it "
            "and come back with a restore)"
        )
        if manifest["cannot_restore"]:
            self.stderr.write(
                "Warning: restore_schema will refuse this backup: these objects outside "
                f"{schema} depend on it and cannot be recreated by it: "
                + "; ".join(manifest["cannot_restore"])
                + ". Drop or change them, or back up the whole database (backup_database)."
            )
