from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Owns no table and no migration: it only writes the domains' rows."""

    name = "demo"
    verbose_name = "Demo data"
