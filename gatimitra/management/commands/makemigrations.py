from django.core.management.commands.makemigrations import Command as MakeMigrationsCommand

from gatimitra.db.autodetector import SchemaAwareAutodetector


class Command(MakeMigrationsCommand):
    autodetector = SchemaAwareAutodetector
