"""List what splitting the database across servers would break, from the live catalog."""

import json

from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops import scaleout


class Command(BaseCommand):
    help = (
        "Every cross-schema foreign key, trigger, function and CHECK that moving SCHEMA to "
        "its own server (or, without SCHEMA, a sharded layout with every domain schema on "
        "its own node: Citus schema-based sharding) would break, and what each becomes: a "
        "reference table, an application check, something that moves with the domain or is "
        "copied, or a rule that must stay in one database. Read from the live catalog."
    )

    def add_arguments(self, parser):
        parser.add_argument("schema", nargs="?", help=f"One of {', '.join(DOMAIN_SCHEMAS)}.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, schema=None, database=DEFAULT_DB_ALIAS, **options):
        if schema is not None and schema not in DOMAIN_SCHEMAS:
            raise CommandError(f"{schema!r} is not a domain schema ({', '.join(DOMAIN_SCHEMAS)})")
        with connections[database].cursor() as cursor:
            found = scaleout.ties_of(cursor, schema)
        if options["json"]:
            counts = [
                {"kind": kind, "becomes": becomes, "count": count}
                for (kind, becomes), count in sorted(scaleout.summary(found).items())
            ]
            self.stdout.write(
                json.dumps(
                    {"schema": schema, "ties": scaleout.as_json(found), "summary": counts},
                    indent=2,
                )
            )
            return
        scope = (
            f"moving schema {schema}" if schema else "a sharded layout (every domain schema apart)"
        )
        self.stdout.write(f"What {scope} breaks: {len(found)} cross-schema ties.\n")
        for (kind, becomes), count in sorted(scaleout.summary(found).items()):
            self.stdout.write(f"  {count:4d} {kind:<12} -> {becomes}")
        by_outcome = {}
        for tie in found:
            by_outcome.setdefault(tie.becomes, []).append(tie)
        for becomes, group in sorted(by_outcome.items()):
            self.stdout.write(f"\n{becomes} ({len(group)}): {group[0].why}")
            for tie in group:
                self.stdout.write(f"  {tie.kind:<12} {tie.on} {tie.name} -> {tie.reaches}")
