"""Database expressions shared by several domains' constraints."""

from django.contrib.postgres.fields import DateTimeRangeField
from django.db.models import Func


class TsTzRange(Func):
    """``tstzrange(start, end[, bounds])``: a validity window as a range, for
    EXCLUDE constraints that keep windows from overlapping (a NULL end is an
    open-ended window)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()
