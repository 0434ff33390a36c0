"""The demo's code reads as data flowing through steps, with the domains'
vocabulary: read from the source (no database).

* no step sets attributes on the run (``demo.x = ...``): a step takes what it
  needs as arguments and returns what later steps need (``demo.runner._wire``);
* no bare service-type or order-status strings ("FOOD", "DELIVERED"...): the
  domain enums (``gatimitra.enums``);
* no status compared with a bare string (``rider.status == "ACTIVE"``): the
  enum of that status (``riders.choices.RiderStatus.ACTIVE``...);
* no bare string spelling a member of any enum of the domains where it fills
  an enum column: the member (``FoodPrepStatus.READY``); the exceptions are
  listed (``NOT_ENUM_NAMES``, ``KEPT_FORMATS``) with their reasons.
"""

import ast
import importlib
import inspect
from pathlib import Path

from django.apps import apps
from django.db import models

from gatimitra.enums import OrderStatus, ServiceType

DEMO = Path(__file__).resolve().parents[2] / "demo"


def demo_trees():
    for path in sorted(DEMO.rglob("*.py")):
        yield path.relative_to(DEMO.parent).as_posix(), ast.parse(path.read_text())


def _targets(node):
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return [node.target]
    return []


def test_no_step_sets_attributes_on_the_run():
    offending = [
        f"{path}:{node.lineno}: demo.{target.attr} = ..."
        for path, tree in demo_trees()
        for node in ast.walk(tree)
        for target in _targets(node)
        if isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "demo"
    ]
    assert offending == [], "a step returns what later steps need:\n" + "\n".join(offending)


def test_service_types_and_order_statuses_are_the_domain_enums():
    values = set(ServiceType.values) | set(OrderStatus.values)
    offending = [
        f"{path}:{node.lineno}: {node.value!r}"
        for path, tree in demo_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in values
    ]
    assert offending == [], "use gatimitra.enums (ServiceType, OrderStatus):\n" + "\n".join(
        offending
    )


def _names_a_status(node):
    if isinstance(node, ast.Attribute):
        return node.attr.endswith("status")
    if isinstance(node, ast.Name):
        return node.id.endswith("status")
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value).endswith("status")
    return False


def _string_literals(node):
    items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [
        item for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)
    ]


def test_statuses_are_compared_with_enums():
    offending = [
        f"{path}:{literal.lineno}: {literal.value!r}"
        for path, tree in demo_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and any(_names_a_status(side) for side in [node.left, *node.comparators])
        for side in [node.left, *node.comparators]
        for literal in _string_literals(side)
    ]
    assert offending == [], "compare a status with its enum:\n" + "\n".join(offending)


# Every enum of the domains ---------------------------------------------------------------------

#: Where the domains define their enums: each app's ``choices.py`` and the shared ones.
ENUM_MODULES = (
    "gatimitra.enums",
    "access_mgmt.choices",
    "audit.choices",
    "customers.choices",
    "merchants.choices",
    "orders.choices",
    "riders.choices",
)

#: Names a bare string may fill although it spells a member of some enum, because
#: what they hold is not that enum. Each is the demo's constant for a column kept
#: to a CHECK-constrained text list with no enum, where a column of the same name
#: elsewhere is an enum column, or text that is not a column value. (Columns that
#: are never an enum, such as ``gateway`` or ``beneficiary``, need no entry: the
#: test reads them off the models, ``_never_enum_columns``.)
NOT_ENUM_NAMES = {
    # Their status columns are customers.choices PAYMENT_METHOD_STATUSES,
    # WALLET_STATUSES, BUSINESS_PROFILE_STATUSES, CART_STATUSES.
    "LISTED_ACTIVE": "customers' payment methods, wallets, business profiles and carts",
    "CONTRACT_ACTIVE": "merchant_contracts.status (CONTRACT_STATUSES)",
    # Review media's moderation_status is VerificationStatus; ticket events'
    # event_type shares its name with payment events' PaymentEventType;
    # refunds' reason_code is RefundReason.
    "RATING_APPROVED": "customer_ratings.moderation_status (MODERATION_STATES)",
    "TICKET_CREATED": "customer_ticket_events.event_type (TICKET_EVENT_TYPES)",
    "TICKET_ASSIGNED": "customer_ticket_events.event_type (TICKET_EVENT_TYPES)",
    "PENALTY_REASONS_SEEN": "rider_penalties.reason_code (riders PENALTY_REASONS)",
    # Notifications' channel is NotificationChannel.
    "OTHER_ORDER_CHANNELS": "orders.channel (ORDER_CHANNELS)",
    "ONDC_CHANNEL": "orders.channel (ORDER_CHANNELS)",
    # Payments' method is PaymentMethod; the audit's verification kind is an enum.
    "DEPOSIT_BY_UPI": "rider_cash_deposits.method (riders CASH_DEPOSIT_METHODS)",
    "WEEKLY_PAYOUT": "rider_payouts.kind (riders PAYOUT_KINDS)",
    "BLOCKED_KINDS": "blocked_identifiers.kind (BLOCKED_IDENTIFIER_KINDS)",
    # Weights over order_payments.gateway (PAYMENT_GATEWAYS; "RAZORPAY" is
    # also a riders KycVendor).
    "GATEWAYS": "order_payments.gateway by share of payments",
    # Not a column's value: notification template codes by order status.
    "templates": "customer_notifications' template codes",
}


#: Formats the demo keeps although the domain spells the same thing another way,
#: because changing them changes the data (every seeded row's key).
KEPT_FORMATS = {
    'f"wallet-{source_type.lower()}-{source_id}-{txn_type.lower()}"': (
        "customers' wallet entries' idempotency key (the domain's is SOURCE:ID:TYPE)"
    ),
    'f"loyalty-{source_type.lower()}-{source_id}-{txn_type.lower()}"': (
        "customers' loyalty entries' idempotency key (the domain's is SOURCE:ID:TYPE)"
    ),
}


def enum_values():
    """``{value: ["module.Enum", ...]}`` over every TextChoices of the domains."""
    owners = {}
    for module_name in ENUM_MODULES:
        module = importlib.import_module(module_name)
        for name, member in vars(module).items():
            if (
                inspect.isclass(member)
                and issubclass(member, models.TextChoices)
                and member.__module__ == module_name
            ):
                for value in member.values:
                    owners.setdefault(value, []).append(f"{module_name}.{name}")
    return owners


def _never_enum_columns():
    """Field names that are not an enum column on any table (a CHECK list's
    column, free text, a number...): a string filling one is not an enum value."""
    names, enum = set(), set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            (enum if getattr(field, "enum", None) is not None else names).add(field.name)
    return names - enum


def _demo_functions(trees):
    """``{name: [parameter names]}`` of the demo's functions, for positional arguments
    (a name defined twice with other parameters is left out)."""
    functions = {}
    for _path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [arg.arg for arg in node.args.posonlyargs + node.args.args]
                if names[:1] == ["self"]:
                    names = names[1:]
                if functions.setdefault(node.name, names) != names:
                    functions[node.name] = None
    return functions


def _name_of(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return None


def _filled(node, parents, functions, exempt):
    """The name the literal ``node`` fills: its dict key, keyword, assigned or
    loop name, or the name it is compared with; a positional argument of a
    demo function fills that parameter if it is ``exempt`` (``wallet_entry``'s
    ``source_type``), else what the call's result fills (``rng.pick``)."""
    child = node
    while (parent := parents.get(child)) is not None:
        if isinstance(parent, ast.Dict):
            if child in parent.values:
                key = parent.keys[parent.values.index(child)]
                if isinstance(key, ast.Constant):
                    return key.value
        elif isinstance(parent, ast.keyword):
            return parent.arg
        elif isinstance(parent, ast.Call) and child in parent.args:
            parameters = functions.get(_name_of(parent.func) or "")
            index = parent.args.index(child)
            if parameters and index < len(parameters) and parameters[index] in exempt:
                return parameters[index]
        elif isinstance(parent, ast.arguments) and child in parent.defaults:
            arguments = parent.posonlyargs + parent.args
            return arguments[
                len(arguments) - len(parent.defaults) + parent.defaults.index(child)
            ].arg
        elif isinstance(parent, ast.Compare):
            return next(filter(None, map(_name_of, [parent.left, *parent.comparators])), None)
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)):
            target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
            if isinstance(target, ast.Tuple) and isinstance(child, ast.Tuple):
                return None  # a, b = x, y: the element's own target is found below
            return _name_of(target)
        elif isinstance(parent, ast.For) and child is parent.iter:
            return _name_of(parent.target)
        elif isinstance(parent, ast.Tuple) and isinstance(parents.get(parent), ast.Assign):
            assign = parents[parent]
            target = assign.targets[0]
            if isinstance(target, ast.Tuple) and assign.value is parent:
                return _name_of(target.elts[parent.elts.index(child)])
        elif isinstance(parent, ast.JoinedStr) or not isinstance(
            parent,
            (ast.IfExp, ast.Tuple, ast.List, ast.Set, ast.Call, ast.BoolOp, ast.Subscript),
        ):
            return None
        child = parent
    return None


def test_enum_columns_are_filled_with_the_domain_enums():
    """No bare string that spells a member of any enum of the domains: the
    member itself (``FoodPrepStatus.READY``), so a renamed or removed member
    fails at import, not at the database's CHECK. A string that fills a column
    that is never an enum (``_never_enum_columns``, ``NOT_ENUM_NAMES``)
    or is part of an f-string (a reference's prefix) is not an enum value."""
    owners = enum_values()
    trees = list(demo_trees())
    functions = _demo_functions(trees)
    exempt = _never_enum_columns() | set(NOT_ENUM_NAMES)
    offending = []
    for path, tree in trees:
        parents = {
            child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if node.value not in owners or isinstance(parents.get(node), ast.JoinedStr):
                continue
            filled = _filled(node, parents, functions, exempt)
            if filled in exempt:
                continue
            offending.append(
                f"{path}:{node.lineno}: {node.value!r} ({filled or '?'}; "
                f"{', '.join(owners[node.value])})"
            )
    assert offending == [], "use the enum's member:\n" + "\n".join(offending)


def test_the_exceptions_are_still_used():
    """The allow-lists stay short and true: an entry the demo no longer uses
    is removed."""
    source = "\n".join(path.read_text() for path in DEMO.rglob("*.py"))
    unused = [name for name in [*NOT_ENUM_NAMES, *KEPT_FORMATS] if name not in source]
    assert unused == []
