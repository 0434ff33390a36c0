"""House rules as system checks (``manage.py check`` runs them; so does CI)."""

from django.apps import apps as global_apps
from django.core import checks

from gatimitra.db.tables import (
    MAX_IDENTIFIER_LENGTH,
    canonical_table,
    display_table,
    schema_table,
    split_table,
)


def _domain_app_configs(app_configs):
    from gatimitra.apps import DomainConfig

    configs = app_configs if app_configs is not None else global_apps.get_app_configs()
    return [config for config in configs if isinstance(config, DomainConfig)]


def check_models_in_domain_schema(app_configs=None, **kwargs):
    """Every model of a domain app has its table in that app's schema, spelled
    with ``schema_table()``."""
    errors = []
    for app_config in _domain_app_configs(app_configs):
        for model in app_config.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            db_table = model._meta.db_table
            schema, name = split_table(db_table)
            if schema != app_config.db_schema:
                if schema is None and "." in name:
                    # "riders.x" is one table name with a dot, in public.
                    name = name.rsplit(".", 1)[1]
                errors.append(
                    checks.Error(
                        f"{model._meta.label} has db_table {display_table(db_table)!r}, "
                        f"outside the {app_config.db_schema!r} schema of app "
                        f"{app_config.label!r}.",
                        hint=(
                            f'Set Meta.db_table = schema_table("{app_config.db_schema}", '
                            f'"{name}") (from gatimitra.db.tables).'
                        ),
                        obj=model,
                        id="gatimitra.E001",
                    )
                )
            elif db_table != canonical_table(db_table) or db_table != schema_table(schema, name):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} spells its table {db_table!r}.",
                        hint=f'Use schema_table("{schema}", "{name}").',
                        obj=model,
                        id="gatimitra.E002",
                    )
                )
    return errors


def check_schema_created_by_migrations(app_configs=None, **kwargs):
    """A domain app's migrations create its schema (``CreateSchema``), so
    ``migrate`` builds it and ``migrate <app> zero`` removes it."""
    from django.db.migrations.loader import MigrationLoader

    from gatimitra.db.operations import CreateSchema

    configs = _domain_app_configs(app_configs)
    if not configs:
        return []
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    errors = []
    for app_config in configs:
        migrations = [
            m for (label, _), m in loader.disk_migrations.items() if label == app_config.label
        ]
        if not migrations:
            # makemigrations writes the first one, starting with CreateSchema.
            continue
        creates = any(
            isinstance(operation, CreateSchema) and operation.name == app_config.db_schema
            for migration in migrations
            for operation in migration.operations
        )
        if not creates:
            errors.append(
                checks.Error(
                    f"No migration of app {app_config.label!r} creates its schema "
                    f"{app_config.db_schema!r}.",
                    hint=(
                        "Start the app's first migration with "
                        f'gatimitra.db.operations.CreateSchema("{app_config.db_schema}").'
                    ),
                    obj=app_config,
                    id="gatimitra.E003",
                )
            )
    return errors


def check_index_and_constraint_names(app_configs=None, **kwargs):
    """Every ``Meta`` constraint of a domain model is named ``<table>_<purpose>``
    within PostgreSQL's 63 characters (a name PostgreSQL silently truncates
    could collide). Index names are capped at 30 characters by Django itself
    (models.E034), too short for a table prefix on long table names, so they
    are only required to be given."""
    errors = []
    for app_config in _domain_app_configs(app_configs):
        for model in app_config.get_models():
            _, table = split_table(model._meta.db_table)
            for constraint in model._meta.constraints:
                name = constraint.name or ""
                problem = None
                if len(name) > MAX_IDENTIFIER_LENGTH:
                    problem = f"is longer than {MAX_IDENTIFIER_LENGTH} characters"
                elif not name.startswith(f"{table}_"):
                    problem = f"does not start with the table name {table!r}"
                if problem:
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}: {type(constraint).__name__} {name!r} {problem}.",
                            hint="Name it explicitly as <table>_<purpose>.",
                            obj=model,
                            id="gatimitra.E004",
                        )
                    )
    return errors


def check_append_only_models_have_trigger(app_configs=None, **kwargs):
    """Every ``AppendOnlyModel`` (and ``LedgerEntryModel``) has the
    ``AppendOnly`` and ``RefuseTruncate`` triggers in its app's migrations;
    ledgers also ``LedgerChain``. A new append-only table cannot silently
    accept UPDATE, DELETE or TRUNCATE. (The audit app refuses TRUNCATE with
    its own operation of the same name, which counts too.)"""
    from django.db.migrations import CreateModel
    from django.db.migrations.loader import MigrationLoader

    from gatimitra.db.models import AppendOnlyModel, LedgerEntryModel
    from gatimitra.db.operations import AppendOnly, LedgerChain, RefuseTruncate

    configs = _domain_app_configs(app_configs)
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    operations = {}
    created = set()
    for (label, _), migration in loader.disk_migrations.items():
        for operation in migration.operations:
            if isinstance(operation, CreateModel):
                created.add((label, operation.name_lower))
            if isinstance(operation, AppendOnly | LedgerChain):
                operations.setdefault((label, operation.model_name.lower()), set()).add(
                    type(operation)
                )
            elif type(operation).__name__ == RefuseTruncate.__name__:
                operations.setdefault((label, operation.model_name.lower()), set()).add(
                    RefuseTruncate
                )
    errors = []
    for app_config in configs:
        for model in app_config.get_models():
            required = []
            if issubclass(model, AppendOnlyModel):
                required += [AppendOnly, RefuseTruncate]
            if issubclass(model, LedgerEntryModel):
                required.append(LedgerChain)
            if (app_config.label, model._meta.model_name) not in created:
                # No migration creates it yet: makemigrations must be able to run.
                continue
            present = operations.get((app_config.label, model._meta.model_name), set())
            for operation in required:
                if operation not in present:
                    errors.append(
                        checks.Error(
                            f"{model._meta.label} is append-only"
                            f"{' (a ledger)' if operation is LedgerChain else ''} "
                            f"but no migration applies {operation.__name__} to it.",
                            hint=(
                                f"Add gatimitra.db.operations.{operation.__name__}"
                                f'(model_name="{model.__name__}", ...) to a migration.'
                            ),
                            obj=model,
                            id="gatimitra.E005",
                        )
                    )
    return errors


def check_partitioned_models_have_migration(app_configs=None, **kwargs):
    """A model with a ``partitioning`` spec (``gatimitra.db.partitions``) has
    a ``PartitionByRange`` migration with the same key and interval, so
    ``manage.py partitions`` never meets a plain table (or the wrong key)."""
    from django.db.migrations.loader import MigrationLoader

    from gatimitra.db.operations import PartitionByRange

    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    applied = {}
    for (label, _), migration in loader.disk_migrations.items():
        for operation in migration.operations:
            if isinstance(operation, PartitionByRange):
                applied[(label, operation.model_name.lower())] = (operation.key, operation.interval)
    errors = []
    for app_config in _domain_app_configs(app_configs):
        for model in app_config.get_models():
            spec = getattr(model, "partitioning", None)
            if spec is None:
                continue
            found = applied.get((app_config.label, model._meta.model_name))
            if found != (spec.key, spec.interval):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} is partitioned by {spec.interval} of {spec.key} "
                        f"but its migrations "
                        + (f"partition it by {found[1]} of {found[0]}." if found else "do not."),
                        hint=(
                            "Add gatimitra.db.operations.PartitionByRange("
                            f'model_name="{model.__name__}", key="{spec.key}", '
                            f'interval="{spec.interval}") to a migration.'
                        ),
                        obj=model,
                        id="gatimitra.E006",
                    )
                )
    return errors


#: Choice fields that hold a status though their name does not say so.
LISTED_STATUS_FIELDS: frozenset[str] = frozenset()


def is_status_field(field):
    """A status column: a choices field named *status* / *stage* / *state*
    (``status``, ``moderation_status``, ``onboarding_stage``, ``state``)."""
    if not getattr(field, "choices", None) or not getattr(field, "concrete", False):
        return False
    name = field.name
    return (
        "status" in name
        or name.endswith("_stage")
        or name in {"stage", "state"}
        or (field.model._meta.label, name) in LISTED_STATUS_FIELDS
    )


def check_status_columns_have_machine(app_configs=None, **kwargs):
    """Every status column has a machine declared in its app's
    ``transitions.MACHINES`` and compiled by a ``StatusMachine`` migration
    whose frozen map equals the declaration (the newest one per column), so
    no status changes unguarded and a map edit without a migration fails."""
    from django.db.migrations.loader import MigrationLoader

    from gatimitra.db.machines import declared_machines
    from gatimitra.db.models import AppendOnlyModel
    from gatimitra.db.operations import StatusMachine

    declared = declared_machines()
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    compiled = {}
    graph = loader.graph
    plan, seen = [], set()
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                plan.append(node)
    # One topological order: within an app the newest StatusMachine is last.
    for node in plan:
        migration = loader.disk_migrations.get(node)
        if migration is None:
            continue
        for operation in migration.operations:
            if isinstance(operation, StatusMachine):
                compiled[(node[0], operation.model_name.lower(), operation.field)] = (
                    operation.machine
                )
    errors = []
    for app_config in _domain_app_configs(app_configs):
        for model in app_config.get_models():
            for field in model._meta.concrete_fields:
                if not is_status_field(field):
                    continue
                key = (app_config.label, model._meta.model_name, field.name)
                if key not in declared:
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name} is a status column with no machine.",
                            hint=(
                                f"Declare MACHINES[({model.__name__!r}, {field.name!r})] in "
                                f"{app_config.name}/transitions.py and compile it with "
                                "gatimitra.db.operations.StatusMachine in a migration."
                            ),
                            obj=model,
                            id="gatimitra.E007",
                        )
                    )
                    continue
                machine = declared[key]
                if machine is None:  # guarded by its own trigger (orders.status)
                    continue
                if issubclass(model, AppendOnlyModel) and not machine.is_record:
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name}: the table is append-only, "
                            "so its status never changes in place.",
                            hint="Declare it Machine.record().",
                            obj=model,
                            id="gatimitra.E009",
                        )
                    )
                undecided = (
                    set()
                    if machine.is_record
                    else {value for value, _ in field.flatchoices}
                    - set(machine.transitions)
                    - machine.terminal
                )
                if undecided:
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name}: statuses {sorted(undecided)} "
                            "have no exits and are not terminal in its machine.",
                            hint="Give each a way out or make it terminal.",
                            obj=model,
                            id="gatimitra.E009",
                        )
                    )
                if compiled.get(key) != machine.frozen():
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name}: the machine in "
                            f"{app_config.name}/transitions.py is not the one a migration "
                            "compiled.",
                            hint=(
                                "Add a migration with StatusMachine(..., machine=<the frozen map>, "
                                "replaces=<the previous one>)."
                            ),
                            obj=model,
                            id="gatimitra.E008",
                        )
                    )
    return errors
