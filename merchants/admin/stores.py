from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from merchants.models import (
    MerchantCuisine,
    MerchantMenu,
    MerchantStore,
    MerchantStoreCuisine,
    MerchantStoreHours,
    MerchantStoreLink,
    MerchantStoreMedia,
    MerchantStoreServiceArea,
    MerchantUserStoreAccess,
)


class MerchantStoreHoursInline(GatimitraTabularInline):
    model = MerchantStoreHours
    ordering = ("weekday", "opens_at")


class MerchantStoreCuisineInline(GatimitraTabularInline):
    model = MerchantStoreCuisine
    autocomplete_fields = ("cuisine",)


class MerchantMenuInline(GatimitraTabularInline):
    model = MerchantMenu
    fields = ("name", "menu_kind", "is_active", "published_version", "published_at")
    readonly_fields = ("published_version", "published_at")


@admin.register(MerchantStore)
class MerchantStoreAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "zone__city"

    list_display = ("code", "name", "parent", "status", "city", "zone", "is_accepting_orders")
    list_filter = ("status", "store_kind", "delivery_mode", "fssai_licence_type")
    search_fields = ("code", "name", "fssai_number")
    ordering = ("-id",)
    autocomplete_fields = ("parent", "zone")
    readonly_fields = ("went_live_at",)
    fieldsets = (
        (None, {"fields": ("code", "name", "parent", "store_kind", "service_types", "status")}),
        (
            "Address",
            {
                "fields": (
                    "address_line1",
                    "address_line2",
                    "locality",
                    "city",
                    "state",
                    "pin_code",
                    "zone",
                    "latitude",
                    "longitude",
                    "contact_mobile",
                    "contact_email",
                )
            },
        ),
        ("Compliance", {"fields": ("fssai_number", "fssai_licence_type", "gst_registration")}),
        (
            "Operations",
            {
                "fields": (
                    "avg_prep_time_minutes",
                    "minimum_order_value",
                    "packaging_charge",
                    "delivery_mode",
                    "is_pure_veg",
                    "is_accepting_orders",
                    "went_live_at",
                )
            },
        ),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (MerchantStoreHoursInline, MerchantStoreCuisineInline, MerchantMenuInline)


@admin.register(MerchantStoreLink)
class MerchantStoreLinkAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "store", "related_store", "link_kind")
    list_filter = ("link_kind",)
    ordering = ("-id",)


@admin.register(MerchantUserStoreAccess)
class MerchantUserStoreAccessAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "merchant_user", "store", "role_override", "is_active")
    ordering = ("-id",)


@admin.register(MerchantStoreServiceArea)
class MerchantStoreServiceAreaAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "store", "name", "radius_m", "zone", "is_serviceable", "priority")
    ordering = ("-id",)
    autocomplete_fields = ("zone",)


@admin.register(MerchantStoreMedia)
class MerchantStoreMediaAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "store", "media_kind", "moderation_status", "display_order")
    list_filter = ("media_kind", "moderation_status")
    ordering = ("-id",)


@admin.register(MerchantCuisine)
class MerchantCuisineAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "display_order", "is_active")
    search_fields = ("code", "name")
    ordering = ("name",)


@admin.register(MerchantStoreCuisine)
class MerchantStoreCuisineAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "store", "cuisine", "is_primary")
    ordering = ("-id",)
    autocomplete_fields = ("cuisine",)
