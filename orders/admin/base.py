"""Admin helpers of the orders domain."""

from gatimitra.admin import GatimitraStackedInline, ReadOnlyTabularInline


class DetailInline(GatimitraStackedInline):
    """The 1:1 service detail of an order, on the order's page."""

    max_num = 1
    can_delete = False


class ReadOnlyInline(ReadOnlyTabularInline):
    """Rows shown on a parent's page, never edited there (money records and
    append-only events): every listed field is read-only."""

    def get_readonly_fields(self, request, obj=None):
        return self.fields
