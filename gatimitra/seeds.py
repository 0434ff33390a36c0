"""Tracked seeds: ``fixtures/`` applied once, again only when a file changes,
never over a row someone edited since.

``gatimitra_applied_seeds`` records each fixture's name and checksum;
``gatimitra_seed_rows`` each row it wrote, with a hash of every column as
written. ``apply_seeds``:

1. reads every file and refuses the whole load, before writing anything,
   when one names the same primary key or natural key twice (naming the
   file, model and key; also across files);
2. skips a file whose checksum is the one recorded;
3. for a new or changed file, refuses when a row it would write was edited
   since a seed wrote it (or, never written by a seed, differs from the
   fixture): naming the table, key and column; ``force`` overwrites;
4. writes the rows as ``loaddata`` does (raw saves, then the sequences),
   all files in one transaction, and records them.

Plain ``manage.py loaddata`` stays Django's untracked loader.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

from gatimitra.db.errors import describe_database_error


class SeedError(Exception):
    """A seed refused; the message names the file, table, key and column."""


def fixture_paths():
    return sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))


def is_demo(path) -> bool:
    """Demo fixtures (``*_demo.json``) load only into development databases."""
    return Path(path).stem.endswith("_demo")


def _normalise(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    return value


def column_hashes(instance) -> dict:
    """``{column: sha256 of its value}`` over the concrete columns but the key."""
    hashes = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.primary_key:
            continue
        value = _normalise(model_field.value_from_object(instance))
        text = json.dumps(value, sort_keys=True, default=str)
        hashes[model_field.column] = hashlib.sha256(text.encode()).hexdigest()[:32]
    return hashes


def table_name(model) -> str:
    return model._meta.db_table.replace('"."', ".")


@dataclass
class Fixture:
    path: Path
    checksum: str
    entries: list = field(default_factory=list)

    @property
    def name(self):
        return self.path.name


def _read(path):
    data = Path(path).read_bytes()
    fixture = Fixture(Path(path), hashlib.sha256(data).hexdigest())
    try:
        fixture.entries = json.loads(data)
        if not isinstance(fixture.entries, list):
            raise ValueError("a fixture is a JSON list of objects")
    except ValueError as exc:
        raise SeedError(f"{fixture.name}: cannot be read: {exc}") from exc
    return fixture


def _raw_natural_key(model, fields):
    """The natural key an entry names, from its own fields (no query): the
    lookups of the model's NaturalKeyManager (``role__code`` is the ``role``
    entry, itself a natural key)."""
    lookups = getattr(model._default_manager, "lookups", None)
    if not lookups:
        return None
    try:
        return tuple(
            json.dumps(fields[lookup.split("__")[0]], sort_keys=True) for lookup in lookups
        )
    except KeyError:
        return None


def _refuse_duplicates(fixtures):
    """The same primary key or natural key twice, in one file or two."""
    seen = {}
    for fixture in fixtures:
        for entry in fixture.entries:
            try:
                model = apps.get_model(entry["model"])
            except (KeyError, LookupError, ValueError) as exc:
                raise SeedError(f"{fixture.name}: unknown model in {entry!r:.80}") from exc
            keys = []
            if entry.get("pk") is not None:
                keys.append(("pk", repr(entry["pk"])))
            natural = _raw_natural_key(model, entry.get("fields", {}))
            if natural is not None:
                keys.append(("natural key", "(" + ", ".join(natural) + ")"))
            for kind, key in keys:
                if (model._meta.label, kind, key) in seen:
                    first = seen[(model._meta.label, kind, key)]
                    also = "" if first == fixture.name else f" (first in {first})"
                    raise SeedError(
                        f"{fixture.name}: {model._meta.label} {kind} {key} appears twice{also}; "
                        "nothing was written: each row must appear once."
                    )
                seen[(model._meta.label, kind, key)] = fixture.name


def _key_text(obj):
    natural = _natural_key(obj.object)
    if natural is not None:
        return f"natural key {natural!r}"
    return f"pk {obj.object.pk!r}"


def _natural_key(instance):
    if getattr(type(instance)._default_manager, "lookups", None):
        try:
            return tuple(instance.natural_key())
        except (AttributeError, ObjectDoesNotExist):
            return None
    return None


#: Bookkeeping columns, named only when nothing else changed.
BOOKKEEPING = {"updated_at"}


def _edited_column(model, current, recorded):
    """The first changed column in the model's order, bookkeeping last."""
    changed = [
        model_field.column
        for model_field in model._meta.concrete_fields
        if model_field.column in recorded
        and current.get(model_field.column) != recorded[model_field.column]
    ]
    changed.sort(key=lambda column: column in BOOKKEEPING)
    return changed[0] if changed else None


def _check_edit(fixture, obj, tracked, using):
    """Refuse when the row ``obj`` would write was edited since a seed wrote it
    (or exists, not written by a seed, and differs from the fixture)."""
    instance = obj.object
    model = instance.__class__
    if instance.pk is None:
        return  # its natural key is not in the database: a new row
    current = model._base_manager.using(using).filter(pk=instance.pk).first()
    if current is None:
        return
    recorded = tracked.get((model._meta.label, str(instance.pk)))
    expected = recorded if recorded is not None else column_hashes(instance)
    column = _edited_column(model, column_hashes(current), expected)
    if column is None:
        return
    since = (
        "was edited since a seed wrote it"
        if recorded is not None
        else "exists and differs from the fixture (no seed wrote it)"
    )
    raise SeedError(
        f"{fixture.name}: {table_name(model)} row {_key_text(obj)} {since}: column "
        f"{column!r} changed. The seed leaves edited rows alone; nothing was written. Keep "
        "the edit (change or remove the row in the fixture), or run `manage.py seed --force` "
        "to overwrite it."
    )


def _without_values(exc):
    """A deserialisation error names the model, key and field; the value it
    quotes may be personal (a malformed mobile), so it is left out."""
    text = re.sub(r"field_value was '.*'", "", str(exc), flags=re.S)
    return re.sub(r"“[^”]*”|\"[^\"]*\"", "“•••”", text).strip(" :")


def _write(fixture, tracked, force, using):
    """Save the file's rows as loaddata does (raw saves, deserialised one by
    one so natural keys find the rows saved before them) and record them."""
    from gatimitra.models import AppliedSeed, SeedRow

    objects = []
    try:
        for obj in serializers.deserialize(
            "json", json.dumps(fixture.entries), using=using, handle_forward_references=True
        ):
            if not force:
                _check_edit(fixture, obj, tracked, using)
            obj.save(using=using)
            objects.append(obj)
        for obj in objects:
            if obj.deferred_fields:
                obj.save_deferred_fields(using=using)
    except SeedError:
        raise
    except DatabaseError as exc:
        raise SeedError(
            f"{fixture.name}: {describe_database_error(exc)}; nothing was written"
        ) from exc
    except Exception as exc:
        raise SeedError(f"{fixture.name}: {_without_values(exc)}; nothing was written") from exc
    seed, _ = AppliedSeed.objects.using(using).update_or_create(
        fixture=fixture.name,
        defaults={
            "checksum": fixture.checksum,
            "objects_written": len(objects),
            "applied_at": timezone.now(),
        },
    )
    by_model = {}
    for obj in objects:
        by_model.setdefault(obj.object.__class__, []).append(obj.object.pk)
    rows = []
    for model, pks in by_model.items():
        # Hashes of the rows as the database holds them (its types, its time zone).
        for stored in model._base_manager.using(using).filter(pk__in=pks):
            rows.append(
                SeedRow(
                    seed=seed,
                    model=model._meta.label,
                    object_pk=str(stored.pk),
                    column_hashes=column_hashes(stored),
                )
            )
        SeedRow.objects.using(using).filter(
            model=model._meta.label, object_pk__in=[str(pk) for pk in pks]
        ).delete()
    SeedRow.objects.using(using).bulk_create(rows, batch_size=500)
    return set(by_model)


def apply_seeds(paths=None, *, force=False, using=DEFAULT_DB_ALIAS, log=print, guard=None):
    """Apply new and changed fixtures, all or nothing; returns ``(applied,
    skipped)`` file names. ``guard(names)`` is called with the demo files
    about to be applied (it raises to refuse)."""
    from gatimitra.models import AppliedSeed, SeedRow

    paths = [Path(p) for p in (paths if paths is not None else fixture_paths())]
    fixtures = [_read(path) for path in paths]
    _refuse_duplicates(fixtures)
    connection = connections[using]
    applied = []
    with transaction.atomic(using=using):
        recorded = dict(AppliedSeed.objects.using(using).values_list("fixture", "checksum"))
        pending = [f for f in fixtures if recorded.get(f.name) != f.checksum]
        skipped = [f.name for f in fixtures if f not in pending]
        demo = [f.name for f in pending if is_demo(f.path)]
        if demo and guard:
            guard(demo)
        tracked = {
            (model, pk): hashes
            for model, pk, hashes in SeedRow.objects.using(using).values_list(
                "model", "object_pk", "column_hashes"
            )
        }
        models = set()
        for fixture in pending:
            models |= _write(fixture, tracked, force, using)
            applied.append(fixture.name)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            try:
                # Deferred constraints are checked now, so a failure names the seeds.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            except DatabaseError as exc:
                raise SeedError(
                    f"{', '.join(applied)}: {describe_database_error(exc)}; nothing was written"
                ) from exc
    for name in skipped:
        log(f"{name}: unchanged, skipped")
    for name in applied:
        log(f"{name}: applied")
    return applied, skipped
