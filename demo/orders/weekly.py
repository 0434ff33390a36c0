"""Day and week boundaries of the order history: riders deposit the cash
they collected each day; each week merchants' payouts close over their
settlements, riders are paid out and their weekly incentives credited."""

from datetime import timedelta
from decimal import Decimal

from demo.orders.common import ZERO
from demo.riders import wallet_entry
from gatimitra.enums import (
    LedgerEntryDirection,
    PayoutStatus,
    ServiceType,
    VerificationStatus,
)
from merchants.models import MerchantStorePayout
from riders.choices import TdsSection, WalletTxnType
from riders.models import (
    RiderCashDeposit,
    RiderIncentiveProgress,
    RiderPayout,
    WalletLedger,
)
from riders.tax import tds_amount

#: ``rider_cash_deposits.method`` and ``rider_payouts.kind`` are riders.choices
#: CHECK lists (CASH_DEPOSIT_METHODS, PAYOUT_KINDS), not ``PaymentMethod`` and
#: ``SettlementCycle``, whose members they share a spelling with.
DEPOSIT_BY_UPI = "UPI"
WEEKLY_PAYOUT = "WEEKLY"


class WeekBoundaries:
    """Mixed into ``OrderGenerator``: what happens between orders, in time order."""

    # Boundaries ----------------------------------------------------------------------

    def boundaries(self, batch, placed):
        week = (placed - timedelta(days=placed.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        day = placed.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.day is not None and day > self.day:
            self.cash_deposits(batch, day)
        if self.week is None:
            self.open_payouts(batch, week)
        elif week > self.week:
            self.close_week(batch, week)
            self.open_payouts(batch, week)
        self.week, self.day = week, day

    def cash_deposits(self, batch, day):
        """Riders deposit the cash they collected at a hub (or by UPI)."""
        rng = self.rng
        for riders in self.riders.values():
            for rider in riders:
                if rider.cash <= 0 or rider.extra.get("deposited") == day:
                    continue
                rider.extra["deposited"] = day
                at = self.demo.before_now(
                    day + timedelta(hours=rng.randrange(9, 12), minutes=rng.randrange(60)),
                    floor=day,
                )
                upi = rng.chance(0.4)
                deposit = batch.add(
                    RiderCashDeposit,
                    {
                        "id": self.demo.next_id(RiderCashDeposit),
                        "rider_id": rider.id,
                        "method": DEPOSIT_BY_UPI if upi else "HUB_CASH",
                        "status": VerificationStatus.VERIFIED,
                        "amount": rider.cash,
                        "hub_name": "" if upi else f"{rider.zone.name} hub",
                        "slip_photo_key": ""
                        if upi
                        else f"demo/deposits/{rider.id}/{day:%Y%m%d}.jpg",
                        "upi_reference": f"UPI{rider.id:08d}{day:%y%m%d}" if upi else None,
                        "deposited_at": at,
                        "verified_at": at + timedelta(hours=1),
                        "verified_by_id": self.rng.pick(self.inputs.staff_ids),
                        "created_at": at,
                    },
                )
                batch.add(
                    WalletLedger,
                    wallet_entry(
                        rider,
                        LedgerEntryDirection.CREDIT,
                        WalletTxnType.COD_DEPOSITED,
                        rider.cash,
                        "CASH_DEPOSIT",
                        deposit["id"],
                        "Cash deposited",
                        at,
                        deposit_id=deposit["id"],
                    ),
                )
                rider.cash = ZERO

    def open_payouts(self, batch, week):
        """This week's payout of every store with a verified account: empty
        until the week closes (the settlements of the week point at it)."""
        self.payouts = {}
        cycle_end = (week + timedelta(days=6)).date()
        for store in self.payout_stores:
            payout = batch.add(
                MerchantStorePayout,
                {
                    "id": self.demo.next_id(MerchantStorePayout),
                    "store_id": store.id,
                    "bank_account_id": store.bank_account_id,
                    "contract_id": store.contract_id,
                    "status": PayoutStatus.SCHEDULED,
                    "cycle_start": week.date(),
                    "cycle_end": cycle_end,
                    "gross_amount": ZERO,
                    "commission_amount": ZERO,
                    "gst_on_commission": ZERO,
                    "tcs_amount": ZERO,
                    "tds_amount": ZERO,
                    "refunds_recovered": ZERO,
                    "adjustments_amount": ZERO,
                    "net_amount": ZERO,
                    "idempotency_key": f"payout-{store.id}-{week:%Y%m%d}",
                    "provider_payout_id": f"pout_{store.id:07d}{week:%y%m%d}",
                    "scheduled_for": cycle_end + timedelta(days=3),
                    "created_at": week,
                    "_totals": [ZERO] * 6,
                },
            )
            self.payouts[store.id] = payout

    def paid_out_at(self, week):
        """When the payouts of ``week`` reach the banks: Wednesday 11:00 after it."""
        return week + timedelta(days=9, hours=11)

    def settle_payouts(self, batch, processed):
        """Write the week's totals into its payouts (and pay them out, when
        that moment has passed; until then they are processing)."""
        if not self.payouts:
            return
        ids, values = [], [[] for _ in range(7)]
        for payout in self.payouts.values():
            gross, commission, gst, tcs, tds, recovered = payout["_totals"]
            net = gross - commission - gst - tcs - tds - recovered
            if net < 0:
                recovered += net  # recover the rest next cycle
                net = ZERO
            ids.append(payout["id"])
            for column, value in zip(
                values, (gross, commission, gst, tcs, tds, recovered, net), strict=True
            ):
                column.append(value)
        status = PayoutStatus.SCHEDULED
        if processed:
            processed = self.paid_out_at(self.week) <= self.now
            status = PayoutStatus.PROCESSED if processed else PayoutStatus.PROCESSING
        if status == PayoutStatus.PROCESSED:
            # Sent first, then paid: the payout machine has no shortcut.
            batch.after.append(
                (
                    "UPDATE merchants.merchant_store_payouts SET status = 'PROCESSING' "
                    "WHERE id = ANY(%s) AND status = 'SCHEDULED'",
                    [ids],
                )
            )
        batch.after.append(
            (
                "UPDATE merchants.merchant_store_payouts p SET gross_amount = t.gross, "
                "commission_amount = t.commission, gst_on_commission = t.gst, tcs_amount = t.tcs, "
                "tds_amount = t.tds, refunds_recovered = t.recovered, "
                "net_amount = t.net, status = %s, "
                "processed_at = CASE WHEN %s THEN (p.cycle_end + 3)::timestamp "
                "AT TIME ZONE 'Asia/Kolkata' + interval '11 hours' END, "
                "utr = CASE WHEN %s THEN 'UTR' || lpad(p.id::text, 12, '0') END, "
                "updated_at = now() "
                "FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[], "
                "%s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[]) "
                "AS t(id, gross, commission, gst, tcs, tds, recovered, net) WHERE p.id = t.id",
                [status, processed, processed, ids, *values],
            )
        )

    def close_week(self, batch, new_week):
        """The week that ends at ``new_week``: incentives, rider payouts, merchant payouts."""
        self.settle_payouts(batch, processed=True)
        rng = self.rng
        at = self.demo.before_now(new_week + timedelta(hours=2), floor=new_week)
        paid = at + timedelta(hours=4) <= self.now
        for riders in self.riders.values():
            for rider in riders:
                if rider.extra.get("closed") == new_week:
                    continue
                rider.extra["closed"] = new_week
                scheme = self.inputs.incentive_schemes.get((rider.city.id, new_week))
                if scheme is not None and rider.week_orders:
                    met = rider.week_orders >= scheme["target_orders"]
                    progress = batch.add(
                        RiderIncentiveProgress,
                        {
                            "id": self.demo.next_id(RiderIncentiveProgress),
                            "scheme_id": scheme["id"],
                            "rider_id": rider.id,
                            "orders_completed": rider.week_orders,
                            "login_minutes": rider.week_orders * 35,
                            "amount_earned": scheme["reward_amount"] if met else ZERO,
                            "target_met": met,
                            "last_computed_at": at,
                            "created_at": at,
                        },
                    )
                    if met:
                        entry = batch.add(
                            WalletLedger,
                            wallet_entry(
                                rider,
                                LedgerEntryDirection.CREDIT,
                                WalletTxnType.INCENTIVE,
                                scheme["reward_amount"],
                                WalletTxnType.INCENTIVE,
                                progress["id"],
                                scheme["name"],
                                at,
                            ),
                        )
                        progress["ledger_entry_id"] = entry["id"]
                rider.week_orders = 0
                if rider.balance >= Decimal("100.00") and rider.bank_account_id:
                    # s.194C: 1% of a delivery partner's single payment over
                    # Rs 30,000 (rides fall under s.194-O, whose Rs 5 lakh
                    # yearly threshold the demo never reaches).
                    tds = None
                    if ServiceType.RIDE not in rider.services and rider.balance > Decimal(
                        "30000.00"
                    ):
                        tds = {
                            "tds_section": TdsSection.S194C,
                            "tds_rate_percent": Decimal("1.00"),
                            "tds_base_amount": rider.balance,
                            "tds_amount": tds_amount(rider.balance, Decimal("1.00")),
                        }
                    payout_id = self.demo.next_id(RiderPayout)
                    if tds:
                        batch.add(
                            WalletLedger,
                            wallet_entry(
                                rider,
                                LedgerEntryDirection.DEBIT,
                                WalletTxnType.TDS,
                                tds["tds_amount"],
                                WalletTxnType.PAYOUT,
                                payout_id,
                                "TDS u/s 194C",
                                at + timedelta(seconds=30),
                                payout_id=payout_id,
                            ),
                        )
                    payout = batch.add(
                        RiderPayout,
                        {
                            "id": payout_id,
                            **(tds or {}),
                            "rider_id": rider.id,
                            "bank_account_id": rider.bank_account_id,
                            "idempotency_key": f"rp-{rider.id}-{new_week:%Y%m%d}",
                            "status": PayoutStatus.PROCESSED if paid else PayoutStatus.PROCESSING,
                            "kind": WEEKLY_PAYOUT,
                            "mode": "UPI" if rider.upi else "IMPS",
                            "amount": rider.balance,
                            "fee": ZERO,
                            "provider_payout_id": f"rpout_{rider.id:08d}{new_week:%y%m%d}",
                            "utr": rng.digits(12) if paid else None,
                            "period_start": (new_week - timedelta(days=7)).date(),
                            "period_end": (new_week - timedelta(days=1)).date(),
                            "scheduled_at": at,
                            "processed_at": at + timedelta(hours=4) if paid else None,
                            "created_at": at,
                        },
                    )
                    batch.add(
                        WalletLedger,
                        wallet_entry(
                            rider,
                            LedgerEntryDirection.DEBIT,
                            WalletTxnType.PAYOUT,
                            rider.balance,
                            WalletTxnType.PAYOUT,
                            payout["id"],
                            "Weekly payout",
                            at + timedelta(minutes=1),
                            payout_id=payout["id"],
                        ),
                    )
