"""The packages sit in layers: ``gatimitra`` (project wiring, ``db`` for
models and migrations, ``ops`` for operations) under the six domains, the
``demo`` app on top of everything. Read from the source (every import
statement, those inside functions included), not from what happens to be
imported at run time."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("access_mgmt", "audit", "customers", "merchants", "orders", "riders")


def imported_modules(package):
    """``{(file, module imported)}`` for every .py file under ``package``."""
    found = set()
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.add((path.relative_to(ROOT).as_posix(), name))
    return found


def imported_packages(package):
    """``{(file, top-level package imported)}``."""
    return {(path, name.split(".")[0]) for path, name in imported_modules(package)}


def test_gatimitra_imports_no_domain_app():
    offending = sorted(
        f"{path} imports {top}"
        for path, top in imported_packages("gatimitra")
        if top in (*DOMAINS, "demo")
    )
    assert offending == []


def test_gatimitra_db_imports_no_operations_tooling():
    """Models and migrations import gatimitra.db; it must not drag the
    operations tooling in, except the backend starting the embedded server
    and building the reference database."""
    allowed = {
        "gatimitra/db/backend/base.py",
        "gatimitra/db/backend/client.py",
        "gatimitra/db/backend/creation.py",
    }
    offending = sorted(
        f"{path} imports {name}"
        for path, name in imported_modules("gatimitra/db")
        if name.startswith("gatimitra.ops") and path not in allowed
    )
    assert offending == []


@pytest.mark.parametrize("package", ["gatimitra", *DOMAINS])
def test_nothing_imports_the_demo_app(package):
    assert sorted(path for path, top in imported_packages(package) if top == "demo") == []
