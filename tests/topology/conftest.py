"""Fixtures of the topology tests: the default alias switched to PgBouncer
for a test (so the ORM of every thread goes through it)."""

from contextlib import contextmanager

import pytest
from django.db import connection

from gatimitra.ops.topology import DIRECT_KEY, POOLER_KEY, _probed, direct_settings


@contextmanager
def default_through(bouncer, *, direct=True, configured=True):
    """The default alias through ``bouncer`` for the block: with the test
    server as DATABASE_DIRECT_URL (``direct``), with DATABASE_POOLER=transaction
    said in the settings (``configured``) or left for the probe to find."""
    saved = dict(connection.settings_dict)
    connection.close()
    through = bouncer.settings()
    if direct:
        through[DIRECT_KEY] = direct_settings(saved, saved)
    if not configured:
        through.pop(POOLER_KEY)
    connection.settings_dict.clear()
    connection.settings_dict.update(through)
    _probed.clear()
    try:
        yield saved
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        _probed.clear()


@pytest.fixture
def through_pgbouncer(pgbouncer_pool_of_four):
    """Call with the options of :func:`default_through`."""

    def switch(**options):
        return default_through(pgbouncer_pool_of_four, **options)

    return switch
