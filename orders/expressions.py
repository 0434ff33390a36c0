"""Database expressions used by the orders models' constraints."""

from django.contrib.postgres.fields import DateTimeRangeField
from django.db.models import Func


class TsTzRange(Func):
    """``tstzrange(start, end)``: a validity window as a range, for EXCLUDE
    constraints (a NULL end is an open-ended window)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()
