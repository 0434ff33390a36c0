"""Move one domain schema to its own server with logical replication."""

import json

import psycopg
from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg.conninfo import make_conninfo

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops import move as moving


class Command(BaseCommand):
    help = (
        "Move SCHEMA to the server at --to: 'setup' copies its DDL there and starts logical "
        "replication (the application keeps writing here), 'status' shows the copy and the "
        "lag, 'cutover' refuses writes here, waits for zero lag, copies sequence positions "
        "and ends replication; then set DATABASE_<SCHEMA>_URL. Needs wal_level = logical "
        "on this server and PostgreSQL 15+ on both (docs/scaling.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("schema", choices=DOMAIN_SCHEMAS)
        parser.add_argument("action", choices=("setup", "status", "cutover"))
        parser.add_argument("--to", required=True, help="postgres:// URL of the target database.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The source alias.")
        parser.add_argument(
            "--source-conninfo",
            help="How the target server reaches this one (default: this connection's "
            "host, port, user, password and database).",
        )
        parser.add_argument("--timeout", type=float, default=300.0)
        parser.add_argument(
            "--accept-broken-rules",
            action="store_true",
            help="Cut over although rules reading other schemas break (scale_out_plan lists them).",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, schema, action, to, database, **options):
        connection = connections[database]
        params = connection.get_connection_params()
        source = {
            k: params[k] for k in ("host", "port", "user", "password", "sslmode") if params.get(k)
        }
        source["dbname"] = params.get("dbname") or connection.settings_dict["NAME"]
        try:
            move = moving.Move(
                schema=schema,
                source=source,
                target=moving.target_conninfo(to),
                subscription_source=options["source_conninfo"] or make_conninfo(**source),
            )
            if action == "setup":
                moving.setup(move)
                result = {"log": move.log}
            elif action == "status":
                result = moving.status(move)
            else:
                figures = moving.cutover(
                    move,
                    timeout=options["timeout"],
                    accept_broken_rules=options["accept_broken_rules"],
                )
                result = {"figures": figures, "log": move.log}
        except moving.MoveError as exc:
            raise CommandError(str(exc)) from exc
        except psycopg.OperationalError as exc:
            # Unreachable server, refused login: the message names host and
            # database, never the password.
            raise CommandError(f"cannot reach a server of the move: {exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, default=str))
            return
        for line in result.get("log", []):
            self.stdout.write(line)
        if action == "status":
            self.stdout.write(json.dumps(result, indent=2, default=str))
        if action == "cutover":
            self.stdout.write(json.dumps(result["figures"], indent=2))
