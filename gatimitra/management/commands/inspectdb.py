from django.core.management.commands.inspectdb import Command as InspectDBCommand

from gatimitra.db.tables import split_table, table_argument


class Command(InspectDBCommand):
    help = (
        InspectDBCommand.help + " Tables in schemas are named schema.table; --schema limits "
        "the output to one PostgreSQL schema."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--schema", help="Only the tables of this schema, e.g. riders.")

    def handle(self, **options):
        # schema.table is a person's shorthand, read only here; a table whose
        # own name has a dot is typed quoted ('"a.b"').
        options["table"] = [table_argument(name) for name in options["table"]]
        if schema := options.get("schema"):
            public = schema == "public"
            options["table_name_filter"] = lambda name: (
                split_table(name)[0] is None if public else split_table(name)[0] == schema
            )
        return super().handle(**options)
