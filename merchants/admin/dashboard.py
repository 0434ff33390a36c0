"""The merchants section of the console's home page
(``MerchantsConfig.admin_dashboard``): stores by status (live, paused,
closed for now, waiting for review) and store payouts not yet paid. Both
through their admins' querysets, so city-scoped users count their cities."""

from gatimitra.console.dashboard import Figure, Panel, changelist_url, counts, visible_admin
from gatimitra.console.payouts import payouts_due_panel
from merchants.choices import StoreStatus
from merchants.models import MerchantStore, MerchantStorePayout

WATCHED = [
    StoreStatus.LIVE,
    StoreStatus.PAUSED,
    StoreStatus.TEMPORARILY_CLOSED,
    StoreStatus.UNDER_REVIEW,
]


def panels(request, site):
    found = []
    if stores := visible_admin(request, site, MerchantStore):
        by_status = counts(stores.get_queryset(request), "status")
        found.append(
            Panel(
                "Stores",
                figures=[
                    Figure(
                        status.label.lower(),
                        by_status.get((status.value,), 0),
                        changelist_url(site, MerchantStore, status__exact=status.value),
                    )
                    for status in WATCHED
                ],
            )
        )
    if payouts := visible_admin(request, site, MerchantStorePayout):
        found.append(
            payouts_due_panel(
                site,
                MerchantStorePayout,
                payouts.get_queryset(request),
                "net_amount",
                "Store payouts due",
            )
        )
    return found
