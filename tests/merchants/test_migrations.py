"""The merchants migrations reverse completely and apply again."""

import pytest
from django.core.management import call_command
from django.db import connection


def _leftovers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'merchants'")
        schemas = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'merchants'"
        )
        relations = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'merchants' OR p.proname LIKE 'merchant%%' "
            "OR p.proname = 'pause_expired_fssai_stores'"
        )
        functions = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'merchant%%'")
        triggers = cursor.fetchone()[0]
    return {
        "schemas": schemas,
        "relations": relations,
        "functions": functions,
        "triggers": triggers,
    }


@pytest.mark.django_db(transaction=True)
def test_merchants_migrate_to_zero_and_back():
    assert _leftovers()["relations"] > 39
    try:
        call_command("migrate", "merchants", "zero", verbosity=0)
        assert _leftovers() == {"schemas": 0, "relations": 0, "functions": 0, "triggers": 0}
    finally:
        call_command("migrate", verbosity=0)
    after = _leftovers()
    assert after["schemas"] == 1
    assert after["functions"] >= 10
    assert after["triggers"] >= 10
