from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.dateparse import parse_datetime

from audit.choices import VerificationKind
from audit.verification import recorded_run
from audit.verify import verify


class Command(BaseCommand):
    help = (
        "Seal the audit logs' hash chains, then walk them: report deleted, edited, "
        "reordered or forged entries, and tracked tables whose audit trigger is missing "
        "or disabled. Exits 1 on any finding. Each run is recorded in "
        "audit.verification_runs (the audit operations page shows the last)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--since",
            help="Check entries created at or after this time (ISO, with offset); "
            "the seals' own chain is always walked in full.",
        )
        parser.add_argument(
            "--no-seal", action="store_true", help="Verify only; do not seal new entries first."
        )

    def handle(self, *args, database, since, no_seal, **options):
        if since is not None:
            parsed = parse_datetime(since)
            if parsed is None or parsed.tzinfo is None:
                raise CommandError(f"--since {since}: give an ISO time with an offset")
            since = parsed
        connection = connections[database]
        with recorded_run(connection, VerificationKind.VERIFY, since=since) as run:
            run["report"] = report = verify(connection, since=since, seal=not no_seal)
        for note in report.notes:
            self.stdout.write(note)
        for finding in report.findings:
            self.stderr.write(f"FINDING: {finding}")
        if report.findings:
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("The audit trail verifies."))
