"""Every status column's machine (``<app>/transitions.py``) is the one the
database enforces: the compiled function agrees with the map pair by pair,
and for each column a factory row is refused a move outside its machine
(SQLSTATE 23514, the rule as the constraint name, table and row in the
message) and accepted along it."""

import itertools

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from access_mgmt.factories import SystemUserFactory
from gatimitra.db.machines import Machine, declared_machines, names
from gatimitra.db.models import AppendOnlyModel
from gatimitra.db.tables import display_table
from gatimitra.testing import factory_for

COLUMNS = sorted(
    (key, machine) for key, machine in declared_machines().items() if machine is not None
)


def _field(key):
    app_label, model_name, field_name = key
    model = apps.get_model(app_label, model_name)
    return model, model._meta.get_field(field_name)


def _id(value):
    return ".".join(value) if isinstance(value, tuple) else None


def _states(field):
    return [value for value, _ in field.flatchoices]


@pytest.mark.django_db
def test_database_functions_match_the_declared_maps():
    """One query per column over every (from, to) pair of its choices."""
    mismatches = []
    with connection.cursor() as cursor:
        for key, machine in COLUMNS:
            model, field = _field(key)
            n = names(model._meta.db_table, field.column)
            states = [*_states(field), None] if field.null else _states(field)
            pairs = list(itertools.product(states, states))
            cursor.execute(
                f'SELECT a, b, "{n["schema"]}"."{n["allowed"]}"(a, b) '
                "FROM unnest(%s::text[], %s::text[]) AS p(a, b)",
                [[a for a, _ in pairs], [b for _, b in pairs]],
            )
            for a, b, allowed in cursor.fetchall():
                if allowed != machine.is_allowed(a, b):
                    mismatches.append((key, a, b, allowed))
    assert mismatches == []


def _refusal_target(machine, current, states):
    """A status ``current`` may not become, and the rule refusing it."""
    # Last first: the early statuses of a lifecycle have gates of their own
    # (a store going LIVE) that may refuse before the machine does.
    for target in reversed(states):
        if target != current and not machine.is_allowed(current, target):
            if machine.is_record:
                return target, "is_record"
            if current in machine.terminal:
                return target, "terminal_final"
            return target, "transition"
    return None, None


def _decided():
    return {"decided_at": timezone.now()}


def _handled():
    now = timezone.now()
    return {"acknowledged_at": now, "resolved_at": now, "handled_by": SystemUserFactory()}


def _anonymised():
    return {
        "anonymised_at": timezone.now(),
        "mobile": None,
        "email": None,
        "full_name": "",
        "date_of_birth": None,
    }


#: What a row in a terminal status must also carry (the tables' CHECKs).
TERMINAL_ROW = {
    "customers.Customer": _anonymised,
    "access_mgmt.ApprovalRequest": _decided,
    "customers.CustomerSosAlert": _handled,
    "riders.RiderSosAlert": _handled,
}


def _row_with_a_refusal(model, field, machine):
    """A factory row in a status that something may not follow: the
    factory's own, else each terminal status (then any) the factory can
    save a row in."""
    factory = factory_for(model)
    row = factory()
    states = _states(field)
    target, rule = _refusal_target(machine, getattr(row, field.attname), states)
    candidates = sorted(states, key=lambda state: state not in machine.terminal)
    extra = TERMINAL_ROW.get(model._meta.label, dict)()
    for state in candidates:
        if target is not None:
            break
        try:
            with transaction.atomic():
                row = factory(**{field.name: state, **extra})
        except IntegrityError:
            continue
        target, rule = _refusal_target(machine, getattr(row, field.attname), states)
    for state in candidates:  # else move the row there, when the move is allowed
        if target is not None:
            break
        if not machine.is_allowed(getattr(row, field.attname), state):
            continue
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=row.pk).update(**{field.attname: state})
        except IntegrityError:
            continue
        row.refresh_from_db()
        target, rule = _refusal_target(machine, state, states)
    assert target is not None, f"no {model._meta.label} row whose {field.name} has a refusal"
    return row, target, rule


def _allowed_target(machine, current, states):
    for target in states:
        if target != current and machine.is_allowed(current, target):
            return target
    return None


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "machine"), COLUMNS, ids=[_id(k) for k, _ in COLUMNS])
def test_a_move_outside_the_machine_is_refused(key, machine):
    model, field = _field(key)
    row, target, rule = _row_with_a_refusal(model, field, machine)
    n = names(model._meta.db_table, field.column)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(**{field.attname: target})
    cause = caught.value.__cause__
    message = str(caught.value)
    if cause.diag.constraint_name is None and "is append-only" in message:
        # An append-only table refuses every UPDATE before the record guard.
        assert display_table(model._meta.db_table) in message
        return
    assert cause.sqlstate == "23514", message
    assert cause.diag.constraint_name == n[rule], message
    assert display_table(model._meta.db_table) in message, message
    assert str(row.pk) in message, message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "machine"),
    [(k, m) for k, m in COLUMNS if not m.is_record],
    ids=[_id(k) for k, m in COLUMNS if not m.is_record],
)
def test_a_move_along_the_machine_passes_the_guard(key, machine):
    """The guard lets an allowed move through (other rules of the table, such
    as a CHECK that a processed payout has its date, may still apply: those
    are not this guard's)."""
    model, field = _field(key)
    assert not issubclass(model, AppendOnlyModel), (
        f"{model._meta.label} is append-only: its {field.name} can only be a record"
    )
    row = factory_for(model)()
    current = getattr(row, field.attname)
    target = _allowed_target(machine, current, _states(field))
    assert target is not None or current in machine.terminal
    if target is None:
        return
    n = names(model._meta.db_table, field.column)
    try:
        with transaction.atomic():
            model._base_manager.filter(pk=row.pk).update(**{field.attname: target})
    except IntegrityError as error:
        assert error.__cause__.diag.constraint_name not in (
            n["transition"],
            n["terminal_final"],
            n["is_record"],
        ), str(error)


@pytest.mark.parametrize(
    "transitions, terminal, states, message",
    [
        ({"DONE": {"OPEN"}, "OPEN": {"DONE"}}, {"DONE"}, (), "terminal status DONE has exits"),
        ({"OPEN": {"OPEN", "DONE"}}, {"DONE"}, (), "OPEN -> OPEN is not a transition"),
        ({"OPEN": {"DONE"}}, {"DONE"}, ("OPEN", "DONE", "HELD"), "no exits that are not terminal"),
    ],
)
def test_a_machine_that_contradicts_itself_is_refused_at_definition(
    transitions, terminal, states, message
):
    # A configuration error, reported at import as Django reports others: not an
    # assertion (which python -O would strip, letting the bad machine compile).
    with pytest.raises(ImproperlyConfigured, match=message):
        Machine(transitions, frozenset(terminal), states)
