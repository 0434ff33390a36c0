from gatimitra.apps import DomainConfig


class OrdersConfig(DomainConfig):
    name = "orders"
    verbose_name = "Orders"
    db_schema = "orders"
