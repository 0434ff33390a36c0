from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from merchants.models import MerchantAdCampaign, MerchantOffer, MerchantOfferItem


class MerchantOfferItemInline(GatimitraTabularInline):
    model = MerchantOfferItem


@admin.register(MerchantOffer)
class MerchantOfferAdmin(GatimitraModelAdmin):
    list_display = ("code", "title", "offer_type", "status", "store", "parent", "valid_to")
    list_filter = ("offer_type", "status")
    search_fields = ("code", "title")
    ordering = ("-id",)
    inlines = (MerchantOfferItemInline,)


@admin.register(MerchantOfferItem)
class MerchantOfferItemAdmin(GatimitraModelAdmin):
    list_display = ("id", "offer", "menu_item", "category", "is_excluded")
    ordering = ("-id",)


@admin.register(MerchantAdCampaign)
class MerchantAdCampaignAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("name", "store", "zone", "status", "placement", "budget", "spend", "valid_to")
    list_filter = ("status", "placement")
    search_fields = ("name",)
    ordering = ("-id",)
    autocomplete_fields = ("zone",)
