"""Applied orders migrations run the SQL they ran when they were applied.

Their SQL is frozen in ``orders/sqlfrozen/`` (one module per migration) and
re-exported by ``orders.sql`` under the names the migration files use. The
snapshot records what each migration ran (``gatimitra/migration_snapshot.json``);
the frozen text is that record, statement for statement.
"""

import json

import pytest
from django.db import connection

from gatimitra.ops import snapshot
from orders import sql
from orders.sqlfrozen import m0016_read_cross_schema_columns_statically as m0016
from orders.sqlfrozen import m0022_keep_personal_data_out_of_dispatch_refusals as m0022


def recorded(name):
    document = json.loads(snapshot.SNAPSHOT_PATH.read_text())
    return next(
        entry["statements"]
        for entry in document["migrations"]
        if entry["app"] == "orders" and entry["name"] == name
    )


def test_0005_runs_the_dispatch_rules_it_recorded():
    assert recorded("0005_enforce_dispatch_rules") == sql.DISPATCH_RULES


def test_0007_runs_the_india_date_refusal_it_recorded():
    assert recorded("0007_documents_expire_in_india_time") == [sql.REPLACE_DISPATCH_REFUSAL]


def test_0004_runs_the_settlement_links_it_recorded():
    statements = recorded("0004_add_cross_schema_references")
    start = statements.index(sql.SETTLEMENT_LINKS[0])
    assert statements[start : start + len(sql.SETTLEMENT_LINKS)] == sql.SETTLEMENT_LINKS


def test_the_live_sql_is_what_0016_and_0022_froze():
    """orders.sql renders the functions as the newest migration left them; a
    change to the live text needs a new migration freezing it."""
    setting, refusal, settlement_links = sql.static_cross_schema_reads()
    assert [setting, settlement_links] == [
        m0016.STATIC_CROSS_SCHEMA_READS[0],
        m0016.STATIC_CROSS_SCHEMA_READS[2],
    ]
    assert [refusal] == m0022.DISPATCH_REFUSAL_BY_ID


def test_0022_reverses_to_the_refusal_0016_left():
    assert [m0016.STATIC_CROSS_SCHEMA_READS[1]] == m0022.DISPATCH_REFUSAL_WITH_NAMES
    assert "full_name" not in m0022.DISPATCH_REFUSAL_BY_ID[0]
    assert "registration_number" not in m0022.DISPATCH_REFUSAL_BY_ID[0]


def test_0016_reads_other_domains_columns_without_the_catalog():
    for statement in m0016.STATIC_CROSS_SCHEMA_READS:
        assert "pg_attribute" not in statement
        assert "EXECUTE '" not in statement


@pytest.mark.django_db
def test_the_migrated_functions_read_statically():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'orders' AND p.proname = ANY(%s)",
            [["dispatch_setting", "dispatch_refusal", "check_settlement_links"]],
        )
        sources = dict(cursor.fetchall())
    assert sorted(sources) == ["check_settlement_links", "dispatch_refusal", "dispatch_setting"]
    for name, source in sources.items():
        assert "pg_attribute" not in source, name
        assert "EXECUTE" not in source, name
