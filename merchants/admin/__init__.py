from merchants.admin import (  # noqa: F401
    documents,
    menus,
    offers,
    operations,
    parents,
    payouts,
    stores,
)
