"""The orders migrations build the schema from empty and reverse to zero,
leaving no table, function, trigger or schema behind."""

import pytest
from django.core.management import call_command
from django.db import connection

from gatimitra.testing import domain_models

ORDERS_MODELS = [model for model in domain_models() if model._meta.app_label == "orders"]

pytestmark = pytest.mark.django_db(transaction=True)


def orders_catalog():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
                (SELECT count(*) FROM pg_namespace WHERE nspname = 'orders'),
                (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'orders' AND c.relkind IN ('r', 'p')),
                (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'orders'),
                (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'orders' AND NOT t.tgisinternal),
                (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' AND p.proname LIKE 'order%%')
            """
        )
        schemas, tables, functions, triggers, public_functions = cursor.fetchone()
    return {
        "schemas": schemas,
        "tables": tables,
        "functions": functions,
        "triggers": triggers,
        "public_functions": public_functions,
    }


def test_migrations_reverse_to_zero_and_apply_again():
    built = orders_catalog()
    assert built["schemas"] == 1
    assert built["tables"] == len(ORDERS_MODELS) == 30
    assert built["functions"] > 0 and built["triggers"] > 0

    try:
        call_command("migrate", "orders", "zero", verbosity=0)
        assert orders_catalog() == {
            "schemas": 0,
            "tables": 0,
            "functions": 0,
            "triggers": 0,
            "public_functions": 0,
        }
    finally:
        call_command("migrate", verbosity=0)

    assert orders_catalog() == built
