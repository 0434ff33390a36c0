"""Django's migration executor, without the renders a backward run throws away.

To unapply migrations Django first walks the whole forward plan building the
project state before each migration to be unapplied
(``MigrationExecutor._migrate_all_backwards``). It renders the state (the
model classes) at the first such migration and keeps it rendered from there
on, so every later migration of the plan, applied or unapplied, re-renders
the models its operations touch; with foreign keys between nearly all of the
project's models that is nearly every model, per operation. On this graph
that walk was about half of ``migrate riders 0003`` (52.9 s with Django's
executor, 29.5 s with this one) and nearly all of ``migrate access_mgmt zero
--fake`` (47.0 s, 1.5 s), which never looks at a model (benchmarks/README.md,
``benchmarks/migrate_backwards.py``).

Here the walk keeps the states unrendered (pure bookkeeping: the operations'
``state_forwards`` change the same model states either way), and each state
is rendered once, from scratch, just before its migration is unapplied (not
at all with ``--fake``), then released. Rendering from scratch is how Django
renders every other state it starts from (the forward run's first state,
``sqlmigrate --backwards``); the unapply itself (``Migration.unapply``) and
the state ``migrate`` returns are Django's, unchanged.

``_migrate_all_backwards`` below is Django 5.2's with those two changes;
``tests/gatimitra/test_executor.py`` compares its states, rendered models and
result with Django's own executor on every run, so a Django upgrade that
changes them fails there. ``migrate`` (``gatimitra/management/commands/migrate.py``)
runs Django's command with this executor (:func:`used_by_migrate`).
"""

from contextlib import contextmanager

from django.core.management.commands import migrate as django_migrate
from django.db.migrations.executor import MigrationExecutor as DjangoMigrationExecutor


class MigrationExecutor(DjangoMigrationExecutor):
    def _migrate_all_backwards(self, plan, full_plan, fake):
        """Django's, with the states before each unapplied migration built
        unrendered and rendered one at a time (see the module docstring)."""
        migrations_to_run = {m[0] for m in plan}
        # The state before each migration to unapply, unrendered.
        states = {}
        state = self._create_project_state()
        applied_migrations = {
            self.loader.graph.nodes[key]
            for key in self.loader.applied_migrations
            if key in self.loader.graph.nodes
        }
        if self.progress_callback:
            self.progress_callback("render_start")
        for migration, _ in full_plan:
            if not migrations_to_run:
                break
            if migration in migrations_to_run:
                states[migration] = state
                # The old state keeps as-is, we continue with a clone.
                state = migration.mutate_state(state, preserve=True)
                migrations_to_run.remove(migration)
            elif migration in applied_migrations:
                migration.mutate_state(state, preserve=False)
        if self.progress_callback:
            self.progress_callback("render_success")

        for migration, _ in plan:
            before = states[migration]
            if not fake:
                # Rendered here, once; Migration.unapply clones it and
                # re-renders incrementally per operation, as in Django.
                before.apps  # noqa: B018
            self.unapply_migration(before, migration, fake=fake)
            before.__dict__.pop("apps", None)  # one rendered state at a time
            applied_migrations.remove(migration)

        # As Django: the state before the last unapplied migration, with the
        # applied migrations after it in the plan, unrendered.
        last_unapplied_migration = plan[-1][0]
        state = states[last_unapplied_migration]
        for index, (migration, _) in enumerate(full_plan):
            if migration == last_unapplied_migration:
                for migration, _ in full_plan[index:]:
                    if migration in applied_migrations:
                        migration.mutate_state(state, preserve=False)
                break
        return state


@contextmanager
def used_by_migrate():
    """Django's ``migrate`` command builds its executor from the name
    ``MigrationExecutor`` in its module: this one for the duration."""
    saved = django_migrate.MigrationExecutor
    django_migrate.MigrationExecutor = MigrationExecutor
    try:
        yield
    finally:
        django_migrate.MigrationExecutor = saved
