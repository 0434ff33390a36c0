from customers.admin import (  # noqa: F401
    carts,
    consents,
    customers,
    metrics,
    payments,
    promotions,
    ratings,
    safety,
    subscriptions,
    tickets,
    wallets,
)
