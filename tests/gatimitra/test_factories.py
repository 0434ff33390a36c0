"""Factories are leaves: a factories module writes its own app's rows and
names another app's factories only by dotted path
(``factory.SubFactory("riders.factories.RiderFactory")``) or inside a
function, so importing one app's factories never imports another's and no
two apps' factories import each other. The one module per app that composes
whole object graphs across apps, ``<app>/factories/scenarios.py``, may import
other apps' factories; nothing else imports it but its package."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["access_mgmt", "audit", "customers", "merchants", "orders", "riders"]
GRAPHS = "scenarios.py"


def _module_level_imports(tree):
    """Imports run when the module loads (top level, or under a top-level
    ``if``/``try``), not those inside functions or classes."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.If | ast.Try):
            pending.extend(ast.iter_child_nodes(node))


def _other_apps_factories(app, tree):
    return sorted(
        {
            name
            for name in _module_level_imports(tree)
            if any(
                name == f"{other}.factories" or name.startswith(f"{other}.factories.")
                for other in APPS
                if other != app
            )
        }
    )


@pytest.mark.parametrize("app", APPS)
def test_factories_import_no_other_apps_factories_at_module_level(app):
    offenders = {}
    for path in sorted((ROOT / app / "factories").glob("*.py")):
        if path.name == GRAPHS:
            continue
        found = _other_apps_factories(app, ast.parse(path.read_text()))
        if found:
            offenders[path.name] = found
    assert offenders == {}


def test_the_leaf_rule_finds_a_module_level_import():
    tree = ast.parse("from riders.factories import RiderFactory\n")
    assert _other_apps_factories("orders", tree) == [
        "riders.factories",
        "riders.factories.RiderFactory",
    ]
    inside = ast.parse("def f():\n    from riders.factories import RiderFactory\n")
    assert _other_apps_factories("orders", inside) == []


@pytest.mark.parametrize("app", APPS)
def test_each_apps_factories_import_alone(app):
    """In a fresh interpreter, so no earlier import hides a circle."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gatimitra.settings", "DJANGO_DEBUG": "true"}
    code = f"import django; django.setup(); import {app}.factories"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
