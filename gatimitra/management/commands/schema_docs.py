from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.ops.reference import ensure_reference_database, raw_connection
from gatimitra.ops.schema_docs import generate


class Command(BaseCommand):
    help = (
        "Write docs/schema/<domain>.md and docs/schema/README.md from the models and the "
        "catalog of the reference database the migrations build (built if missing). "
        "--check writes nothing and exits non-zero listing the files that differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--live",
            action="store_true",
            help="Read the database itself instead of the reference database "
            "(it must be fully migrated; the tests use their test database).",
        )
        parser.add_argument(
            "--output-dir", default=None, help="Default: docs/schema in the project."
        )

    def handle(self, *args, check, database, live, output_dir, **options):
        root = Path(output_dir) if output_dir else Path(settings.BASE_DIR) / "docs" / "schema"
        connection = connections[database]
        if live:
            name = connection.settings_dict["NAME"]
        else:
            name = ensure_reference_database(connection, stdout=self.stderr)
        with raw_connection(connection, name) as catalog_connection:
            files = generate(catalog_connection, root)
        # Every page there is generated: one the generator no longer makes is stale.
        candidates = sorted(set(files) | {path.name for path in root.glob("*.md")})
        differing = []
        for relative in candidates:
            path = root / relative
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != files.get(relative):
                differing.append(relative)
        if check:
            if differing:
                listing = ", ".join(self._state(root, r, files) for r in differing)
                raise CommandError(
                    f"schema docs out of date: {listing}; run 'python manage.py schema_docs'"
                )
            self.stdout.write(f"Schema docs are current ({len(files)} files in {root}).")
            return
        root.mkdir(parents=True, exist_ok=True)
        for relative in differing:
            path = root / relative
            if relative in files:
                path.write_text(files[relative], encoding="utf-8")
            else:
                path.unlink()
        self.stdout.write(
            f"Wrote {len(differing)} of {len(files)} files in {root}"
            + (f": {', '.join(differing)}." if differing else ".")
        )

    def _state(self, root, relative, files):
        if relative not in files:
            return f"{root / relative} (not generated; remove it)"
        if not (root / relative).exists():
            return f"{root / relative} (missing)"
        return f"{root / relative} (differs)"
