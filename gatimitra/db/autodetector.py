"""The project's addition to Django's migration autodetector, as a mixin.

Other packages customise the autodetector too: django-pgtrigger (and so
django-pghistory) replaces ``makemigrations.Command.autodetector`` and
``migrate.Command.autodetector`` with its own class when its app is ready.
A command that simply set ``autodetector = OurClass`` would drop theirs (their
trigger operations then reach the migration writer: "Cannot serialize"), so
the project's commands put ``SchemaAwareMixin`` on top of whatever class
Django's command holds when the command runs (``schema_aware``).
"""

import functools
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.migrations.autodetector import MigrationAutodetector

from gatimitra.db.operations import CreateSchema


class SchemaAwareMixin:
    """Starts a domain app's first migration with ``CreateSchema`` (and a
    dependency on the extensions), so a new domain's tables never run ahead of
    their schema."""

    def arrange_for_graph(self, changes, graph, migration_name=None):
        from gatimitra.apps import DomainConfig

        apps_with_history = {app_label for app_label, _ in graph.leaf_nodes()}
        changes = super().arrange_for_graph(changes, graph, migration_name)
        for app_label, migrations in changes.items():
            config = apps.get_app_config(app_label)
            if (
                isinstance(config, DomainConfig)
                and app_label not in apps_with_history
                and migrations
                and not any(isinstance(op, CreateSchema) for op in migrations[0].operations)
            ):
                migrations[0].operations.insert(0, CreateSchema(name=config.db_schema))
                # Domain tables may use the extensions (citext, btree_gist, pg_trgm).
                migrations[0].dependencies.append(("gatimitra", "__first__"))
        return changes


@functools.cache
def schema_aware(autodetector):
    """``autodetector`` (a MigrationAutodetector class, perhaps another
    package's) with ``SchemaAwareMixin`` on top."""
    if issubclass(autodetector, SchemaAwareMixin):
        return autodetector
    return type(f"SchemaAware{autodetector.__name__}", (SchemaAwareMixin, autodetector), {})


#: The mixin on Django's own autodetector.
SchemaAwareAutodetector = schema_aware(MigrationAutodetector)


class SchemaAwareCommandMixin:
    """For ``makemigrations``/``migrate``: ``autodetector`` is read when the
    command runs, from the parent command class another app may have patched."""

    if TYPE_CHECKING:
        # What Django's commands declare; the property below computes it.
        autodetector: type[MigrationAutodetector]
    else:

        @property
        def autodetector(self):
            for base in type(self).__mro__[1:]:
                if "autodetector" in vars(base) and not issubclass(base, SchemaAwareCommandMixin):
                    return schema_aware(vars(base)["autodetector"])
            return SchemaAwareAutodetector
