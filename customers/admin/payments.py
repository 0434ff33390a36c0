from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import CustomerBusinessMember, CustomerBusinessProfile, CustomerPaymentMethod
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline


@admin.register(CustomerPaymentMethod)
class CustomerPaymentMethodAdmin(GatimitraModelAdmin):
    list_display = ("customer", "method_type", "masked_display", "gateway", "status", "is_default")
    list_filter = ("method_type", "status", "gateway", "is_default")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)
    # Instruments are saved by the gateway's tokenisation flow, never typed in
    # here; the token and fingerprint hash are not shown.
    exclude = ("gateway_token_ref", "fingerprint_hash")

    def has_add_permission(self, request):
        return False


class CustomerBusinessMemberInline(GatimitraTabularInline):
    model = CustomerBusinessMember
    fields = ("customer", "role", "allowed_services", "per_order_limit", "monthly_limit")
    autocomplete_fields = ("customer",)


@admin.register(CustomerBusinessProfile)
class CustomerBusinessProfileAdmin(GatimitraModelAdmin):
    list_display = ("legal_name", "gstin", "gst_registration_type", "status", "owner_customer")
    list_filter = ("gst_registration_type", "status")
    search_fields = ("legal_name", "=gstin", "owner_customer__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("owner_customer",)
    inlines = (CustomerBusinessMemberInline,)


@admin.register(CustomerBusinessMember)
class CustomerBusinessMemberAdmin(GatimitraModelAdmin):
    list_display = ("customer", "business_profile", "role", "monthly_limit", "is_active")
    list_filter = ("role", "is_active")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "business_profile")
