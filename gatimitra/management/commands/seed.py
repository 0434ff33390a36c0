"""manage.py seed: apply fixtures/ as tracked seeds (gatimitra/seeds.py)."""

from django.core.management import BaseCommand, CommandError

from gatimitra import guards
from gatimitra.seeds import SeedError, apply_seeds


class Command(BaseCommand):
    help = (
        "Apply the seeds in fixtures/ (or the files named): each file once, again only when "
        "its checksum changes; a row edited since a seed wrote it stops the load, naming "
        "the table, key and column (--force overwrites it); a file naming a key twice is "
        "refused before anything is written. Demo fixtures (*_demo.json) load only into a "
        "development database. `loaddata` stays Django's plain, untracked loader."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", help="Fixture files (default: fixtures/*.json).")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite rows edited since they were seeded."
        )
        parser.add_argument("--database", default="default")
        guards.add_flag(parser)

    def handle(self, *args, fixtures, force, database, not_production, **options):
        def guard(demo_files):
            guards.require_development(
                f"seed of demo fixtures ({', '.join(demo_files)})", not_production, database
            )

        def log(text):
            if options["verbosity"] >= 1:
                self.stdout.write(text)

        try:
            apply_seeds(fixtures or None, force=force, using=database, log=log, guard=guard)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
