"""Django's loaddata (the plain, untracked loader: ``manage.py seed`` is the
tracked one), guarded for demo fixtures (``*_demo.json``): they load only
into a development database (gatimitra/guards.py)."""

from pathlib import Path

from django.core.management.commands import loaddata

from gatimitra import guards
from gatimitra.seeds import is_demo


class Command(loaddata.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        guards.add_flag(parser)

    def handle(self, *fixture_labels, **options):
        demo = [label for label in fixture_labels if is_demo(Path(label).name.split(".")[0])]
        if demo:
            names = ", ".join(Path(label).name for label in demo)
            guards.require_development(
                f"loaddata of demo fixtures ({names})",
                options.get("not_production", False),
                options["database"],
            )
        return super().handle(*fixture_labels, **options)
