from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops.catalog import snapshot
from gatimitra.ops.reference import ensure_reference_database, raw_connection

#: Tables kept by Django and by the deploy tooling, not by migrations' DDL alone.
IGNORED_TABLES = {"django_migrations", "gatimitra_migration_history"}


class Command(BaseCommand):
    help = (
        "Compare the live database, schema by schema, with what the migrations build "
        "(tables, columns, types, defaults, constraints, indexes, triggers, functions, "
        "schemas). Prints each difference and exits non-zero when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--schema", action="append", help="Only this schema (repeatable), e.g. riders."
        )

    def handle(self, *args, database, schema, **options):
        connection = connections[database]
        schemas = schema or ["public", *DOMAIN_SCHEMAS]
        reference = ensure_reference_database(connection, stdout=self.stdout)
        with raw_connection(connection, reference) as reference_connection:
            expected = _without_ignored(snapshot(reference_connection, schemas))
        live = _without_ignored(snapshot(connection, schemas))
        differences = expected.differences(live, "the migrations", "the live database")
        if differences:
            for line in differences:
                self.stdout.write(f"  {line}")
            raise CommandError(
                f"{len(differences)} difference(s) between the live database and its "
                f"migrations in schema(s) {', '.join(schemas)}"
            )
        self.stdout.write(f"No drift in schema(s) {', '.join(schemas)}.")


def _without_ignored(snap):
    for section in snap.SECTIONS:
        store = getattr(snap, section)
        if isinstance(store, dict):
            for key in [k for k in store if any(t in str(k) for t in IGNORED_TABLES)]:
                del store[key]
    snap.indexes = {
        k: v for k, v in snap.indexes.items() if not any(t in v[0] for t in IGNORED_TABLES)
    }
    return snap
