from django.contrib.postgres.operations import (
    BtreeGistExtension,
    CITextExtension,
    TrigramExtension,
)
from django.db import migrations

from gatimitra.db.sql import CREATE_REFUSE_CHANGE_FUNCTION, DROP_REFUSE_CHANGE_FUNCTION


class Migration(migrations.Migration):
    """What every domain builds on, installed once in ``public``: the
    extensions citext (case-insensitive emails), btree_gist (EXCLUDE
    constraints on validity windows) and pg_trgm (indexed ``icontains``
    search in the admin), all trusted so a database owner may install them;
    and the trigger function behind append-only tables."""

    initial = True

    dependencies = []

    operations = [
        CITextExtension(),
        BtreeGistExtension(),
        TrigramExtension(),
        migrations.RunSQL(CREATE_REFUSE_CHANGE_FUNCTION, DROP_REFUSE_CHANGE_FUNCTION),
    ]
