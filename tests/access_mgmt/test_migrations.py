"""access_mgmt migrates to zero, leaving nothing behind, and back."""

import pytest
from django.core.management import call_command
from django.db import connection


def _objects_in_schema():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
                (SELECT count(*) FROM pg_namespace WHERE nspname = 'access_mgmt'),
                (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'access_mgmt'),
                (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'access_mgmt'),
                (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'access_mgmt' AND NOT t.tgisinternal
                    AND t.tgname <> 'audit_changes'),
                (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' AND p.proname LIKE '%%role_hierarchy%%')
            """
        )
        schemas, relations, functions, triggers, stray = cursor.fetchone()
    return {
        "schemas": schemas,
        "relations": relations,
        "functions": functions,
        "triggers": triggers,
        "stray functions in public": stray,
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_migrates_to_zero_and_back():
    before = _objects_in_schema()
    assert before["functions"] == 6
    assert before["triggers"] == 8  # 2 append-only, acyclic, 2 maker-checker, 3 revocations
    try:
        call_command("migrate", "access_mgmt", "zero", verbosity=0)
        assert _objects_in_schema() == {
            "schemas": 0,
            "relations": 0,
            "functions": 0,
            "triggers": 0,
            "stray functions in public": 0,
        }
    finally:
        call_command("migrate", verbosity=0)
    assert _objects_in_schema() == before
