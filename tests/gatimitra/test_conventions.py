"""House conventions the models keep (docs/migrations.md, "Naming")."""

from django.apps import apps
from django.db import models

#: Unique constraints named before the one suffix was chosen; renaming them is
#: a migration per table for no change in behaviour, so they keep their names.
#: A new unique constraint is ``<table>_<purpose>_uniq``.
NAMED_BEFORE_THE_SUFFIX = frozenset(
    {
        "api_client_permissions_one_rule_per_permission",
        "approval_actions_one_decision_per_approver",
        "approval_workflow_steps_unique_step_no",
        "blocked_identifiers_one_entry_per_identifier",
        "customer_addresses_one_default_per_customer",
        "customer_carts_one_active_per_service",
        "customer_payment_methods_one_default_per_customer",
        "customer_ratings_one_per_target_per_order",
        "customer_risk_flags_one_active_per_type",
        "customer_subscriptions_one_live_per_customer",
        "duty_logs_one_open_session",
        "external_provider_callbacks_event_key",
        "feature_flag_rules_unique_priority",
        "gatimitra_seed_rows_one_per_row",
        "ip_allowlists_unique_entry",
        "merchant_bank_accounts_one_default_per_parent",
        "merchant_bank_accounts_one_default_per_store",
        "merchant_devices_unique",
        "merchant_menu_addon_groups_unique_name",
        "merchant_menu_addons_unique_name",
        "merchant_menu_categories_unique_name",
        "merchant_menu_item_addon_groups_unique",
        "merchant_menu_item_tags_unique",
        "merchant_menu_item_variants_one_default",
        "merchant_menu_item_variants_unique_name",
        "merchant_menu_items_external_id",
        "merchant_menus_unique_name",
        "merchant_offer_items_unique_category",
        "merchant_offer_items_unique_item",
        "merchant_onboarding_applications_one_open",
        "merchant_pos_integrations_external_id",
        "merchant_pos_integrations_store_provider",
        "merchant_store_cuisines_one_primary",
        "merchant_store_cuisines_unique",
        "merchant_store_daily_metrics_unique",
        "merchant_store_hours_unique",
        "merchant_store_links_unique",
        "merchant_store_payouts_one_per_cycle",
        "merchant_stores_fssai_number_unique",
        "merchant_user_store_access_unique",
        "mfa_factors_one_primary_per_user",
        "order_external_deliveries_id_provider_key",
        "order_external_deliveries_one_live_per_order",
        "order_external_deliveries_task_key",
        "order_invoices_number_key",
        "order_payments_gateway_payment_key",
        "order_payments_id_order_key",
        "order_rider_assignments_one_active_per_order",
        "order_stops_id_order_key",
        "order_stops_order_sequence_key",
        "orders_id_store_key",
        "ride_fare_policies_version_key",
        "rider_bank_accounts_one_default",
        "rider_shift_bookings_one_live_per_shift",
        "role_hierarchy_one_edge_per_pair",
        "role_permissions_one_rule_per_permission",
        "service_zones_city_code_key",
        "service_zones_id_city_key",
        "system_settings_unique_version",
        "team_members_one_current_membership",
        "trusted_devices_one_per_fingerprint",
        "user_access_scopes_unique_target",
    }
)


def unique_constraints():
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                yield model, constraint


def test_new_unique_constraints_end_in_uniq():
    misnamed = sorted(
        f"{model._meta.label}: {constraint.name}"
        for model, constraint in unique_constraints()
        if not constraint.name.endswith("_uniq") and constraint.name not in NAMED_BEFORE_THE_SUFFIX
    )
    assert misnamed == [], "name new unique constraints <table>_<purpose>_uniq"


def test_the_old_names_are_still_there():
    """The list shrinks when a migration renames one of them."""
    names = {constraint.name for _model, constraint in unique_constraints()}
    assert sorted(NAMED_BEFORE_THE_SUFFIX - names) == []
