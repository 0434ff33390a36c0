"""The settings fail closed (gatimitra/settings.py): each case runs the real
settings module in a fresh process with its own environment (no .env)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gatimitra.errors import ExceptionReporterFilter

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "GATIMITRA_HASH_KEY": secrets.token_urlsafe(32),
    "DATABASE_URL": "postgres://gatimitra_app:s3cret-pw@db.internal:5432/gatimitra",
    "DJANGO_ALLOWED_HOSTS": "admin.gatimitra.example",
}
PRINT = (
    "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.DATABASES['default']['HOST'])"
)


def _run(env, *args, code=PRINT):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GATIMITRA_", "DATABASE_URL"))
    }
    command = args or ("-c", f"import django; django.setup(); {code}")
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "gatimitra.settings",
            "GATIMITRA_ENV_FILE": "",  # never this checkout's .env
            "GATIMITRA_EMBEDDED_DIR": "/nonexistent/embedded-must-not-start",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is not set"),
        (
            {"DJANGO_SECRET_KEY": "dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production"},
            "DJANGO_SECRET_KEY is a development value",
        ),
        ({"DJANGO_SECRET_KEY": "short-but-random-8f3k"}, "DJANGO_SECRET_KEY is too short"),
        ({"DJANGO_SECRET_KEY": "a" * 60}, "DJANGO_SECRET_KEY is too short or too simple"),
        ({"GATIMITRA_HASH_KEY": None}, "GATIMITRA_HASH_KEY is not set"),
        ({"GATIMITRA_HASH_KEY": "0123456789abcdef"}, "GATIMITRA_HASH_KEY is too short"),
        ({"DATABASE_URL": None}, "DATABASE_URL is not set, and DJANGO_DEBUG is off"),
    ],
    ids=lambda value: value if isinstance(value, str) else next(iter(value)),
)
def test_without_debug_a_missing_or_weak_setting_stops_startup(change, refusal):
    env = {key: value for key, value in {**PRODUCTION, **change}.items() if value is not None}
    result = _run(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and refusal in result.stderr


def test_production_settings_are_https_only_and_start_no_server():
    result = _run(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "['https://admin.gatimitra.example']",
        "db.internal",
    ]


def test_check_deploy_with_production_settings_reports_no_issues():
    result = _run(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_development_uses_the_embedded_server_but_importing_settings_starts_nothing(tmp_path):
    folder = tmp_path / "embedded"
    result = _run(
        {"DJANGO_DEBUG": "true", "GATIMITRA_EMBEDDED_DIR": str(folder)},
        code="from django.conf import settings as s; "
        "print(s.DATABASES['default']['EMBEDDED_POSTGRES_DIR'], s.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(folder), "True"]
    assert not folder.exists() and not (tmp_path / "embedded.lock").exists()
    helped = _run(
        {"DJANGO_DEBUG": "true", "GATIMITRA_EMBEDDED_DIR": str(folder)}, "manage.py", "help"
    )
    assert helped.returncode == 0, helped.stderr
    assert not folder.exists()


def test_start_writes_a_development_env_only_where_none_exists(tmp_path):
    import io

    from gatimitra.devenv import ensure_dev_env

    said = io.StringIO()
    assert ensure_dev_env(tmp_path, stream=said)
    assert "DJANGO_DEBUG=true" in said.getvalue()
    text = (tmp_path / ".env").read_text()
    assert "DJANGO_DEBUG=true" in text
    keys = dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )
    assert len(keys["DJANGO_SECRET_KEY"]) >= 50 and len(keys["GATIMITRA_HASH_KEY"]) >= 32
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0
    assert not ensure_dev_env(tmp_path)  # never overwritten
    assert (tmp_path / ".env").read_text() == text


def test_keyed_hash_never_falls_back_to_the_secret_key(settings):
    from gatimitra.db.secrets import keyed_hash

    settings.GATIMITRA_HASH_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="GATIMITRA_HASH_KEY"):
        keyed_hash("ABCPK1234Q")
    settings.GATIMITRA_HASH_KEY = "k" * 40
    before = keyed_hash("ABCPK1234Q")
    settings.SECRET_KEY = "rotated-" + "x" * 50
    assert keyed_hash("ABCPK1234Q") == before


def test_error_pages_hide_the_database_url():
    reporter = ExceptionReporterFilter()
    url = PRODUCTION["DATABASE_URL"]
    assert "s3cret-pw" not in str(reporter.cleanse_setting("DATABASE_URL", url))
    assert reporter.cleanse_setting("TIME_ZONE", "Asia/Kolkata") == "Asia/Kolkata"
