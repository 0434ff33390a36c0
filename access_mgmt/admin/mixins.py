"""Behaviour shared by several access_mgmt admins.

*Search for the big authentication tables* (sessions, OTPs, login attempts).

Django's admin search is ``icontains`` on text: a sequential scan on tables of
10^7 rows, and useless on columns that hold keyed hashes. Admins that mix in
:class:`ExactSearchMixin` match every search field exactly (so the field's
index is used), and compare the fields listed in ``hashed_search_fields``
with the keyed hash of the search term: staff find the OTPs sent to
``+919812345678`` without the number being stored or shown.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q

from gatimitra.db.secrets import keyed_hash


class ExactSearchMixin:
    hashed_search_fields = ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        query = Q()
        for name in self.get_search_fields(request):
            if name in self.hashed_search_fields:
                query |= Q(**{name: keyed_hash(term)})
                continue
            field = self.model._meta.get_field(name)
            try:
                value = field.clean(term, None)
            except ValidationError:
                continue  # "abc" is no IP address, id or enum value: skip the column
            query |= Q(**{name: value})
        return (queryset.filter(query) if query else queryset.none()), False


class PrefillRequestUserMixin:
    """Prefills ``request_user_field`` (who grants, invites, requests or
    creates) with the signed-in user on the add form."""

    request_user_field = None

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault(self.request_user_field, request.user.pk)
        return initial
