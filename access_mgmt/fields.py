"""Model fields and expressions only access_mgmt needs (so far)."""

import ipaddress

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, Value

# access_mgmt 0002 and 0004 name ``access_mgmt.fields.TsTzRange``, and applied
# migrations are never edited (verify_migrations): the shared class, re-exported.
from gatimitra.db.expressions import TsTzRange  # noqa: F401


class CidrField(models.Field):
    """An IPv4 or IPv6 network, PostgreSQL ``cidr`` (which refuses host bits
    set outside the mask, e.g. ``10.0.0.1/8``). Values are strings in
    canonical form: ``10.20.0.0/16``, ``203.0.113.7/32``."""

    description = "IP network (PostgreSQL cidr)"
    empty_strings_allowed = False

    def db_type(self, connection):
        return "cidr"

    def to_python(self, value):
        if value is None or value == "":
            return None
        try:
            return str(ipaddress.ip_network(str(value).strip(), strict=True))
        except ValueError as exc:
            raise ValidationError(
                "Enter a network like 10.20.0.0/16 (no host bits outside the mask).",
                code="invalid",
            ) from exc

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else self.to_python(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.CharField, "max_length": 43, **kwargs})


class JsonPathMatch(Func):
    """``jsonb_path_match(expression, 'predicate'::jsonpath)``: whether a
    JSON value satisfies a jsonpath predicate, for CHECK constraints on JSON
    columns. Write predicates that are false (not unknown) for values of the
    wrong type (``$.type() == "number" && $ >= 1``): a CHECK passes on NULL."""

    function = "JSONB_PATH_MATCH"
    output_field = models.BooleanField()

    def __init__(self, expression, predicate, **extra):
        super().__init__(
            expression, Func(Value(predicate), template="(%(expressions)s)::jsonpath"), **extra
        )
