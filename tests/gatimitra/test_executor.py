"""``gatimitra.ops.executor``: a backward run unapplies each migration from the
same project state as Django's executor, rendered into the same models, and
returns the same state, without rendering the states it does not use.
(The unapplies themselves run in tests/gatimitra/test_migrations.py and the
other reversal tests, through ``migrate``.)"""

import pytest
from django.core.management.commands import migrate as django_migrate
from django.db import connection
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.executor import MigrationExecutor as DjangoExecutor

from gatimitra.ops import executor

#: Unapplies merchants 0017 and 0016, with orders and riders migrations
#: applied after them in the plan (the state migrate returns includes those).
TARGET = ("merchants", "0015_record_e_invoice_acknowledgements")


def _described(state):
    """Every model state, deconstructed all the way down (as the autodetector
    compares them: an array field's base field is a new object in each)."""
    deep = MigrationAutodetector(state, state).deep_deconstruct
    return {
        key: (deep([model.fields, model.options, model.bases]), model.managers)
        for key, model in state.models.items()
    } | {"real apps": sorted(state.real_apps)}


def _rendered(state):
    """Each rendered model with its fields, reverse relations included."""
    return {
        model._meta.label_lower: sorted(
            (field.name, type(field).__name__) for field in model._meta.get_fields()
        )
        for model in state.apps.get_models()
    }


def _backwards(executor_class, fake):
    """Run ``executor_class``'s backward walk to TARGET, with the unapply
    itself replaced by a record of what it was given."""
    runner = executor_class(connection)
    seen = []

    def unapply_migration(state, migration, fake=False):
        rendered = "apps" in state.__dict__
        seen.append(
            (
                migration.app_label,
                migration.name,
                _described(state),
                rendered,
                _rendered(state) if rendered else None,
            )
        )
        return state

    runner.unapply_migration = unapply_migration
    plan = runner.migration_plan([TARGET])
    full_plan = runner.migration_plan(runner.loader.graph.leaf_nodes(), clean_start=True)
    final = runner._migrate_all_backwards(plan, full_plan, fake=fake)
    return plan, seen, final


@pytest.mark.django_db
def test_backward_run_unapplies_from_djangos_states():
    plan, ours, our_final = _backwards(executor.MigrationExecutor, fake=False)
    _, django, django_final = _backwards(DjangoExecutor, fake=False)
    assert [(m.app_label, m.name[:4]) for m, _ in plan][-2:] == [
        ("merchants", "0017"),
        ("merchants", "0016"),
    ]
    assert [entry[:2] for entry in ours] == [entry[:2] for entry in django]
    for (app, name, state, rendered, models), (*_, d_state, _, d_models) in zip(
        ours, django, strict=True
    ):
        assert rendered, f"{app}.{name} unapplied from an unrendered state"
        assert state == d_state, f"{app}.{name}: not Django's state"
        assert models == d_models, f"{app}.{name}: rendered unlike Django's"
    assert _described(our_final) == _described(django_final)
    assert ("orders", "orderinvoice") in our_final.models  # the applied migrations after
    assert "apps" not in our_final.__dict__


@pytest.mark.django_db
def test_a_fake_backward_run_renders_nothing():
    _, ours, our_final = _backwards(executor.MigrationExecutor, fake=True)
    _, django, django_final = _backwards(DjangoExecutor, fake=True)
    assert [entry[:3] for entry in ours] == [entry[:3] for entry in django]
    assert ours and not any(entry[3] for entry in ours), "a fake run rendered a state"
    assert _described(our_final) == _described(django_final)


def test_migrate_runs_with_the_executor_only_while_it_runs():
    assert django_migrate.MigrationExecutor is DjangoExecutor
    with executor.used_by_migrate():
        assert django_migrate.MigrationExecutor is executor.MigrationExecutor
    assert django_migrate.MigrationExecutor is DjangoExecutor
