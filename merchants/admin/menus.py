from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from merchants.models import (
    MerchantItemStockEvent,
    MerchantMenu,
    MerchantMenuAddon,
    MerchantMenuAddonGroup,
    MerchantMenuCategory,
    MerchantMenuChangeRequest,
    MerchantMenuItem,
    MerchantMenuItemAddonGroup,
    MerchantMenuItemTag,
    MerchantMenuItemVariant,
)


class MerchantMenuCategoryInline(GatimitraTabularInline):
    model = MerchantMenuCategory
    fk_name = "menu"
    fields = ("name", "parent_category", "display_order", "is_active")


@admin.register(MerchantMenu)
class MerchantMenuAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "name", "store", "menu_kind", "is_active", "published_version")
    list_filter = ("menu_kind", "is_active")
    search_fields = ("name",)
    ordering = ("-id",)
    inlines = (MerchantMenuCategoryInline,)


@admin.register(MerchantMenuCategory)
class MerchantMenuCategoryAdmin(GatimitraModelAdmin):
    list_display = ("id", "name", "menu", "parent_category", "display_order", "is_active")
    search_fields = ("name",)
    ordering = ("-id",)


class MerchantMenuItemVariantInline(GatimitraTabularInline):
    model = MerchantMenuItemVariant


class MerchantMenuItemAddonGroupInline(GatimitraTabularInline):
    model = MerchantMenuItemAddonGroup
    verbose_name = "add-on group"
    verbose_name_plural = "add-on groups"


class MerchantMenuItemTagInline(GatimitraTabularInline):
    model = MerchantMenuItemTag


@admin.register(MerchantMenuItem)
class MerchantMenuItemAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "name", "store", "category", "food_type", "base_price", "availability")
    list_filter = ("food_type", "availability")
    search_fields = ("name",)
    ordering = ("-id",)
    inlines = (
        MerchantMenuItemVariantInline,
        MerchantMenuItemAddonGroupInline,
        MerchantMenuItemTagInline,
    )


@admin.register(MerchantMenuItemVariant)
class MerchantMenuItemVariantAdmin(GatimitraModelAdmin):
    list_display = ("id", "name", "menu_item", "price", "availability", "is_default")
    ordering = ("-id",)


class MerchantMenuAddonInline(GatimitraTabularInline):
    model = MerchantMenuAddon


@admin.register(MerchantMenuAddonGroup)
class MerchantMenuAddonGroupAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "name", "store", "min_selections", "max_selections")
    search_fields = ("name",)
    ordering = ("-id",)
    inlines = (MerchantMenuAddonInline,)


@admin.register(MerchantMenuAddon)
class MerchantMenuAddonAdmin(GatimitraModelAdmin):
    list_display = ("id", "name", "addon_group", "price", "food_type", "availability")
    ordering = ("-id",)


@admin.register(MerchantMenuItemAddonGroup)
class MerchantMenuItemAddonGroupAdmin(GatimitraModelAdmin):
    list_display = ("id", "menu_item", "addon_group", "display_order")
    ordering = ("-id",)


@admin.register(MerchantMenuItemTag)
class MerchantMenuItemTagAdmin(GatimitraModelAdmin):
    list_display = ("id", "menu_item", "tag")
    list_filter = ("tag",)
    ordering = ("-id",)


@admin.register(MerchantMenuChangeRequest)
class MerchantMenuChangeRequestAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = (
        "id",
        "store",
        "change_kind",
        "status",
        "merchant_user",
        "approval",
        "created_at",
    )
    list_filter = ("status", "change_kind")
    ordering = ("-id",)
    autocomplete_fields = ("approval",)


@admin.register(MerchantItemStockEvent)
class MerchantItemStockEventAdmin(GatimitraModelAdmin):
    list_display = ("id", "menu_item", "variant", "addon", "availability", "actor_type")
    ordering = ("-id",)
