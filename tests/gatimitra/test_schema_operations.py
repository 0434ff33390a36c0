"""Every migration operation does on schema tables exactly what it does on
``public`` tables.

Each scenario is a list of migration steps, written once against a table
naming function. It runs twice inside one test transaction: with tables in
``public`` (``sc_*``) and with tables in two scratch schemas (one per
"domain", so foreign keys cross schemas). After every step, forward and
backward, the pg_catalog snapshots of the two runs must be identical once
schema names are stripped; going backward must restore the snapshot of the
step before; and undoing everything must leave nothing behind.
"""

import pytest
from django.db import connection, migrations, models
from django.db.migrations.state import ProjectState

from gatimitra.db.fields import EnumField
from gatimitra.db.operations import CreateSchema
from gatimitra.enums import ServiceType, VehicleType
from gatimitra.ops.catalog import snapshot

APP = "scratch"
SCHEMA_A, SCHEMA_B = "scratch_a", "scratch_b"


def in_public(name, schema="a"):
    return name


def in_schemas(name, schema="a"):
    return f'{SCHEMA_A if schema == "a" else SCHEMA_B}"."{name}'


def _run(steps):
    """Apply ``steps`` forward then backward; return the snapshots seen."""
    state = ProjectState()
    states = [state]
    forward, backward = [], []

    def snap():
        return snapshot(
            connection, ["public", SCHEMA_A, SCHEMA_B], table_filter="sc\\_%", strip_schemas=True
        )

    initial = snap()
    for operation in steps:
        new_state = state.clone()
        operation.state_forwards(APP, new_state)
        with connection.schema_editor(atomic=False) as editor:
            operation.database_forwards(APP, editor, state, new_state)
        state = new_state
        states.append(state)
        forward.append(snap())
    for index in range(len(steps) - 1, -1, -1):
        with connection.schema_editor(atomic=False) as editor:
            steps[index].database_backwards(APP, editor, states[index + 1], states[index])
        backward.append(snap())
    return initial, forward, backward[::-1]


def _schemas():
    return [CreateSchema(SCHEMA_A), CreateSchema(SCHEMA_B)]


def _check_scenario(build):
    public_initial, public_forward, public_backward = _run(build(in_public))
    public_backward = public_backward
    schema_steps = [*_schemas(), *build(in_schemas)]
    schema_initial, schema_forward, schema_backward = _run(schema_steps)
    schema_forward, schema_backward = schema_forward[2:], schema_backward[2:]

    for number, (expected, actual) in enumerate(zip(public_forward, schema_forward, strict=True)):
        assert expected.differences(actual, "public", "schema") == [], f"forward step {number}"
    for number, (expected, actual) in enumerate(zip(public_backward, schema_backward, strict=True)):
        assert expected.differences(actual, "public", "schema") == [], f"backward step {number}"
    assert public_initial.is_empty() and schema_initial.is_empty()
    assert schema_backward[0].is_empty(), "undoing every step left objects behind"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname IN (%s, %s)", [SCHEMA_A, SCHEMA_B]
        )
        assert cursor.fetchone()[0] == 0, "the scratch schemas were not dropped"
    # And forward again reaches the same catalog as the first time.
    _, again, _ = _run(schema_steps)
    assert again[-1].differences(schema_forward[-1] if schema_forward else again[-1]) == []
    return public_forward, schema_forward


def _stable(t, **extra_fields):
    return migrations.CreateModel(
        "Stable",
        [("id", models.BigAutoField(primary_key=True)), ("name", models.CharField(max_length=40))],
        options={"db_table": t("sc_stable", "b")},
    )


def _pony(t, fields=(), options=None):
    return migrations.CreateModel(
        "Pony",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("code", models.CharField(max_length=20)),
            ("weight", models.IntegerField(default=1)),
            *fields,
        ],
        options={"db_table": t("sc_pony"), **(options or {})},
    )


SCENARIOS = {
    "add_remove_field": lambda t: [
        _pony(t),
        migrations.AddField("Pony", "nickname", models.CharField(max_length=30, null=True)),
        migrations.AddField("Pony", "tag", models.CharField(max_length=30, unique=True, null=True)),
        migrations.RemoveField("Pony", "weight"),
    ],
    "alter_field_unique_and_index": lambda t: [
        _pony(t),
        migrations.AlterField("Pony", "code", models.CharField(max_length=20, unique=True)),
        migrations.AlterField("Pony", "code", models.CharField(max_length=20)),
        migrations.AlterField("Pony", "code", models.CharField(max_length=20, db_index=True)),
        migrations.AlterField("Pony", "code", models.CharField(max_length=20)),
    ],
    "alter_field_type_and_length": lambda t: [
        _pony(t),
        migrations.AlterField("Pony", "code", models.CharField(max_length=40)),
        migrations.AlterField("Pony", "weight", models.BigIntegerField(default=1)),
        migrations.AlterField("Pony", "code", models.CharField(max_length=40, unique=True)),
        migrations.AlterField("Pony", "code", models.TextField(unique=True)),
        migrations.AlterField("Pony", "code", models.TextField()),
    ],
    "alter_field_db_default": lambda t: [
        _pony(t),
        migrations.AlterField("Pony", "weight", models.IntegerField(db_default=5)),
        migrations.AlterField("Pony", "weight", models.IntegerField(db_default=7)),
        migrations.AlterField("Pony", "weight", models.IntegerField(default=1)),
    ],
    "alter_foreign_key_target_and_on_delete": lambda t: [
        _stable(t),
        migrations.CreateModel(
            "Barn",
            [("id", models.BigAutoField(primary_key=True))],
            options={"db_table": t("sc_barn", "b")},
        ),
        _pony(t, fields=[("stable", models.ForeignKey(f"{APP}.Stable", models.CASCADE))]),
        migrations.AlterField("Pony", "stable", models.ForeignKey(f"{APP}.Stable", models.PROTECT)),
        migrations.AlterField("Pony", "stable", models.ForeignKey(f"{APP}.Barn", models.PROTECT)),
        migrations.AlterField(
            "Pony", "stable", models.ForeignKey(f"{APP}.Barn", models.CASCADE, null=True)
        ),
        migrations.AlterField(
            "Pony",
            "stable",
            models.ForeignKey(f"{APP}.Barn", models.CASCADE, null=True, db_constraint=False),
        ),
    ],
    "alter_primary_key_type_referenced_across_schemas": lambda t: [
        migrations.CreateModel(
            "Stable",
            [("id", models.AutoField(primary_key=True))],
            options={"db_table": t("sc_stable", "b")},
        ),
        _pony(t, fields=[("stable", models.ForeignKey(f"{APP}.Stable", models.PROTECT))]),
        migrations.AlterField("Stable", "id", models.BigAutoField(primary_key=True)),
        migrations.AlterField("Stable", "id", models.SmallAutoField(primary_key=True)),
    ],
    "indexes": lambda t: [
        _pony(t),
        migrations.AddIndex("Pony", models.Index(fields=["code"], name="sc_pony_code_idx")),
        migrations.AddIndex(
            "Pony",
            models.Index(
                fields=["weight"], name="sc_pony_heavy_idx", condition=models.Q(weight__gt=10)
            ),
        ),
        migrations.RenameIndex("Pony", new_name="sc_pony_code_v2_idx", old_name="sc_pony_code_idx"),
        migrations.RemoveIndex("Pony", "sc_pony_heavy_idx"),
        migrations.AlterIndexTogether("Pony", {("code", "weight")}),
        migrations.RenameIndex(
            "Pony", new_name="sc_pony_code_weight_idx", old_fields=("code", "weight")
        ),
    ],
    "constraints": lambda t: [
        _pony(t),
        migrations.AddConstraint(
            "Pony",
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(weight__gt=0), name="sc_pony_code_live_uniq"
            ),
        ),
        migrations.AddConstraint(
            "Pony",
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="sc_pony_weight_ck"),
        ),
        migrations.AddConstraint(
            "Pony", models.UniqueConstraint(fields=["code", "weight"], name="sc_pony_pair_uniq")
        ),
        migrations.RemoveConstraint("Pony", "sc_pony_code_live_uniq"),
        migrations.RemoveConstraint("Pony", "sc_pony_weight_ck"),
        migrations.RemoveConstraint("Pony", "sc_pony_pair_uniq"),
    ],
    "unique_together": lambda t: [
        _pony(t),
        migrations.AlterUniqueTogether("Pony", {("code", "weight")}),
        migrations.AlterUniqueTogether("Pony", {("code",)}),
        migrations.AlterUniqueTogether("Pony", set()),
    ],
    "rename_field": lambda t: [
        _pony(t, fields=[("tag", models.CharField(max_length=10, unique=True))]),
        migrations.RenameField("Pony", "tag", "label"),
        migrations.RenameField("Pony", "code", "ref"),
    ],
    "rename_model_and_table_in_schema": lambda t: [
        _stable(t),
        migrations.CreateModel(
            "Horse",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("stable", models.ForeignKey(f"{APP}.Stable", models.PROTECT)),
            ],
        ),
        migrations.AlterModelTable("Horse", t("sc_horse")),
        migrations.RenameModel("Horse", "Steed"),
        migrations.AlterModelTable("Steed", t("sc_steed")),
        migrations.AlterModelTable("Stable", t("sc_stable_v2", "b")),
    ],
    "many_to_many": lambda t: [
        _stable(t),
        _pony(t, fields=[("stables", models.ManyToManyField(f"{APP}.Stable"))]),
        migrations.AlterModelTable("Pony", t("sc_pony_v2")),
        migrations.RemoveField("Pony", "stables"),
    ],
    "enum_choices_are_database_checks": lambda t: [
        _pony(t, fields=[("service", EnumField(ServiceType, default=ServiceType.FOOD))]),
        migrations.AlterField(
            "Pony",
            "service",
            EnumField(choices=[("FOOD", "Food"), ("RIDE", "Ride")], default="FOOD"),
        ),
        migrations.AddField("Pony", "vehicle", EnumField(VehicleType, null=True)),
        migrations.RenameField("Pony", "vehicle", "ride_vehicle"),
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_operation_matches_public(name):
    _check_scenario(SCENARIOS[name])


def _constraint(snap, table, name):
    return snap.constraints[(table, name)][1]


@pytest.mark.django_db
def test_changing_enum_choices_replaces_the_check():
    _, forward = _check_scenario(SCENARIOS["enum_choices_are_database_checks"])
    created, altered, added, renamed = forward
    assert "'PARCEL'" in _constraint(created, "sc_pony", "sc_pony_service_check")
    check = _constraint(altered, "sc_pony", "sc_pony_service_check")
    assert "'RIDE'" in check and "'PARCEL'" not in check
    assert "'CARGO_3W'" in _constraint(added, "sc_pony", "sc_pony_vehicle_check")
    # A rename keeps the constraint (and PostgreSQL rewrites its column reference).
    assert "ride_vehicle" in _constraint(renamed, "sc_pony", "sc_pony_vehicle_check")


@pytest.mark.django_db
def test_protect_becomes_on_delete_restrict_and_back():
    _, forward = _check_scenario(SCENARIOS["alter_foreign_key_target_and_on_delete"])
    cascade, protect, retargeted, nullable, no_constraint = forward[2:]

    def fk(snap):
        return [d for (t, _), (kind, d, *_) in snap.constraints.items() if kind == "f"]

    assert "ON DELETE" not in fk(cascade)[0]
    assert "REFERENCES sc_stable(id) ON DELETE RESTRICT" in fk(protect)[0]
    assert "REFERENCES sc_barn(id) ON DELETE RESTRICT" in fk(retargeted)[0]
    assert "ON DELETE" not in fk(nullable)[0]
    assert fk(no_constraint) == []


@pytest.mark.django_db
def test_unique_off_really_drops_the_constraint():
    _, forward = _check_scenario(SCENARIOS["alter_field_unique_and_index"])
    created, unique, plain, indexed, plain_again = forward
    assert any(kind == "u" for (kind, *_) in unique.constraints.values())
    assert not any(kind == "u" for (kind, *_) in plain.constraints.values())
    assert plain.indexes.keys() == created.indexes.keys()
    assert len(indexed.indexes) == len(created.indexes) + 2  # btree + varchar_pattern_ops
    assert plain_again.indexes.keys() == created.indexes.keys()


@pytest.mark.django_db
def test_table_moves_between_public_and_a_schema_both_ways():
    steps = [
        CreateSchema(SCHEMA_A),
        _pony(in_public, fields=[("tag", models.CharField(max_length=10, unique=True))]),
        migrations.AlterModelTable("Pony", in_schemas("sc_pony")),
        migrations.AlterModelTable("Pony", in_schemas("sc_pony_v2")),
        migrations.AlterModelTable("Pony", "sc_pony_v3"),
    ]
    state = ProjectState()
    located = []
    for operation in steps:
        new_state = state.clone()
        operation.state_forwards(APP, new_state)
        with connection.schema_editor() as editor:
            operation.database_forwards(APP, editor, state, new_state)
        state = new_state
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT n.nspname || '.' || c.relname, c.relkind FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relname LIKE 'sc\\_pony%%' ORDER BY 1
                """
            )
            located.append(cursor.fetchall())
    tables = [[name for name, kind in rows if kind == "r"] for rows in located[1:]]
    assert tables == [
        ["public.sc_pony"],
        ["scratch_a.sc_pony"],
        ["scratch_a.sc_pony_v2"],
        ["public.sc_pony_v3"],
    ]
    # Indexes and the identity sequence travel with the table.
    assert {name.split(".")[0] for name, _ in located[2]} == {"scratch_a"}
    assert any(kind == "S" for _, kind in located[2])
