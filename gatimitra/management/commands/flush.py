"""Django's flush, guarded: it empties every table, so it runs only on a
development database (gatimitra/guards.py). Test databases are marked by the
test setup (conftest.py), so the test runner's flushes go through."""

from django.core.management.commands import flush

from gatimitra import guards


class Command(flush.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        guards.add_flag(parser)

    def handle(self, **options):
        guards.require_development(
            "flush", options.get("not_production", False), options["database"]
        )
        return super().handle(**options)
