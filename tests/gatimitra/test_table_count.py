"""The table count the README and docs/migrations.md state is the catalog's:
tables (partitioned parents, not their partitions) in the six domain schemas."""

import re
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_SCHEMAS = ("access_mgmt", "audit", "customers", "merchants", "orders", "riders")


@pytest.mark.django_db
def test_the_documented_table_count_is_the_catalogs():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition""",
            [list(DOMAIN_SCHEMAS)],
        )
        (tables,) = cursor.fetchone()
    readme = (ROOT / "README.md").read_text()
    migrations = (ROOT / "docs" / "migrations.md").read_text()
    readme = re.search(r"the six domain schemas hold (\d+) tables", readme)
    title = re.match(r"# Migrations at (\d+) tables", migrations)
    assert readme and title
    assert (int(readme.group(1)), int(title.group(1))) == (tables, tables)
