from django.contrib import admin

from access_mgmt.models import FeatureFlag, FeatureFlagRule, SystemSetting
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline


class FeatureFlagRuleInline(GatimitraTabularInline):
    model = FeatureFlagRule
    fields = (
        "priority",
        "city",
        "service_type",
        "principal_type",
        "platform",
        "min_app_version",
        "max_app_version",
        "rollout_percent",
        "variant",
        "is_active",
    )
    ordering = ("priority",)
    autocomplete_fields = ("city",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("flag", "city")


@admin.register(FeatureFlag)
class FeatureFlagAdmin(GatimitraModelAdmin):
    list_display = ("key", "name", "flag_type", "is_enabled", "is_kill_switch", "owner")
    list_filter = ("flag_type", "is_enabled", "is_kill_switch")
    search_fields = ("key", "name")
    ordering = ("key",)
    autocomplete_fields = ("owner",)
    inlines = (FeatureFlagRuleInline,)


@admin.register(FeatureFlagRule)
class FeatureFlagRuleAdmin(GatimitraModelAdmin):
    list_display = (
        "flag",
        "priority",
        "city",
        "service_type",
        "principal_type",
        "platform",
        "rollout_percent",
        "variant",
        "is_active",
    )
    search_fields = ("flag__key", "variant")
    ordering = ("flag", "priority")
    autocomplete_fields = ("flag", "city")


@admin.register(SystemSetting)
class SystemSettingAdmin(GatimitraModelAdmin):
    list_display = (
        "key",
        "city",
        "version",
        "value",
        "effective_from",
        "effective_to",
        "updated_by",
    )
    list_filter = ("city",)
    search_fields = ("key",)
    ordering = ("key", "city", "version")
    autocomplete_fields = ("city", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
