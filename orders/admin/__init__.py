from orders.admin import (  # noqa: F401
    assignments,
    cities,
    orders,
    payments,
    providers,
    settlements,
)
