"""Admin helpers of the orders domain."""

from django.contrib import admin
from django.db import models
from django.db.models import Q

from gatimitra.admin import ReadOnlyTabularInline

#: Forms treat scheme-less URLs as https (Django 6's default; silences the 5.x warning).
URL_FORMFIELDS = {models.URLField: {"assume_scheme": "https"}}


class ExactSearchMixin:
    """Search big tables by exact identifiers only.

    Every ``search_fields`` entry is matched exactly (order numbers, idempotency
    keys, gateway ids), so the search uses the column's unique index instead
    of Django's ``UPPER(col) LIKE '%q%'`` scan. A number also matches the id."""

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q()
        for name in self.search_fields:
            field = name.lstrip("=^@")
            condition |= Q(**{field: term}) | Q(**{field: term.upper()})
        if term.isdigit():
            condition |= Q(pk=int(term))
        return queryset.filter(condition), False


class DetailInline(admin.StackedInline):
    """The 1:1 service detail of an order, on the order's page."""

    extra = 0
    max_num = 1
    can_delete = False
    show_change_link = True


class ReadOnlyInline(ReadOnlyTabularInline):
    """Rows shown on a parent's page, never edited there (money records and
    append-only events): every listed field is read-only."""

    def get_readonly_fields(self, request, obj=None):
        return self.fields
