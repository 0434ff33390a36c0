from django.core.management.commands.migrate import Command as MigrateCommand

from gatimitra.db.autodetector import SchemaAwareAutodetector


class Command(MigrateCommand):
    autodetector = SchemaAwareAutodetector
