from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import CustomerRating, CustomerRatingTag, CustomerReviewMedia
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline


@admin.register(CustomerRatingTag)
class CustomerRatingTagAdmin(GatimitraModelAdmin):
    list_display = ("label", "code", "target_type", "sentiment", "display_order", "is_active")
    list_filter = ("target_type", "sentiment", "is_active")
    search_fields = ("code", "label")
    ordering = ("target_type", "display_order", "id")


class StarsFilter(admin.SimpleListFilter):
    """1 to 5 (the table's CHECK), instead of Django's default for a number
    column: a SELECT DISTINCT over every rating."""

    title = "stars"
    parameter_name = "stars"

    def lookups(self, request, model_admin):
        return [(str(stars), "★" * stars) for stars in range(1, 6)]

    def queryset(self, request, queryset):
        return queryset.filter(stars=self.value()) if self.value() else queryset


class CustomerReviewMediaInline(GatimitraTabularInline):
    model = CustomerReviewMedia
    fields = ("media_type", "storage_key", "moderation_status", "rejection_reason")


@admin.register(CustomerRating)
class CustomerRatingAdmin(GatimitraModelAdmin):
    list_display = (
        "customer",
        "order",
        "target_type",
        "store",
        "rider",
        "stars",
        "moderation_status",
        "created_at",
    )
    list_filter = ("target_type", "rated_by_type", "moderation_status", StarsFilter)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "order", "store", "menu_item", "rider", "moderated_by")
    inlines = (CustomerReviewMediaInline,)


@admin.register(CustomerReviewMedia)
class CustomerReviewMediaAdmin(GatimitraModelAdmin):
    list_display = ("rating", "media_type", "moderation_status", "moderated_at")
    search_fields = ("rating__customer__mobile",)
    ordering = ("-id",)
    autocomplete_fields = ("moderated_by",)
