from gatimitra.apps import DomainConfig


class RidersConfig(DomainConfig):
    name = "riders"
    verbose_name = "Riders"
    db_schema = "riders"
    admin_order = 2
    admin_description = (
        "Delivery partners and drivers: onboarding and KYC, vehicles, shifts and duty, "
        "live location, earnings, wallet, cash deposits and payouts."
    )
    admin_dashboard = "riders.admin.dashboard.panels"
