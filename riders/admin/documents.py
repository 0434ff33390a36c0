from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from riders.forms import RiderDocumentForm
from riders.models import (
    RiderDocument,
    RiderInsurancePolicy,
    RiderKycVerification,
    RiderTraining,
    RiderVehicle,
)

VEHICLE_PAPERS = (
    "rc_valid_until",
    "insurance_valid_until",
    "puc_valid_until",
    "permit_valid_until",
    "fitness_valid_until",
)


class RiderVehicleInline(GatimitraTabularInline):
    model = RiderVehicle
    fields = (
        "registration_number",
        "vehicle_type",
        "make",
        "model",
        "fuel_type",
        "ownership",
        "rc_valid_until",
        "insurance_valid_until",
        "is_active",
    )


class RiderDocumentInline(GatimitraTabularInline):
    model = RiderDocument
    form = RiderDocumentForm
    fields = (
        "document_type",
        "number",
        "number_masked",
        "kyc_reference",
        "vehicle",
        "verification_status",
        "expires_on",
        "reviewed_by",
        "reviewed_at",
    )
    readonly_fields = ("number_masked",)


@admin.register(RiderVehicle)
class RiderVehicleAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "registration_number",
        "rider",
        "vehicle_type",
        "fuel_type",
        "ownership",
        "insurance_valid_until",
        "is_active",
    )
    list_filter = ("vehicle_type", "fuel_type", "ownership", "is_active")
    search_fields = ("registration_number", "=rider__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "rider",
                    "registration_number",
                    "vehicle_type",
                    ("make", "model", "colour", "manufacture_year"),
                    ("fuel_type", "ownership"),
                    "is_active",
                )
            },
        ),
        ("Papers valid until", {"fields": VEHICLE_PAPERS}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(RiderDocument)
class RiderDocumentAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    form = RiderDocumentForm
    list_display = (
        "id",
        "rider",
        "document_type",
        "number_masked",
        "verification_status",
        "expires_on",
        "reviewed_by",
    )
    search_fields = ("=rider__mobile", "=kyc_reference")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)
    readonly_fields = ("number_masked",)
    fieldsets = (
        (None, {"fields": ("rider", "document_type", "vehicle", "file_key")}),
        ("Number", {"fields": ("number", "number_masked", "kyc_reference")}),
        ("Validity", {"fields": ("issued_on", "expires_on")}),
        (
            "Review",
            {"fields": ("verification_status", "reviewed_by", "reviewed_at", "rejection_reason")},
        ),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(RiderKycVerification)
class RiderKycVerificationAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = ("id", "rider", "check_type", "status", "vendor", "score", "requested_at")
    search_fields = ("=vendor_request_id", "=rider__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)


@admin.register(RiderInsurancePolicy)
class RiderInsurancePolicyAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "policy_number",
        "rider",
        "cover_type",
        "insurer",
        "sum_insured",
        "valid_from",
        "valid_to",
    )
    list_filter = ("cover_type",)
    search_fields = ("=policy_number", "=rider__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)


@admin.register(RiderTraining)
class RiderTrainingAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = ("id", "rider", "module_code", "kind", "service_type", "score", "passed")
    list_filter = ("kind", "service_type", "passed")
    search_fields = ("=module_code", "=rider__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)
