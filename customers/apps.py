from django.db.models.signals import pre_save

from gatimitra.apps import DomainConfig


class CustomersConfig(DomainConfig):
    name = "customers"
    verbose_name = "Customers"
    db_schema = "customers"
    admin_order = 4
    admin_description = (
        "Customers: profiles and addresses, wallet and loyalty ledgers, promotions, "
        "ratings, safety and support tickets."
    )
    admin_dashboard = "customers.admin.dashboard.panels"

    def ready(self):
        from customers.models import CustomerLoyalty, CustomerWallet
        from customers.signals import keep_ledger_balances

        for model in (CustomerWallet, CustomerLoyalty):
            pre_save.connect(
                keep_ledger_balances, sender=model, dispatch_uid=f"keep_ledger_balances_{model}"
            )
