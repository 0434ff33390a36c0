#!/usr/bin/env python
"""Django's command-line utility for GatiMitra."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")
    if sys.argv[1:2] == ["start"]:
        # Before the settings are read: a fresh checkout gets its development .env.
        from pathlib import Path

        from gatimitra.devenv import ensure_dev_env

        ensure_dev_env(Path(__file__).resolve().parent)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from gatimitra.db.backend.base import DatabaseUnreachable
    from gatimitra.ops.embedded import EmbeddedPostgresError

    try:
        execute_from_command_line(sys.argv)
    except (DatabaseUnreachable, EmbeddedPostgresError, ImproperlyConfigured) as exc:
        # One line a person can act on, not a traceback.
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
