from django.contrib import admin
from django.utils.text import smart_split, unescape_string_literal

from customers.models import (
    Customer,
    CustomerAddress,
    CustomerConsent,
    CustomerDevice,
    CustomerPreference,
    CustomerSavedContact,
)
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline, ReadOnlyTabularInline

#: Child lists search by the owner's mobile: it has a trigram index, so the
#: search joins from a few customers instead of scanning the child table.
CUSTOMER_SEARCH = ("customer__mobile",)


class CustomersModelAdmin(GatimitraModelAdmin):
    """Search that stays on indexes at 10^6-10^8 rows.

    Django ORs one condition per search field; when the fields live in
    different tables (``ticket_number`` and ``customer__mobile``) PostgreSQL
    can use none of their indexes and scans the whole list. Here each field
    is its own lookup and the results are UNIONed, so each uses its index
    (trigram on ``UPPER(col)`` for contains, btree for ``=``). ``=field`` is
    an exact, case-sensitive match (identifiers: keys, provider ids), which
    a plain unique index serves; ``^field`` a prefix; others contain."""

    def _search_lookup(self, field):
        if field.startswith("="):
            return f"{field[1:]}__exact"
        if field.startswith("^"):
            return f"{field[1:]}__istartswith"
        return f"{field}__icontains"

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        if not fields or not search_term:
            return super().get_search_results(request, queryset, search_term)
        manager = queryset.model._default_manager
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            branches = [
                manager.filter(**{self._search_lookup(field): bit}).values("pk") for field in fields
            ]
            matches = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
            queryset = queryset.filter(pk__in=matches)
        return queryset, False


class CustomerAddressInline(GatimitraTabularInline):
    model = CustomerAddress
    fields = (
        "label",
        "house_number",
        "building_name",
        "locality",
        "city",
        "state",
        "pincode",
        "latitude",
        "longitude",
        "zone",
        "is_default",
        "archived_at",
    )
    autocomplete_fields = ("zone",)


class CustomerDeviceInline(GatimitraTabularInline):
    """Installs are registered by the app; staff can only sign one out."""

    model = CustomerDevice
    fields = ("platform", "device_model", "app_version", "last_seen_at", "logged_out_at")
    readonly_fields = ("platform", "device_model", "app_version", "last_seen_at")

    def has_add_permission(self, request, obj=None):
        return False


class CustomerConsentInline(ReadOnlyTabularInline):
    model = CustomerConsent
    fields = ("purpose", "status", "notice_version", "channel", "granted_at", "withdrawn_at")
    ordering = ("-id",)


@admin.register(Customer)
class CustomerAdmin(CustomersModelAdmin):
    list_display = ("mobile", "full_name", "email", "status", "referral_code", "created_at")
    list_filter = ("status", "signup_source", "preferred_language", "cod_enabled")
    search_fields = ("mobile", "full_name", "email", "referral_code")
    ordering = ("-id",)
    readonly_fields = ("referral_code",)
    fieldsets = (
        (None, {"fields": ("mobile", "full_name", "email", "date_of_birth", "referral_code")}),
        (
            "Account",
            {"fields": ("status", "preferred_language", "signup_source", "cod_enabled")},
        ),
        (
            "Activity",
            {
                "fields": (
                    "mobile_verified_at",
                    "email_verified_at",
                    "last_active_at",
                    "deletion_requested_at",
                    "anonymised_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (CustomerAddressInline, CustomerDeviceInline, CustomerConsentInline)


@admin.register(CustomerAddress)
class CustomerAddressAdmin(CustomersModelAdmin):
    list_display = (
        "customer",
        "label",
        "house_number",
        "locality",
        "city",
        "pincode",
        "zone",
        "is_default",
    )
    list_filter = ("label", "is_default")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "zone")


@admin.register(CustomerSavedContact)
class CustomerSavedContactAdmin(CustomersModelAdmin):
    list_display = ("name", "mobile", "role", "customer", "last_used_at")
    list_filter = ("role",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerDevice)
class CustomerDeviceAdmin(CustomersModelAdmin):
    list_display = ("customer", "platform", "device_model", "app_version", "last_seen_at")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)
    # The push token and the fingerprint hash are never shown.
    exclude = ("push_token", "fingerprint_hash")

    def has_add_permission(self, request):
        return False


@admin.register(CustomerPreference)
class CustomerPreferenceAdmin(CustomersModelAdmin):
    list_display = (
        "customer",
        "dietary_preference",
        "preferred_payment_method",
        "ride_vehicle_type",
    )
    search_fields = CUSTOMER_SEARCH
    ordering = ("-pk",)
    autocomplete_fields = ("customer",)
