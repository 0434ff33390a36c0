"""The main job: build the database, seed it, and serve the admin."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection

from gatimitra import guards

DEMO_ADMIN_EMAIL = "admin@gatimitra.local"


class Command(BaseCommand):
    help = (
        "Development: migrate the database, create the time partitions, apply the seeds in "
        "fixtures/ (manage.py seed) and the small demo data (seed_demo), make sure a local "
        "admin login exists, and serve the admin on localhost. Runs only on a development "
        "database: one it builds from nothing (it marks it), or one marked before."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up the database and stop.")
        guards.add_flag(parser)

    def _check_database(self, not_production):
        """True when this database is to be marked as development after migrating."""
        if not_production:
            return True
        fresh = "django_migrations" not in connection.introspection.table_names()
        if fresh and settings.DEBUG:
            return True  # built from nothing by this command
        if fresh:
            raise CommandError(
                f"start refused: DJANGO_DEBUG is off, and start (a default admin password, "
                f"demo data) is for development. Pass {guards.FLAG} if "
                f"{guards.describe()} is a development database."
            )
        guards.require_development("start", not_production)
        return False

    def handle(self, *args, addrport, no_serve, not_production, **options):
        mark = self._check_database(not_production)
        call_command("migrate", interactive=False, verbosity=1)
        if mark:
            guards.mark_development("manage.py start")
            self.stdout.write(f"Marked {guards.describe()} as a development database.")
        # Time partitions before the seeds, so seeded rows land in them.
        call_command("partitions", verbosity=1)
        # Tracked: unchanged seeds are skipped, rows edited since are never overwritten.
        call_command("seed", verbosity=1)
        # Demo data over the seeds, so every admin page has rows to show;
        # a database seeded before (by this or a bigger scale) is left as it is.
        call_command("seed_demo", scale="small", skip_if_seeded=True, verbosity=1)
        # The demo's past rows went into DEFAULT partitions: give them their own
        # now (an audited maintenance act for audit logs), so that a second
        # start finds nothing to do and changes nothing.
        call_command("partitions", verbosity=1)
        password = os.environ.get("GATIMITRA_ADMIN_PASSWORD", "gatimitra-admin")
        User = get_user_model()
        if not User.objects.filter(email=DEMO_ADMIN_EMAIL).exists():
            User.objects.create_superuser(
                email=DEMO_ADMIN_EMAIL, password=password, full_name="Local Admin"
            )
            login = f"{DEMO_ADMIN_EMAIL} / {password}"
        else:
            login = f"{DEMO_ADMIN_EMAIL} (password as set when it was created)"
        if no_serve:
            self.stdout.write(self.style.SUCCESS(f"Database ready. Admin login: {login}"))
            return
        host, _, port = addrport.rpartition(":")
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin at http://{host or '127.0.0.1'}:{port}/admin/  log in as {login}"
            )
        )
        call_command("runserver", addrport, use_reloader=False)
