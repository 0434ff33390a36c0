from gatimitra.apps import DomainConfig


class CustomersConfig(DomainConfig):
    name = "customers"
    verbose_name = "Customers"
    db_schema = "customers"
