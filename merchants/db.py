"""Database helpers that the merchants models and migrations use.

``Index``/``GinIndex`` accept PostgreSQL's 63-character names. Django's
``Index.max_name_length`` is 30 (an Oracle limit, check models.E034), which
cannot hold the house rule's ``<table>_<purpose>`` names for tables such as
``merchant_store_availability_logs``; PostgreSQL keeps 63 characters and
``gatimitra.checks`` (E004) already holds every name to that. They belong in
``gatimitra.db`` (proposed in the merchants branch's report); until then the
merchants app defines them here.
"""

from django.contrib.postgres import indexes as postgres_indexes
from django.contrib.postgres.fields import DateRangeField
from django.db import models

from gatimitra.db.tables import MAX_IDENTIFIER_LENGTH


class Index(models.Index):
    max_name_length = MAX_IDENTIFIER_LENGTH


class GinIndex(postgres_indexes.GinIndex):
    max_name_length = MAX_IDENTIFIER_LENGTH


class DateRange(models.Func):
    """``daterange(lower, upper, bounds)``, for EXCLUDE constraints over date
    windows (Django's documented pattern for ``ExclusionConstraint``)."""

    function = "DATERANGE"
    output_field = DateRangeField()
