"""The local development ``.env``: made by ``manage.py start`` on its first run.

Settings fail closed (``gatimitra/settings.py``): DEBUG is off unless set, and
without DEBUG the secrets and ``DATABASE_URL`` are required. A developer's
checkout gets its development settings from ``.env``, which ``start`` writes
once, with secrets generated for this checkout. Nothing here imports Django:
it runs before the settings are read.
"""

import os
import secrets
import sys
from pathlib import Path

TEMPLATE = """\
# Local development settings, written by `manage.py start` on its first run
# ({reason}). Not for production: see .env.example and docs/operations.md.
DJANGO_DEBUG=true
DJANGO_SECRET_KEY={secret_key}
GATIMITRA_HASH_KEY={hash_key}
# Without DATABASE_URL development runs on the embedded PostgreSQL in .local/postgres.
# DATABASE_URL=postgres://user:password@127.0.0.1:5432/gatimitra
"""


def ensure_dev_env(base_dir: Path, stream=sys.stderr) -> bool:
    """Write ``base_dir/.env`` for development unless one exists; True when
    written. An environment that says ``DJANGO_DEBUG`` is off (a server) gets
    none: there, missing settings must stop the command, not be filled in."""
    path = Path(base_dir) / ".env"
    if path.exists():
        return False
    debug = os.environ.get("DJANGO_DEBUG")
    if debug is not None and debug.strip().lower() not in {"1", "true", "yes", "on"}:
        return False
    text = TEMPLATE.format(
        reason="no .env existed",
        secret_key=secrets.token_urlsafe(50),
        hash_key=secrets.token_urlsafe(32),
    )
    # Created private to the user: it holds this checkout's secrets.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    print(
        f"Wrote {path} for local development (DJANGO_DEBUG=true, generated secrets).",
        file=stream,
    )
    return True
