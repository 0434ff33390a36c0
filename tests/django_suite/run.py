"""Run Django's own test suite on the project's backend and on Django's.

    .venv/bin/python tests/django_suite/run.py                 # both backends, every label
    .venv/bin/python tests/django_suite/run.py --backend gatimitra schema inspectdb

A backend earns trust the way django-cockroachdb and mssql-django do: by
passing the framework's own tests. This script fetches the sdist of the Django
version pinned in requirements/lock.txt with pip, unpacks it under
``.local/django-suite/``, and runs its ``tests/runtests.py`` on PostgreSQL with
``gatimitra.db.backend`` and with ``django.db.backends.postgresql``.

It fails when
- the stock backend has any failure (then the harness, the server or the
  environment is broken, and nothing else can be trusted);
- the project's backend has a failure that ``expected_differences.txt`` does
  not list, with its reason;
- a listed difference no longer fails (the list only shrinks by a person).

Only the ``gatimitra`` package is put on the path, not the project's apps or
settings: the backend must work in any project (see docs/backend.md).
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORK = ROOT / ".local" / "django-suite"
EXPECTED = HERE / "expected_differences.txt"
REQUIREMENTS = HERE / "requirements.txt"
LOCK = ROOT / "requirements" / "lock.txt"

#: The labels that exercise a database backend.
LABELS = (
    "schema",
    "introspection",
    "inspectdb",
    "migrations",
    "backends",
    "model_fields",
    "constraints",
    "indexes",
    "fixtures",
    "fixtures_regress",
    "test_utils",
    "transactions",
    "multiple_database",
    "postgres_tests",
    "admin_changelist",
    "queries",
    "bulk_create",
    "delete",
)

# unittest's report of each problem: "FAIL: test_x (pkg.module.Class.test_x)".
PROBLEM = re.compile(r"^(FAIL|ERROR|UNEXPECTED SUCCESS): (\S+) \(([^)\s]+)\)", re.MULTILINE)
RAN = re.compile(r"^Ran (\d+) tests? in ([\d.]+)s", re.MULTILINE)
VERDICT = re.compile(r"^(OK|FAILED)\b(?: \((.*)\))?$", re.MULTILINE)


class HarnessError(Exception):
    pass


def pinned_django():
    for line in LOCK.read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == "django" and version:
            return version.strip()
    raise HarnessError(f"{LOCK}: no Django==<version> pin")


def pip(*args):
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args], check=True)


def django_sources(version):
    """The unpacked sdist of Django ``version`` (downloaded once)."""
    source = WORK / f"django-{version}"
    if (source / "tests" / "runtests.py").exists():
        return source
    WORK.mkdir(parents=True, exist_ok=True)
    downloads = WORK / "sdist"
    pip(
        "download", "-q", "--no-binary", ":all:", "--no-deps", f"Django=={version}", "-d", downloads
    )
    archives = sorted(downloads.glob(f"[Dd]jango-{version}.tar.gz"))
    if not archives:
        raise HarnessError(f"pip download left no Django-{version} sdist in {downloads}")
    # Unpacked beside, then renamed: an interrupted unpack is never used.
    unpacking = WORK / f"unpacking-{os.getpid()}"
    shutil.rmtree(unpacking, ignore_errors=True)
    with tarfile.open(archives[0]) as archive:
        archive.extractall(unpacking, filter="data")
    if not (unpacking / source.name / "tests" / "runtests.py").exists():
        raise HarnessError(f"{archives[0].name} has no {source.name}/tests/runtests.py")
    shutil.rmtree(source, ignore_errors=True)
    (unpacking / source.name).rename(source)
    shutil.rmtree(unpacking)
    return source


def suite_packages():
    """The suite's extra packages (requirements.txt), in a folder of their own."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    target = WORK / f"site-{digest}"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        pip("install", "-q", "--no-deps", "--target", target, "-r", REQUIREMENTS)
        (target / ".complete").touch()
    return target


def backend_path():
    """A folder holding only the ``gatimitra`` package (a link to it)."""
    path = WORK / "path"
    path.mkdir(parents=True, exist_ok=True)
    link = path / "gatimitra"
    if not link.is_symlink():
        link.symlink_to(ROOT / "gatimitra", target_is_directory=True)
    return path


def load_expected():
    """``{test id: reason}`` from expected_differences.txt."""
    expected = {}
    for number, line in enumerate(EXPECTED.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        test_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise HarnessError(f"{EXPECTED.name}:{number}: {test_id} has no reason")
        expected[test_id] = reason.strip()
    return expected


def test_id(name, where):
    """``pkg.module.Class.test_x``; a class-level error keeps its hook's name."""
    return where if where.endswith(f".{name}") else f"{where}.{name}"


def run(backend, labels, parallel, sources, packages):
    env = {
        **os.environ,
        "DJANGO_SUITE_BACKEND": backend,
        # Django from the sdist itself: the tests and the code they test match.
        "PYTHONPATH": os.pathsep.join(map(str, (sources, packages, HERE, backend_path()))),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        sys.executable,
        "tests/runtests.py",
        "--settings=django_suite_settings",
        "--noinput",
        f"--parallel={parallel}",
        *labels,
    ]
    log = WORK / f"{backend}.log"
    print(f"== Django {sources.name} suite, {backend} backend: {' '.join(labels)}", flush=True)
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=sources,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in process.stdout:
            out.write(line)
            sys.stdout.write(line)
        process.wait()
    elapsed = time.monotonic() - started
    output = log.read_text()
    ran = RAN.search(output)
    verdict = VERDICT.search(output)
    if not ran or not verdict:
        raise HarnessError(
            f"{backend}: runtests.py ended (exit {process.returncode}) without a test "
            f"report; see {log}"
        )
    problems = {test_id(name, where) for _, name, where in PROBLEM.findall(output)}
    if (process.returncode == 0) != (verdict.group(1) == "OK") or (
        verdict.group(1) == "FAILED" and not problems
    ):
        raise HarnessError(f"{backend}: could not read the failures from {log}")
    print(
        f"== {backend}: {ran.group(1)} tests in {elapsed / 60:.1f} min wall "
        f"({verdict.group(0)}); log {log.relative_to(ROOT)}",
        flush=True,
    )
    return problems, elapsed


def in_labels(test, labels):
    return any(test == label or test.startswith(f"{label}.") for label in labels)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", nargs="*", help=f"test labels (default: {' '.join(LABELS)})")
    parser.add_argument(
        "--backend", choices=("gatimitra", "stock", "both"), default="both", help="default: both"
    )
    parser.add_argument(
        "--stock-labels",
        nargs="+",
        help="labels for the stock run (default: the same labels as the project's backend)",
    )
    parser.add_argument("--parallel", type=int, default=2)
    options = parser.parse_args(argv)
    labels = options.labels or list(LABELS)
    try:
        expected = load_expected()
        version = pinned_django()
        sources = django_sources(version)
        packages = suite_packages()
        failed = []
        timings = []
        if options.backend in ("stock", "both"):
            stock_labels = options.stock_labels or labels
            problems, elapsed = run("stock", stock_labels, options.parallel, sources, packages)
            timings.append(f"stock {elapsed / 60:.1f} min")
            failed += [f"stock backend: {test} fails (must pass)" for test in sorted(problems)]
        if options.backend in ("gatimitra", "both"):
            problems, elapsed = run("gatimitra", labels, options.parallel, sources, packages)
            timings.append(f"gatimitra {elapsed / 60:.1f} min")
            failed += [
                f"gatimitra backend: {test} fails and is not in {EXPECTED.name}"
                for test in sorted(problems - expected.keys())
            ]
            failed += [
                f"gatimitra backend: {test} passes now; remove it from {EXPECTED.name}"
                for test in sorted(expected.keys() - problems)
                if in_labels(test, labels)
            ]
            for test in sorted(problems & expected.keys()):
                print(f"   expected difference: {test}: {expected[test]}")
    except (HarnessError, subprocess.CalledProcessError) as exc:
        print(f"django suite: {exc}", file=sys.stderr)
        return 2
    print(f"== Django suite wall time: {', '.join(timings)}")
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
