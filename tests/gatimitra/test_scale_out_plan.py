"""``manage.py scale_out_plan``: every cross-schema tie, counted against the
catalog by independent queries, each with what it becomes."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gatimitra.ops import scaleout

pytestmark = pytest.mark.django_db


def _plan(*args):
    out = StringIO()
    call_command("scale_out_plan", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _count(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# A foreign key's schema is its table's (pg_constraint.connamespace); the
# referenced table's namespace read from pg_class. Partition clones excluded.
CROSS_FOREIGN_KEYS = """
SELECT count(*) FROM pg_constraint c
WHERE c.contype = 'f' AND c.conparentid = 0
  AND c.connamespace <> (SELECT relnamespace FROM pg_class WHERE oid = c.confrelid)
  {extra}
"""
CROSS_TRIGGERS = """
SELECT count(*) FROM pg_trigger t
WHERE NOT t.tgisinternal AND t.tgparentid = 0
  AND (SELECT relnamespace FROM pg_class WHERE oid = t.tgrelid)
      <> (SELECT pronamespace FROM pg_proc WHERE oid = t.tgfoid)
  {extra}
"""


def _kinds(plan, kind):
    return [tie for tie in plan["ties"] if tie["kind"] == kind]


def test_every_cross_schema_foreign_key_and_trigger_of_the_catalog_is_listed():
    plan = _plan()
    foreign_keys = _kinds(plan, "foreign key")
    expected = _count(CROSS_FOREIGN_KEYS.format(extra=""))
    assert len(foreign_keys) == expected >= 128
    assert len(_kinds(plan, "trigger")) == _count(CROSS_TRIGGERS.format(extra=""))
    names = {tie["name"] for tie in foreign_keys}
    assert len(names) == len(foreign_keys)
    # The summary adds up to the list.
    assert sum(row["count"] for row in plan["summary"]) == len(plan["ties"])


def test_what_each_tie_becomes():
    ties = _plan()["ties"]
    into_cities = [t for t in ties if t["reaches"] in scaleout.REFERENCE_TABLES]
    assert into_cities and {t["becomes"] for t in into_cities} == {scaleout.REFERENCE}
    others = [
        t
        for t in ties
        if t["kind"] == "foreign key" and t["reaches"] not in scaleout.REFERENCE_TABLES
    ]
    assert {t["becomes"] for t in others} == {scaleout.APPLICATION_CHECK}
    capture = [t for t in ties if t["reaches"] == scaleout.AUDIT_CAPTURE]
    assert capture and {t["becomes"] for t in capture} == {scaleout.MOVES_WITH_DOMAIN}
    # A riders rule that reads orders in the writing transaction.
    earning_rule = [
        t
        for t in ties
        if t["kind"] == "function" and t["on"] == "riders.rider_order_earnings_matches_assignment"
    ]
    assert earning_rule
    assert {t["becomes"] for t in earning_rule} == {scaleout.ONE_DATABASE}
    assert all(t["reaches"].startswith("orders.") for t in earning_rule)


def test_a_schema_move_lists_the_ties_on_both_sides_of_that_schema():
    plan = _plan("riders")
    both_ways = (
        "AND 'riders'::regnamespace IN "
        "(c.connamespace, (SELECT relnamespace FROM pg_class WHERE oid = c.confrelid))"
    )
    assert len(_kinds(plan, "foreign key")) == _count(CROSS_FOREIGN_KEYS.format(extra=both_ways))
    assert all(
        "riders" in (t["on"].split(".")[0], t["reaches"].split(".")[0]) for t in plan["ties"]
    )
    outbound = {t["on"] for t in _kinds(plan, "foreign key") if t["on"].startswith("riders.")}
    inbound = {t["on"] for t in _kinds(plan, "foreign key") if t["reaches"].startswith("riders.")}
    assert outbound and inbound


def test_the_text_report_and_a_wrong_schema():
    out = StringIO()
    call_command("scale_out_plan", "riders", stdout=out)
    text = out.getvalue()
    assert f"{len(_plan('riders')['ties'])} cross-schema ties" in text
    assert "rider_order_earnings_matches_assignment" in text
    with pytest.raises(CommandError, match="not a domain schema"):
        call_command("scale_out_plan", "public")
