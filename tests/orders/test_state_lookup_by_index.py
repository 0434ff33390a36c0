"""orders 0029: ``orders.indian_state_code()`` finds a state name through
indexes on the states' normalised names and aliases.

For every state's name and alias, spelt as the tests and the seed spell them
and mangled, and for names that are no state, it returns what 0019's body
returns (put back for comparison); also when two states share a spelling,
where the lowest code wins; and the reverse is 0019's body."""

from importlib import import_module

import pytest
from django.db import connection, transaction

m0019 = import_module("orders.migrations.0019_add_indian_states")
m0029 = import_module("orders.migrations.0029_look_up_state_names_by_index")

pytestmark = pytest.mark.django_db

NOT_STATES = ["Narnia", "", "12", "  ", "&", "Bengaluru Urban", "Delhi NCR", "Tamil", "Kerala2"]


def test_the_reverse_is_0019s_body():
    assert m0029.KEYS_AS_IN_0019[0] == m0019.RESOLVER[1].replace(
        "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
    )


def spellings():
    """Every state's name and alias, as written and mangled."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM orders.indian_states "
            "UNION ALL SELECT unnest(aliases) FROM orders.indian_states"
        )
        written = [name for (name,) in cursor.fetchall()]
    mangled = [
        variant
        for name in written
        for variant in (
            name.upper(),
            name.lower(),
            f" {name.replace(' ', '-')} ",
            name.replace(" ", ""),
            name.replace("and", "&"),
            name + ".",
        )
    ]
    return written + mangled + NOT_STATES


def codes(names, body=None):
    """orders.indian_state_code of each of ``names``, with ``body`` put back
    first when given (rolled back)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if body:
            cursor.execute(body)
        cursor.execute(
            "SELECT n, orders.indian_state_code(n) FROM unnest(%s::text[]) WITH ORDINALITY AS "
            "t(n, i) ORDER BY i",
            [names],
        )
        result = cursor.fetchall()
        transaction.set_rollback(True)
    return result


def test_every_spelling_resolves_as_before():
    names = spellings()
    now = codes(names)
    assert now == codes(names, m0029.KEYS_AS_IN_0019[0])
    found = dict(now)
    assert found["Karnataka"] == "29" and found["J&K"] == "01" and found["Narnia"] is None


def test_a_spelling_two_states_share_resolves_to_the_lowest_code():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders.indian_states (code, name, is_union_territory, aliases) VALUES "
            "('00', 'Test Lowland', false, ARRAY['Goa', 'Twin Name']::varchar(60)[]), "
            "('99', 'Twin-Name', false, ARRAY['Kerala']::varchar(60)[])"
        )
    names = ["Goa", "goa", "Kerala", "Twin Name", "twinname", "Test Lowland", "Keraland"]
    now = codes(names)
    assert now == codes(names, m0029.KEYS_AS_IN_0019[0])
    assert dict(now) == {
        "Goa": "00",
        "goa": "00",
        "Kerala": "32",
        "Twin Name": "00",
        "twinname": "00",
        "Test Lowland": "00",
        "Keraland": None,
    }


def test_a_changed_alias_is_found_at_once():
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders.indian_states SET aliases = aliases || 'Kar Nataka'::varchar(60) "
            "WHERE code = '29'"
        )
    assert codes(["kar-nataka"]) == [("kar-nataka", "29")]
