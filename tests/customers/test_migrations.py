"""The customers migrations reverse completely: ``migrate customers zero``
leaves no table, function, trigger or schema behind, and ``migrate`` builds
it all again."""

import pytest
from django.core.management import call_command
from django.db import connection


def leftovers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'customers'")
        schemas = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'customers'"
        )
        relations = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = 'customers' OR p.proname LIKE 'customer%'"
        )
        functions = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'customer%'"
        )
        triggers = cursor.fetchone()[0]
    return {
        "schemas": schemas,
        "relations": relations,
        "functions": functions,
        "triggers": triggers,
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_migrations_reverse_to_zero_and_forward_again():
    assert leftovers()["relations"] > 47
    try:
        call_command("migrate", "customers", "zero", verbosity=0)
        assert leftovers() == {"schemas": 0, "relations": 0, "functions": 0, "triggers": 0}
    finally:
        call_command("migrate", verbosity=0)
    after = leftovers()
    assert after["schemas"] == 1 and after["triggers"] > 0
