"""The cross-schema migrations of riders (0004 columns, 0005 rules) reverse
cleanly: back at 0003 no riders column, constraint, trigger or function
points into another schema, and forward again everything is back.
(``tests/gatimitra/test_migrations.py`` takes every app to zero.)"""

import pytest
from django.core.management import call_command
from django.db import connection

from gatimitra.db.tables import schema_table

BEFORE = "0003_add_riders_rules"


def cross_schema_objects():
    """Foreign keys from riders into other schemas, and the riders triggers
    and functions that read other schemas' tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'constraint ' || con.conname FROM pg_constraint con
              JOIN pg_class target ON target.oid = con.confrelid
             WHERE con.contype = 'f' AND con.connamespace = 'riders'::regnamespace
               AND target.relnamespace <> 'riders'::regnamespace
               AND target.relname <> 'system_users'
            UNION ALL
            SELECT 'function ' || p.proname FROM pg_proc p
             WHERE p.pronamespace = 'riders'::regnamespace AND p.prosrc LIKE '%%"orders".%%'
            UNION ALL
            SELECT 'trigger ' || t.tgname FROM pg_trigger t
              JOIN pg_proc p ON p.oid = t.tgfoid
             WHERE NOT t.tgisinternal AND p.prosrc LIKE '%%"orders".%%'
               AND t.tgrelid::regclass::text LIKE 'riders.%%'
            """
        )
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.server_pass
@pytest.mark.django_db(transaction=True)
def test_cross_schema_migrations_reverse_and_reapply():
    present = cross_schema_objects()
    assert "constraint riders_home_zone_in_city_fk" in present
    assert "trigger rider_order_earnings_matches_assignment" in present
    try:
        call_command("migrate", "riders", BEFORE, verbosity=0)
        assert cross_schema_objects() == []
        with connection.cursor() as cursor:
            columns = [
                c.name
                for c in connection.introspection.get_table_description(
                    cursor, schema_table("riders", "rider_order_earnings")
                )
            ]
        assert "rider_id" in columns
        assert "order_id" not in columns and "assignment_id" not in columns
    finally:
        call_command("migrate", verbosity=0)
    assert cross_schema_objects() == present
