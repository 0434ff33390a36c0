from django.core.management.commands.makemigrations import Command as MakeMigrationsCommand

from gatimitra.db.autodetector import SchemaAwareCommandMixin


class Command(SchemaAwareCommandMixin, MakeMigrationsCommand):
    """Django's makemigrations with the project's autodetector on top of the
    installed one (Django's, or another package's such as django-pgtrigger's)."""
