"""The main job: build the database, seed it, and serve the admin."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command

DEMO_ADMIN_EMAIL = "admin@gatimitra.local"


class Command(BaseCommand):
    help = (
        "Migrate the database, create the time partitions, load every seed in "
        "fixtures/ (in file-name order) and the small demo data (seed_demo), make "
        "sure a local admin login exists, and serve the admin on localhost."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up the database and stop.")

    def handle(self, *args, addrport, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=1)
        # Time partitions before the seeds, so seeded rows land in them.
        call_command("partitions", verbosity=1)
        fixtures = sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))
        if fixtures:
            call_command("loaddata", *[str(path) for path in fixtures], verbosity=1)
        # Demo data over the seeds, so every admin page has rows to show;
        # a database seeded before (by this or a bigger scale) is left as it is.
        call_command("seed_demo", scale="small", skip_if_seeded=True, verbosity=1)
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
