"""Database expressions shared by several domains' constraints."""

from django.contrib.postgres.fields import DateTimeRangeField
from django.db.models import BooleanField, DateField, Func


class TsTzRange(Func):
    """``tstzrange(start, end[, bounds])``: a validity window as a range, for
    EXCLUDE constraints that keep windows from overlapping (a NULL end is an
    open-ended window)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class GstinIsValid(Func):
    """``public.gatimitra_gstin_valid(gstin)``: the GSTIN's format and its
    check character (gatimitra migration 0007; the same rule as
    ``gatimitra.db.validators.validate_gstin``). NULL for NULL, so a CHECK
    over an optional GSTIN passes when there is none."""

    function = "public.gatimitra_gstin_valid"
    output_field = BooleanField()


class GstRateIsCurrent(Func):
    """``public.gatimitra_gst_rate_is_current(rate)``: one of the GST slabs in
    force now (``gatimitra.enums.GST_SLAB_PERIODS``)."""

    function = "public.gatimitra_gst_rate_is_current"
    output_field = BooleanField()


class GstRateInForce(Func):
    """``public.gatimitra_gst_rate_in_force(rate, date)``: one of the GST slabs
    in force on the date of supply (``gatimitra.enums.GST_SLAB_PERIODS``)."""

    function = "public.gatimitra_gst_rate_in_force"
    output_field = BooleanField()


class DateInIndia(Func):
    """The calendar date in India (Asia/Kolkata) of a ``timestamptz``: dates of
    supply, validity and expiry are India's whatever the session's zone."""

    template = "((%(expressions)s) AT TIME ZONE 'Asia/Kolkata')::date"
    output_field = DateField()
