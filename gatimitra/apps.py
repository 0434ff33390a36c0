from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.core import checks


class GatimitraConfig(AppConfig):
    """The project package as an app: house-rule checks, project-wide
    management commands and the migration that installs PostgreSQL extensions."""

    name = "gatimitra"
    verbose_name = "GatiMitra platform"

    def ready(self):
        from gatimitra import checks as house_rules

        checks.register(house_rules.check_models_in_domain_schema, checks.Tags.models)
        checks.register(house_rules.check_schema_created_by_migrations, checks.Tags.models)
        checks.register(house_rules.check_index_and_constraint_names, checks.Tags.models)
        checks.register(house_rules.check_append_only_models_have_trigger, checks.Tags.models)
        checks.register(house_rules.check_partitioned_models_have_migration, checks.Tags.models)
        checks.register(house_rules.check_status_columns_have_machine, checks.Tags.models)


class GatimitraAdminConfig(AdminConfig):
    """Django's admin with GatiMitra's site (``gatimitra.admin_site``) as
    ``admin.site``, so every ``@admin.register`` lands on it."""

    default_site = "gatimitra.admin_site.GatimitraAdminSite"


class DomainConfig(AppConfig):
    """An app that owns one PostgreSQL schema: all its tables live in ``db_schema``.

    What the admin console (``gatimitra.admin_site``) reads from it:
    ``admin_order`` (the section's place), ``admin_description`` (one line),
    ``admin_groups`` (descriptions of ``models/`` files without a docstring)
    and ``admin_dashboard`` (dotted path of the home page's figures)."""

    db_schema: str | None = None
    admin_order: int | None = None
    admin_description = ""
    admin_groups: dict[str, str] = {}
    admin_dashboard: str | None = None
    default_auto_field = "django.db.models.BigAutoField"


def domain_hooks(attribute):
    """The callables the installed apps name in their ``AppConfig``'s
    ``attribute`` (a dotted path), in INSTALLED_APPS order: how the project's
    own code reaches into a domain (the audit trail's maintenance marker, its
    history links, its daily sealing) without importing it. The domains sit
    on top of ``gatimitra``, never below (tests/gatimitra/test_layers.py)."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    return [
        import_string(path)
        for config in apps.get_app_configs()
        if (path := getattr(config, attribute, None))
    ]
