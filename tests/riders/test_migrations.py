"""The riders migrations reverse: ``migrate riders zero`` leaves no table,
function, trigger or schema behind, and migrating forward rebuilds it all."""

import pytest
from django.core.management import call_command
from django.db import connection


def schema_objects():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'schema', nspname FROM pg_namespace WHERE nspname = 'riders'
            UNION ALL
            SELECT 'relation', c.relname FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'riders'
            UNION ALL
            SELECT 'function', p.proname FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'riders'
            UNION ALL
            SELECT 'trigger', t.tgname FROM pg_trigger t
                JOIN pg_class c ON c.oid = t.tgrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'riders' AND NOT t.tgisinternal
            """
        )
        return sorted(cursor.fetchall())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_riders_migrate_to_zero_and_back():
    before = schema_objects()
    kinds = {kind for kind, _ in before}
    assert kinds == {"schema", "relation", "function", "trigger"}
    try:
        call_command("migrate", "riders", "zero", verbosity=0)
        assert schema_objects() == []
    finally:
        call_command("migrate", verbosity=0)
    assert schema_objects() == before
