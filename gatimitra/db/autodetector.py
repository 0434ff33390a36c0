from django.apps import apps
from django.db.migrations.autodetector import MigrationAutodetector

from gatimitra.db.operations import CreateSchema


class SchemaAwareAutodetector(MigrationAutodetector):
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
