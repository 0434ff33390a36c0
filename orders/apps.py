from gatimitra.apps import DomainConfig


class OrdersConfig(DomainConfig):
    name = "orders"
    verbose_name = "Orders"
    db_schema = "orders"
    admin_order = 1
    admin_description = (
        "Orders of the three services (FOOD, PARCEL, RIDE), their dispatch, payments and "
        "settlement; the cities and zones GatiMitra serves and their pricing."
    )
    admin_dashboard = "orders.admin.dashboard.panels"
