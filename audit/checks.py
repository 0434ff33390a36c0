"""System checks: the tracked list, the migrations and the models agree.

Warnings rather than errors so that makemigrations and audit_migrations can
run while the tracked list and the migrations are being brought in line; CI
runs ``manage.py check --fail-level WARNING``, where they fail the build."""

from django.apps import apps
from django.core import checks


def _effective_tracking():
    from django.db.migrations.loader import MigrationLoader

    from audit.operations import TrackChanges, UntrackChanges

    loader = MigrationLoader(None, ignore_no_migrations=True)
    installed = set()
    for key in loader.graph.forwards_plan(("audit", loader.graph.leaf_nodes("audit")[0][1])):
        if key[0] != "audit":
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, UntrackChanges):
                installed.discard(operation.key)
            elif isinstance(operation, TrackChanges):
                installed.add(operation.key)
    return installed


def check_tracked_tables_have_triggers(app_configs=None, **kwargs):
    from audit.tracked import TRACKED

    installed = _effective_tracking()
    wanted = {track.key for track in TRACKED}
    errors = []
    for key in sorted(wanted - installed):
        errors.append(
            checks.Warning(
                f"{key[0]} is tracked in audit/tracked.py but no audit migration installs "
                "its trigger (with these arguments).",
                hint="Run 'python manage.py audit_migrations' to write the migration.",
                id="audit.W001",
            )
        )
    for key in sorted(installed - wanted):
        errors.append(
            checks.Warning(
                f"An audit migration installs a trigger on {key[0]} that audit/tracked.py "
                "does not list.",
                hint="Run 'python manage.py audit_migrations' to remove it, or list it.",
                id="audit.W002",
            )
        )
    return errors


def check_every_domain_model_is_decided(app_configs=None, **kwargs):
    from audit.tracked import TRACKED, UNTRACKED
    from gatimitra.apps import DomainConfig

    tracked = {track.model for track in TRACKED}
    errors = []
    for config in apps.get_app_configs():
        if not isinstance(config, DomainConfig) or f"{config.label}.*" in UNTRACKED:
            continue
        for model in config.get_models():
            label = model._meta.label
            if label not in tracked and label not in UNTRACKED:
                errors.append(
                    checks.Warning(
                        f"{label} is neither tracked nor listed as untracked in audit/tracked.py.",
                        hint="Decide whether its changes must be audited, and say so there.",
                        obj=model,
                        id="audit.W003",
                    )
                )
    return errors
