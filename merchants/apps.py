from gatimitra.apps import DomainConfig


class MerchantsConfig(DomainConfig):
    name = "merchants"
    verbose_name = "Merchants"
    db_schema = "merchants"
    admin_order = 3
    admin_description = (
        "Merchant parents and their stores: menus, opening hours and availability, offers, "
        "contracts, commission and payouts."
    )
    admin_dashboard = "merchants.admin.dashboard.panels"
