"""The riders section of the console's home page (``RidersConfig.admin_dashboard``):
riders on duty by state, the COD cash they hold, and how many hold at least
the cash-in-hand cap (``cod.cash_in_hand_cap``: at the cap dispatch gives
them no CASH order until they deposit).

Read from ``rider_live_status`` (one row per rider, the dispatch read model)
through its admin's queryset, so a city-scoped user counts their cities'
riders. The cap is the one in effect in the user's city when they see one
city, else the platform-wide one."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from access_mgmt.models import SystemSetting
from access_mgmt.scopes import model_city_scope
from gatimitra.console.dashboard import Figure, Panel, changelist_url, visible_admin
from gatimitra.console.payouts import payouts_due_panel
from orders.dispatch import COD_CAP_SETTING
from riders.choices import DutyStatus
from riders.models import RiderLiveStatus, RiderPayout

ON_DUTY = [DutyStatus.ONLINE, DutyStatus.ON_ORDER, DutyStatus.ON_BREAK]


def panels(request, site):
    found = []
    if model_admin := visible_admin(request, site, RiderLiveStatus):
        found += duty_panels(request, site, model_admin)
    if payouts := visible_admin(request, site, RiderPayout):
        found.append(
            payouts_due_panel(
                site, RiderPayout, payouts.get_queryset(request), "amount", "Rider payouts due"
            )
        )
    return found


def duty_panels(request, site, model_admin):
    live = model_admin.get_queryset(request)
    cap = cash_cap(request.user)
    over_cap = Q(cash_in_hand__gte=cap) if cap is not None else Q(pk__in=[])
    found = live.order_by().aggregate(
        **{state.value: Count("pk", filter=Q(duty_status=state)) for state in ON_DUTY},
        cash=Sum("cash_in_hand", filter=Q(duty_status__in=ON_DUTY)),
        over_cap=Count("pk", filter=over_cap),
    )
    on_duty = sum(found[state.value] for state in ON_DUTY)
    figures = [
        Figure(
            "on duty",
            on_duty,
            changelist_url(site, RiderLiveStatus, duty_status__in=",".join(ON_DUTY)),
        ),
        *(
            Figure(
                state.label.lower(),
                found[state.value],
                changelist_url(site, RiderLiveStatus, duty_status__exact=state.value),
            )
            for state in ON_DUTY
        ),
    ]
    cash = found["cash"] or Decimal(0)
    cash_figures = [
        Figure(
            "cash in hand on duty (₹)",
            f"{cash:,.0f}",
            changelist_url(site, RiderLiveStatus, duty_status__in=",".join(ON_DUTY), o="-6"),
        ),
    ]
    if cap is not None:
        cash_figures.append(
            Figure(
                f"at or over the ₹{cap:,.0f} cap",
                found["over_cap"],
                changelist_url(site, RiderLiveStatus, cash_in_hand__gte=str(cap)),
                note="Dispatch gives these riders no CASH order until they deposit.",
                level="warn" if found["over_cap"] else "",
            )
        )
    return [
        Panel("Riders on duty", figures=figures),
        Panel(
            "COD cash in hand",
            figures=cash_figures,
            note="" if cap is not None else f"No {COD_CAP_SETTING} setting is in effect.",
        ),
    ]


def cash_cap(user):
    """The cash-in-hand cap in effect for the cities the user sees, or None."""
    cities = model_city_scope(user, RiderLiveStatus, "view", "change")
    city = next(iter(cities)) if cities is not None and len(cities) == 1 else None
    value = SystemSetting.objects.current(COD_CAP_SETTING, city=city)
    return None if value is None else Decimal(str(value))
