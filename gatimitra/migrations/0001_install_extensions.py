from django.contrib.postgres.operations import (
    BtreeGistExtension,
    CITextExtension,
    TrigramExtension,
)
from django.db import migrations


class Migration(migrations.Migration):
    """Extensions the domains rely on, installed once in ``public``:
    citext (case-insensitive emails), btree_gist (EXCLUDE constraints on
    validity windows) and pg_trgm (indexed ``icontains`` search in the admin).
    All three are trusted extensions, so a database owner may install them."""

    initial = True

    dependencies = []

    operations = [
        CITextExtension(),
        BtreeGistExtension(),
        TrigramExtension(),
    ]
