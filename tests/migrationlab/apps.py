from django.apps import AppConfig


class MigrationLabConfig(AppConfig):
    name = "tests.migrationlab"
    label = "migrationlab"
    default_auto_field = "django.db.models.BigAutoField"
