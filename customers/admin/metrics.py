from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import (
    CustomerAcquisitionAttribution,
    CustomerLifetimeStats,
    CustomerMonthlyMetric,
    CustomerScore,
)
from gatimitra.admin import GatimitraModelAdmin


@admin.register(CustomerAcquisitionAttribution)
class CustomerAcquisitionAttributionAdmin(GatimitraModelAdmin):
    list_display = ("customer", "source", "campaign", "first_service_type", "signup_at")
    list_filter = ("source", "first_service_type", "device_platform")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-pk",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerLifetimeStats)
class CustomerLifetimeStatsAdmin(GatimitraModelAdmin):
    list_display = ("customer", "total_orders", "total_gmv", "average_order_value", "computed_at")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-pk",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerMonthlyMetric)
class CustomerMonthlyMetricAdmin(GatimitraModelAdmin):
    list_display = ("customer", "month", "service_type", "orders_count", "gmv")
    list_filter = ("service_type",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerScore)
class CustomerScoreAdmin(GatimitraModelAdmin):
    list_display = ("customer", "rfm_segment", "churn_risk", "fraud_score", "cod_eligible")
    list_filter = ("rfm_segment", "cod_eligible")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)
