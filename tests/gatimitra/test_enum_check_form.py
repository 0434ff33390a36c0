"""``EnumField(check_form=...)``: how its CHECK is written, never which
values it allows (audit 0014 uses ``"text_array"`` for the audit logs)."""

from gatimitra.db.fields import EnumField, text_array_literal
from gatimitra.enums import ActorType
from gatimitra.ops.schema_docs import _enum_values


def test_the_default_form_is_unchanged_and_not_in_migrations():
    field = EnumField(ActorType)
    assert field.db_check_sql('"t"') == "\"t\" IN ('%s')" % "', '".join(ActorType.values)
    assert "check_form" not in field.deconstruct()[3]


def test_the_text_array_form_lists_the_same_values_and_reaches_migrations():
    field = EnumField(ActorType, check_form="text_array")
    elements = ",".join(f'"{value}"' for value in ActorType.values)
    assert field.db_check_sql('"t"') == f"\"t\"::text = ANY ('{{{elements}}}'::text[])"
    assert field.deconstruct()[3]["check_form"] == "text_array"


def test_an_unknown_form_is_a_system_check_error():
    field = EnumField(ActorType, check_form="native")
    field.set_attributes_from_name("kind")
    assert [error.id for error in field.check()] == ["gatimitra.E102"]


def test_array_literal_quotes_what_arrays_need():
    assert text_array_literal(["A", "B C", 'q"d', "it's", "b\\s"]) == (
        '\'{"A","B C","q\\"d","it\'\'s","b\\\\s"}\''
    )


def test_schema_docs_read_the_values_of_both_forms():
    values = ["A", "B_C"]
    assert (
        _enum_values(
            "CHECK (((t)::text = ANY ((ARRAY['A'::character varying, "
            "'B_C'::character varying])::text[])))"
        )
        == values
    )
    assert _enum_values("CHECK (((t)::text = ANY ('{A,B_C}'::text[])))") == values
    assert _enum_values('CHECK (((t)::text = ANY (\'{"A","B_C"}\'::text[])))') == values
