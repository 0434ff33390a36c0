from django.conf import settings
from django.core.management import BaseCommand, CommandError

from gatimitra.ops import embedded


class Command(BaseCommand):
    help = "Show where the embedded PostgreSQL runs, or stop it."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *args, action, **options):
        data_dir = settings.EMBEDDED_POSTGRES_DIR
        if not settings.DATABASES["default"].get(embedded.EMBEDDED_KEY) and action == "status":
            self.stdout.write(
                f"DATABASE_URL is set; the embedded server is not in use ({data_dir})."
            )
        if action == "status":
            running = (data_dir / "postmaster.pid").exists()
            self.stdout.write(
                f"embedded PostgreSQL: {'running' if running else 'stopped'}, data in {data_dir}"
            )
        elif action == "stop":
            try:
                stopped = embedded.stop(data_dir)
            except Exception as exc:
                raise CommandError(f"could not stop the embedded PostgreSQL: {exc}") from exc
            self.stdout.write("stopped" if stopped else "it was not running")
