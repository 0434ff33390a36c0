"""The demo's code reads as data flowing through steps, with the domains'
vocabulary: read from the source (no database).

* no step sets attributes on the run (``demo.x = ...``): a step takes what it
  needs as arguments and returns what later steps need (``demo.runner._wire``);
* no bare service-type or order-status strings ("FOOD", "DELIVERED"...): the
  domain enums (``gatimitra.enums``);
* no status compared with a bare string (``rider.status == "ACTIVE"``): the
  enum of that status (``riders.choices.RiderStatus.ACTIVE``...).
"""

import ast
from pathlib import Path

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
