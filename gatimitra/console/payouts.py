"""The "payouts due" figures, shared by the merchants' and riders' home-page
panels: payouts scheduled, on hold or failed (not yet paid), each a link to
the changelist filtered to that status."""

from django.db.models import Count, Q, Sum

from gatimitra.console.dashboard import Figure, Panel, changelist_url
from gatimitra.enums import PayoutStatus

DUE = [PayoutStatus.SCHEDULED, PayoutStatus.ON_HOLD, PayoutStatus.FAILED]


def payouts_due_panel(site, model, queryset, amount_field, title="Payouts due"):
    # Filtered first, though every figure filters too: the due payouts are a
    # few rows of a table that grows with every cycle, found by an index
    # (riders ``rider_payouts_due``, merchants ``merchant_store_payouts_due``)
    # instead of a scan of all payout history.
    found = (
        queryset.filter(status__in=DUE)
        .order_by()
        .aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in DUE},
            amount=Sum(amount_field, filter=Q(status__in=DUE)),
        )
    )
    figures = [
        Figure(
            status.label.lower(),
            found[status.value],
            changelist_url(site, model, status__exact=status.value),
            level="warn" if status == PayoutStatus.FAILED and found[status.value] else "",
        )
        for status in DUE
    ]
    figures.append(
        Figure(
            "₹ not yet paid",
            f"{found['amount'] or 0:,.0f}",
            changelist_url(site, model, status__in=",".join(DUE)),
        )
    )
    return Panel(title, figures=figures)
