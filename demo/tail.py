"""What follows the orders: ratings, support tickets, notifications, calls,
safety alerts, referrals and rewards, penalties, payout adjustments and
disputes, merchant invoices, derived metrics and the application's own
audit entries.

These refer to a deterministic sample of the finished orders
(``OrderHistory.sample``); the derived aggregates (customer lifetime and
monthly stats, store daily metrics) are computed from the orders by SQL, so
they agree with them by construction.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.db import connection

from access_mgmt.choices import PrincipalType, SystemUserStatus
from audit.choices import AuditAction
from audit.models import PiiAccessLog
from customers.choices import (
    AttributionProvider,
    ConsentPurpose,
    DataRequestType,
    NotificationProvider,
    NotificationStatus,
    RatingTargetType,
    ReferralStatus,
    TicketCategory,
    TicketStatus,
)
from customers.models import (
    CustomerAcquisitionAttribution,
    CustomerBlockedRider,
    CustomerDataRequest,
    CustomerMaskedCall,
    CustomerNotification,
    CustomerNpsResponse,
    CustomerRating,
    CustomerRatingTag,
    CustomerReferral,
    CustomerReviewMedia,
    CustomerReward,
    CustomerRiskFlag,
    CustomerScore,
    CustomerSosAlert,
    CustomerTicket,
    CustomerTicketEvent,
    CustomerTicketMessage,
    CustomerTripShare,
)
from demo.access import Staff
from demo.context import Demo
from demo.customers import CustomerBase
from demo.merchants import Merchants
from demo.orders import OrderHistory
from demo.riders import RiderRoster
from demo.rng import money
from gatimitra.enums import (
    ActorType,
    DevicePlatform,
    DisputeStatus,
    InvoiceType,
    LedgerEntryDirection,
    NotificationChannel,
    OrderStatus,
    PayoutStatus,
    ServiceType,
    SosStatus,
    VerificationStatus,
)
from merchants.models import MerchantInvoice, MerchantPayoutAdjustment, MerchantPayoutDispute
from orders import pricing
from orders.models import OrderTimeline
from riders.models import RiderIncentiveProgress, RiderPenalty, RiderSosAlert

#: Columns kept to a CHECK list (no enum) whose values share a spelling with
#: another column's enum: customer_ratings.moderation_status
#: (MODERATION_STATES), customer_ticket_events.event_type (TICKET_EVENT_TYPES)
#: and the penalties the demo gives (riders.choices PENALTY_REASONS).
RATING_APPROVED = "APPROVED"
TICKET_CREATED = "CREATED"
TICKET_ASSIGNED = "ASSIGNED"
PENALTY_REASONS_SEEN = ("LATE_DELIVERY", "CUSTOMER_COMPLAINT", "UNIFORM_OR_BAG")

PROMO_PURPOSES = {
    NotificationChannel.SMS: ConsentPurpose.MARKETING_SMS,
    NotificationChannel.WHATSAPP: ConsentPurpose.MARKETING_WHATSAPP,
    NotificationChannel.EMAIL: ConsentPurpose.MARKETING_EMAIL,
    NotificationChannel.PUSH: ConsentPurpose.PUSH_PROMOTIONS,
}


def build(
    demo: Demo,
    history: OrderHistory,
    staff: Staff,
    merchants: Merchants,
    riders: RiderRoster,
    customers: CustomerBase,
    pii_grants: list,
) -> None:
    rng = demo.rng("tail")
    # Ratings, tickets, penalties... follow an order by up to a day or so:
    # only orders that ended two days ago or more have them (none in the future).
    settled = demo.now - timedelta(days=2)
    sample = [o for o in history.sample if (o["completed_at"] or o["cancelled_at"]) <= settled]
    finished = [o for o in sample if o["status"] in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)]
    ratings = _ratings(demo, rng, finished, staff)
    tickets = _tickets(demo, rng, sample, staff)
    _messages(demo, rng, sample, tickets, customers)
    _safety(demo, rng, finished, staff, ratings)
    _growth(demo, rng, finished, staff, customers)
    _riders(demo, rng, finished, staff, riders)
    _merchants(demo, rng, finished, staff, merchants)
    _derived(demo, customers, merchants)
    _audit(demo, rng, pii_grants, history)


def _ratings(demo, rng, finished, staff):
    tags = {}
    for row in (
        CustomerRatingTag.objects.filter(is_active=True)
        .order_by("id")
        .values("target_type", "code", "sentiment")
    ):
        tags.setdefault((row["target_type"], row["sentiment"]), []).append(row["code"])
    ratings, media = [], []
    for order in finished:
        if not rng.chance(0.55):
            continue
        at = order["completed_at"] + timedelta(minutes=rng.randrange(10, 600))
        stars = rng.choices((5, 4, 3, 2, 1), (55, 25, 10, 5, 5))[0]
        sentiment = "POSITIVE" if stars >= 4 else "NEGATIVE"
        targets = [(RatingTargetType.ORDER, {})]
        if order["store"] is not None:
            targets.append((RatingTargetType.MERCHANT_STORE, {"store_id": order["store"].id}))
            if order["item"] and rng.chance(0.4):
                targets.append((RatingTargetType.MENU_ITEM, {"menu_item_id": order["item"]}))
        if order["rider"]:
            targets.append((RatingTargetType.RIDER, {"rider_id": order["rider"]}))
        for target, link in targets:
            options = tags.get((target, sentiment), [])
            ratings.append(
                {
                    "customer_id": order["customer"].id,
                    "order_id": order["id"],
                    "target_type": target,
                    "rated_by_type": ActorType.CUSTOMER,
                    "stars": stars,
                    "tag_codes": rng.sample(options, min(len(options), rng.randrange(0, 3))),
                    "review_text": rng.pick(
                        (
                            "",
                            "",
                            "Great, as always.",
                            "Arrived hot and on time.",
                            "Packaging could be better.",
                            "Rider was very polite.",
                        )
                    )
                    if stars >= 3
                    else "Took too long and the food was cold.",
                    "moderation_status": RATING_APPROVED,
                    "created_at": at,
                    **link,
                }
            )
        if order["rider"] and rng.chance(0.3):
            ratings.append(
                {
                    "customer_id": order["customer"].id,
                    "order_id": order["id"],
                    "target_type": RatingTargetType.CUSTOMER,
                    "rated_by_type": ActorType.RIDER,
                    "rider_id": order["rider"],
                    "stars": 5,
                    "tag_codes": [],
                    "review_text": "",
                    "moderation_status": RATING_APPROVED,
                    "created_at": at,
                }
            )
    demo.insert(CustomerRating, ratings)
    reviewed = [
        r
        for r in ratings
        if r["target_type"] in (RatingTargetType.ORDER, RatingTargetType.MENU_ITEM)
    ]
    for rating in reviewed[:: max(1, len(reviewed) // demo.count(6, 3000))]:
        rejected = rng.chance(0.1)
        media.append(
            {
                "rating_id": rating["id"],
                "media_type": "IMAGE",
                "storage_key": f"reviews/{rating['order_id']}/{rating['id']}.jpg",
                "moderation_status": VerificationStatus.REJECTED
                if rejected
                else VerificationStatus.VERIFIED,
                "moderated_by_id": rng.pick(staff.ids),
                "moderated_at": rating["created_at"] + timedelta(hours=2),
                "rejection_reason": "Not a photo of the order" if rejected else "",
            }
        )
    demo.insert(CustomerReviewMedia, media)
    return ratings


def _tickets(demo, rng, sample, staff):
    support = [
        u["id"] for u in staff.by_role["SUPPORT_AGENT"] if u["status"] == SystemUserStatus.ACTIVE
    ] or staff.ids
    tickets, events = [], []
    topics = [
        (
            TicketCategory.ORDER,
            "ORD01",
            "Order arrived late",
            "The order came 40 minutes after the promised time.",
        ),
        (
            TicketCategory.ITEM,
            "ITM02",
            "Item missing from my order",
            "One item was missing from the bag.",
        ),
        (
            TicketCategory.FULFILLMENT,
            "FLM03",
            "Rider did not come to the door",
            "The rider asked me to come down to the gate.",
        ),
        (
            TicketCategory.PAYMENT,
            "PMT01",
            "Charged twice",
            "My UPI was debited twice for the same order.",
        ),
    ]
    chosen = [o for o in sample if rng.chance(0.08)] or sample[:1]
    for order in chosen:
        category, code, subject, description = rng.pick(topics)
        created = (order["completed_at"] or order["cancelled_at"]) + timedelta(
            minutes=rng.randrange(5, 240)
        )
        status = rng.choices(
            (
                TicketStatus.RESOLVED,
                TicketStatus.CLOSED,
                TicketStatus.IN_PROGRESS,
                TicketStatus.OPEN,
                TicketStatus.AWAITING_CUSTOMER,
            ),
            (40, 30, 12, 10, 8),
        )[0]
        resolved = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        ticket = {
            "customer_id": order["customer"].id,
            "order_id": order["id"],
            "category": category,
            "sub_category_code": code,
            "channel": rng.pick(("APP_CHAT", "APP_CHAT", "PHONE", NotificationChannel.WHATSAPP)),
            "priority": rng.choice((2, 3, 3, 4)),
            "status": status,
            "subject": subject,
            "description": description,
            "assignee_id": rng.pick(support) if status != TicketStatus.OPEN else None,
            "first_response_due_at": created + timedelta(minutes=15),
            "resolution_due_at": created + timedelta(hours=24),
            "first_responded_at": created + timedelta(minutes=rng.randrange(2, 14))
            if status != TicketStatus.OPEN
            else None,
            "resolved_at": created + timedelta(hours=rng.randrange(1, 20)) if resolved else None,
            "closed_at": created + timedelta(hours=22) if status == TicketStatus.CLOSED else None,
            "resolution_code": rng.pick(("INFORMATION", "WALLET_CREDIT", "NO_ACTION"))
            if resolved
            else None,
            "resolution_notes": "Explained the delay and apologised." if resolved else "",
            "created_at": created,
            "_order": order,
        }
        tickets.append(ticket)
    demo.insert(CustomerTicket, tickets)
    for ticket in tickets:
        created = ticket["created_at"]
        events.append(
            {
                "ticket_id": ticket["id"],
                "event_type": TICKET_CREATED,
                "to_status": TicketStatus.OPEN,
                "actor_type": ActorType.CUSTOMER,
                "details": {},
                "created_at": created,
            }
        )
        if ticket["assignee_id"]:
            events.append(
                {
                    "ticket_id": ticket["id"],
                    "event_type": TICKET_ASSIGNED,
                    "actor_type": ActorType.SYSTEM,
                    "details": {"assignee_id": ticket["assignee_id"]},
                    "created_at": created + timedelta(minutes=1),
                }
            )
            events.append(
                {
                    "ticket_id": ticket["id"],
                    "event_type": "STATUS_CHANGED",
                    "from_status": TicketStatus.OPEN,
                    "to_status": ticket["status"]
                    if ticket["status"] != TicketStatus.CLOSED
                    else TicketStatus.RESOLVED,
                    "actor_type": ActorType.SYSTEM_USER,
                    "actor_user_id": ticket["assignee_id"],
                    "details": {},
                    "created_at": ticket["resolved_at"] or created + timedelta(minutes=10),
                }
            )
        refund = ticket["_order"].get("refund") if isinstance(ticket["_order"], dict) else None
        if refund:
            events.append(
                {
                    "ticket_id": ticket["id"],
                    "event_type": "REFUND_ISSUED",
                    "actor_type": ActorType.SYSTEM,
                    "refund_id": refund,
                    "details": {},
                    "created_at": created + timedelta(minutes=20),
                }
            )
    demo.insert(CustomerTicketEvent, events)
    return tickets


def _messages(demo, rng, sample, tickets, customers):
    messages, nps, notifications, calls = [], [], [], []
    for ticket in tickets:
        created = ticket["created_at"]
        messages.append(
            {
                "ticket_id": ticket["id"],
                "sender_type": ActorType.CUSTOMER,
                "body": ticket["description"],
                "attachments": [],
                "is_internal_note": False,
                "created_at": created,
            }
        )
        if ticket["assignee_id"]:
            messages.append(
                {
                    "ticket_id": ticket["id"],
                    "sender_type": ActorType.SYSTEM_USER,
                    "sender_user_id": ticket["assignee_id"],
                    "body": "Sorry about this. I am checking with the store and the rider.",
                    "attachments": [],
                    "is_internal_note": False,
                    "created_at": created + timedelta(minutes=5),
                }
            )
            messages.append(
                {
                    "ticket_id": ticket["id"],
                    "sender_type": ActorType.SYSTEM_USER,
                    "sender_user_id": ticket["assignee_id"],
                    "body": "Store confirmed the delay (rush hour).",
                    "attachments": [],
                    "is_internal_note": True,
                    "created_at": created + timedelta(minutes=8),
                }
            )
        if ticket["status"] in (TicketStatus.RESOLVED, TicketStatus.CLOSED) and rng.chance(0.5):
            nps.append(
                {
                    "customer_id": ticket["customer_id"],
                    "ticket_id": ticket["id"],
                    "survey_type": "CSAT",
                    "touchpoint": "POST_TICKET",
                    "score": rng.randrange(3, 6),
                    "comment": "",
                    "order_id": ticket["order_id"],
                    "created_at": ticket["resolved_at"] + timedelta(hours=1),
                }
            )
    templates = {
        OrderStatus.DELIVERED: "ORDER_DELIVERED",
        OrderStatus.COMPLETED: "RIDE_COMPLETED",
        OrderStatus.CANCELLED: "ORDER_CANCELLED",
    }
    for order in sample:
        customer = order["customer"]
        at = order["completed_at"] or order["cancelled_at"]
        notifications.append(
            {
                "customer_id": customer.id,
                "order_id": order["id"],
                "channel": NotificationChannel.PUSH,
                "category": "TRANSACTIONAL",
                "status": NotificationStatus.DELIVERED,
                "template_code": templates.get(order["status"], "ORDER_UPDATE"),
                "provider": NotificationProvider.FCM,
                "provider_message_id": f"fcm-{order['id']}",
                "payload": {"order_id": order["id"]},
                "sent_at": at,
                "delivered_at": at + timedelta(seconds=3),
                "created_at": at,
            }
        )
        if rng.chance(0.2):
            notifications.append(
                {
                    "customer_id": customer.id,
                    "order_id": order["id"],
                    "channel": NotificationChannel.SMS,
                    "category": "TRANSACTIONAL",
                    "status": NotificationStatus.DELIVERED,
                    "template_code": "ORDER_OTP",
                    "dlt_template_id": "1107170000000012345",
                    "provider": NotificationProvider.GUPSHUP,
                    "provider_message_id": f"gs-{order['id']}",
                    "payload": {"order_id": order["id"]},
                    "sent_at": order["placed_at"],
                    "delivered_at": order["placed_at"] + timedelta(seconds=5),
                    "created_at": order["placed_at"],
                }
            )
        if order["status"] in (OrderStatus.DELIVERED, OrderStatus.COMPLETED) and rng.chance(0.1):
            nps.append(
                {
                    "customer_id": customer.id,
                    "survey_type": "NPS",
                    "touchpoint": "POST_ORDER",
                    "service_type": order["service"],
                    "score": rng.randrange(5, 11),
                    "comment": "",
                    "order_id": order["id"],
                    "created_at": at + timedelta(hours=2),
                }
            )
        if order["rider"] and rng.chance(0.15):
            start = at - timedelta(minutes=rng.randrange(3, 20))
            answered = rng.chance(0.8)
            calls.append(
                {
                    "customer_id": customer.id,
                    "order_id": order["id"],
                    "rider_id": order["rider"],
                    "counterparty_type": ActorType.RIDER,
                    "initiated_by_type": rng.pick((ActorType.CUSTOMER, ActorType.RIDER)),
                    "provider": NotificationProvider.EXOTEL,
                    "provider_call_id": f"exo-{order['id']}-{rng.hexdigits(6)}",
                    "virtual_number": f"+9180{rng.digits(8)}",
                    "call_status": "COMPLETED" if answered else "NO_ANSWER",
                    "started_at": start,
                    "answered_at": start + timedelta(seconds=8) if answered else None,
                    "ended_at": start + timedelta(seconds=70 if answered else 30),
                    "duration_seconds": 62 if answered else 0,
                    "created_at": start,
                }
            )
    # Promotions go only to customers whose latest consent for the channel is a grant.
    for customer in customers.active[: demo.count(40, 30_000)]:
        channel = rng.pick(list(PROMO_PURPOSES))
        at = demo.now - timedelta(days=rng.randrange(1, 20), hours=rng.randrange(24))
        allowed = PROMO_PURPOSES[channel] in customer.consents
        notifications.append(
            {
                "customer_id": customer.id,
                "channel": channel,
                "category": "PROMOTIONAL",
                "status": NotificationStatus.DELIVERED
                if allowed
                else NotificationStatus.SUPPRESSED,
                "template_code": "WEEKEND_FEAST",
                "dlt_template_id": (
                    "1107170000000067890" if channel == NotificationChannel.SMS else None
                ),
                "provider": {
                    NotificationChannel.SMS: NotificationProvider.GUPSHUP,
                    NotificationChannel.WHATSAPP: NotificationProvider.GUPSHUP,
                    NotificationChannel.EMAIL: NotificationProvider.SES,
                    NotificationChannel.PUSH: NotificationProvider.FCM,
                }[channel],
                "provider_message_id": f"promo-{customer.id}-{channel.lower()}"
                if allowed
                else None,
                "payload": {"coupon": "GATIFEAST"},
                "sent_at": at if allowed else None,
                "delivered_at": at + timedelta(seconds=4) if allowed else None,
                "failure_reason": "" if allowed else "No marketing consent for this channel",
                "created_at": at,
            }
        )
    demo.insert(CustomerTicketMessage, messages)
    demo.insert(CustomerNpsResponse, nps)
    demo.insert(CustomerNotification, notifications)
    demo.insert(CustomerMaskedCall, calls)


def _safety(demo, rng, finished, staff, ratings):
    shares, sos, blocked = [], [], []
    rides = [o for o in finished if o["service"] == ServiceType.RIDE]
    for order in rides:
        customer = order["customer"]
        if shares and not rng.chance(0.3):
            continue
        start = order["placed_at"] + timedelta(minutes=5)
        contact = customer.contacts[0]["id"] if customer.contacts else None
        shares.append(
            {
                "customer_id": customer.id,
                "order_id": order["id"],
                "contact_id": contact,
                "share_token_hash": demo.hash(f"trip-share-{order['id']}"),
                "shared_via": NotificationChannel.WHATSAPP,
                "expires_at": start + timedelta(hours=6),
                "view_count": rng.randrange(1, 6),
                "last_viewed_at": start + timedelta(minutes=10),
                "created_at": start,
            }
        )
    for order in (rides or finished)[: demo.count(2, 120)]:
        raised = order["placed_at"] + timedelta(minutes=8)
        handler = rng.pick(staff.ids)
        sos.append(
            {
                "customer_id": order["customer"].id,
                "order_id": order["id"],
                "status": SosStatus.FALSE_ALARM,
                "triggered_via": "APP_BUTTON",
                "latitude": order["drop"][0],
                "longitude": order["drop"][1],
                "location_accuracy_m": 12,
                "notified_contacts": [],
                "police_notified": False,
                "handled_by_id": handler,
                "acknowledged_at": raised + timedelta(minutes=1),
                "resolved_at": raised + timedelta(minutes=6),
                "resolution_notes": "Pressed by mistake; called the customer.",
                "created_at": raised,
            }
        )
    low = [r for r in ratings if r["target_type"] == RatingTargetType.RIDER and r["stars"] <= 2]
    seen = set()
    for rating in low[: demo.count(3, 500)]:
        key = (rating["customer_id"], rating["rider_id"])
        if key in seen:
            continue
        seen.add(key)
        blocked.append(
            {
                "customer_id": rating["customer_id"],
                "rider_id": rating["rider_id"],
                "reason": "LOW_RATING",
                "rating_id": rating["id"],
                "notes": "Rated the rider one or two stars",
                "created_at": rating["created_at"],
            }
        )
    rider_ratings = [r for r in ratings if r["target_type"] == RatingTargetType.RIDER]
    if not blocked and rider_ratings:
        rating = rider_ratings[0]
        blocked.append(
            {
                "customer_id": rating["customer_id"],
                "rider_id": rating["rider_id"],
                "reason": "CUSTOMER_REQUEST",
                "notes": "Asked not to be matched again",
                "created_at": rating["created_at"],
            }
        )
    demo.insert(CustomerTripShare, shares)
    demo.insert(CustomerSosAlert, sos)
    demo.insert(CustomerBlockedRider, blocked)


def _growth(demo, rng, finished, staff, customer_base):
    """Referrals (qualified by a first order), rewards, attribution, data requests, risk flags."""
    referrals, rewards, attribution, requests, flags, scores = [], [], [], [], [], []
    customers = customer_base.customers
    first_order = {}
    for order in finished:
        first_order.setdefault(order["customer"].id, order)
    pairs = 0
    for referee in customers:
        order = first_order.get(referee.id)
        if order is None or not rng.chance(0.25) or pairs >= demo.count(10, 5000):
            continue
        referrer = rng.pick(customers)
        if referrer.id == referee.id:
            continue
        pairs += 1
        signed = referee.joined
        referrals.append(
            {
                "referrer_id": referrer.id,
                "referee_id": referee.id,
                "code_used": f"REF{referrer.id:06d}"[:12],
                "status": ReferralStatus.REWARDED,
                "signed_up_at": signed,
                "qualified_at": order["completed_at"],
                "rewarded_at": order["completed_at"] + timedelta(hours=1),
                "referrer_reward": money(100),
                "referee_reward": money(50),
                "qualifying_order_id": order["id"],
                "created_at": signed,
                "_referee": referee,
            }
        )
    for _ in range(demo.count(3, 800)):
        referrer = rng.pick(customers)
        referrals.append(
            {
                "referrer_id": referrer.id,
                "invitee_mobile": demo.mobile("contact"),
                "code_used": f"REF{referrer.id:06d}"[:12],
                "status": ReferralStatus.INVITED,
                "referrer_reward": money(100),
                "referee_reward": money(50),
                "created_at": demo.now - timedelta(days=rng.randrange(1, 30)),
            }
        )
    demo.insert(CustomerReferral, referrals)
    for referral in referrals:
        referee = referral.pop("_referee", None)
        if referee is None:
            continue
        attribution.append(
            {
                "customer_id": referee.id,
                "source": "REFERRAL",
                "referral_id": referral["id"],
                "attribution_provider": AttributionProvider.APPSFLYER,
                "campaign": "refer-and-earn",
                "device_platform": DevicePlatform.ANDROID,
                "install_at": referee.joined - timedelta(minutes=10),
                "signup_at": referee.joined,
                "first_order_at": referral["qualified_at"],
                "first_service_type": first_order[referee.id]["service"],
            }
        )
    referred = {a["customer_id"] for a in attribution}
    for customer in customers[: demo.count(30, 20_000)]:
        if customer.id in referred:
            continue
        source = rng.choices(
            ("ORGANIC", "PAID_SEARCH", "PAID_SOCIAL", "AFFILIATE"), (50, 20, 25, 5)
        )[0]
        order = first_order.get(customer.id)
        attribution.append(
            {
                "customer_id": customer.id,
                "source": source,
                "attribution_provider": AttributionProvider.APPSFLYER,
                "campaign": "" if source == "ORGANIC" else "always-on-2025",
                "utm_source": {
                    "ORGANIC": "",
                    "PAID_SEARCH": "google",
                    "PAID_SOCIAL": "instagram",
                    "AFFILIATE": "cashkaro",
                }[source],
                "utm_medium": "" if source == "ORGANIC" else "cpc",
                "device_platform": DevicePlatform.ANDROID,
                "install_at": customer.joined - timedelta(minutes=30),
                "signup_at": customer.joined,
                "first_order_at": order["completed_at"] if order else None,
                "first_service_type": order["service"] if order else None,
            }
        )
    for order in finished[:: max(1, len(finished) // demo.count(8, 4000))]:
        customer = order["customer"]
        expires = demo.now + timedelta(days=30)
        rewards.append(
            {
                "customer_id": customer.id,
                "order_id": order["id"],
                "reward_type": "SCRATCH_CARD",
                "state": rng.pick(("UNLOCKED", "SCRATCHED")),
                "source_type": "ORDER",
                "source_id": str(order["id"]),
                "cash_value": money(rng.choice((5, 10, 15, 25))),
                "unlocks_at": order["completed_at"],
                "expires_at": expires,
                "scratched_at": None,
                "created_at": order["completed_at"],
            }
        )
        if rewards[-1]["state"] == "SCRATCHED":
            rewards[-1]["scratched_at"] = order["completed_at"] + timedelta(hours=3)
    coupon = next((c for c in customer_base.coupon_rows if c["code"] == "GATIFEAST"), None)
    for customer in customer_base.active[: demo.count(5, 2000)]:
        rewards.append(
            {
                "customer_id": customer.id,
                "reward_type": "COUPON",
                "state": "UNLOCKED",
                "source_type": "CAMPAIGN",
                "source_id": "DIWALI-2026",
                "coupon_id": coupon["id"] if coupon else None,
                "points": None if coupon else 50,
                "expires_at": demo.now + timedelta(days=15),
                "created_at": demo.now - timedelta(days=2),
            }
        )
    for customer in customers[: demo.count(len(customers), 100_000)]:
        recency = rng.randrange(0, 90)
        segment = (
            "CHAMPIONS"
            if customer.orders > 10
            else "LOYAL"
            if customer.orders > 5
            else "POTENTIAL_LOYALIST"
            if customer.orders > 1
            else "NEW"
            if customer.orders == 1
            else "HIBERNATING"
        )
        scores.append(
            {
                "customer_id": customer.id,
                "model_version": "rfm-2026.10",
                "recency_days": recency,
                "frequency": customer.orders,
                "monetary": money(customer.orders * 320),
                "rfm_segment": segment,
                "churn_risk": Decimal(str(round(rng.uniform(0.01, 0.9), 4))),
                "fraud_score": Decimal(str(round(rng.uniform(0, 0.2), 4))),
                "cod_eligible": customer.cod,
                "scored_at": demo.now - timedelta(hours=5),
            }
        )
    for customer in rng.sample(customers, min(len(customers), demo.count(4, 300))):
        kind = rng.pick(
            (
                DataRequestType.ACCESS,
                DataRequestType.CORRECTION,
                DataRequestType.ERASURE,
                DataRequestType.GRIEVANCE,
            )
        )
        created = demo.now - timedelta(days=rng.randrange(4, 40))
        done = rng.chance(0.6)
        requests.append(
            {
                "customer_id": customer.id,
                "request_type": kind,
                "status": TicketStatus.RESOLVED if done else TicketStatus.OPEN,
                "details": {
                    DataRequestType.ACCESS: "Please send me a copy of my data.",
                    DataRequestType.CORRECTION: "My name is misspelt on invoices.",
                    DataRequestType.ERASURE: "Delete my account and data.",
                    DataRequestType.GRIEVANCE: "I keep getting promotional SMS.",
                }[kind],
                "sla_due_at": created + timedelta(days=30),
                "handled_by_id": rng.pick(staff.ids) if done else None,
                "resolved_at": created + timedelta(days=3) if done else None,
                "outcome": "FULFILLED" if done else None,
                "created_at": created,
            }
        )
    for customer in rng.sample(customers, min(len(customers), demo.count(3, 400))):
        created = demo.now - timedelta(days=rng.randrange(3, 60))
        resolved = rng.chance(0.5)
        flags.append(
            {
                "customer_id": customer.id,
                "flag_type": rng.pick(("REFUND_ABUSE", "COD_REFUSAL", "PROMO_ABUSE")),
                "severity": rng.pick(("LOW", "MEDIUM", "HIGH")),
                "source": "RULE_ENGINE",
                "action_taken": "MANUAL_REVIEW",
                "evidence": {"refunds_30d": rng.randrange(3, 9)},
                "is_active": not resolved,
                "resolved_at": created + timedelta(days=2) if resolved else None,
                "resolved_by_id": rng.pick(staff.ids) if resolved else None,
                "resolution_notes": "Genuine issues with one store" if resolved else "",
                "created_at": created,
            }
        )
    demo.insert(CustomerAcquisitionAttribution, attribution)
    demo.insert(CustomerReward, rewards)
    demo.insert(CustomerScore, scores)
    demo.insert(CustomerDataRequest, requests)
    demo.insert(CustomerRiskFlag, flags)


def _riders(demo, rng, finished, staff, riders):
    penalties, sos, progress = [], [], []
    with_rider = [o for o in finished if o["rider"]]
    for order in with_rider[:: max(1, len(with_rider) // demo.count(6, 3000))]:
        imposed = order["completed_at"] + timedelta(hours=2)
        disputed = rng.chance(0.4)
        decided = disputed and rng.chance(0.6)
        penalties.append(
            {
                "rider_id": order["rider"],
                "order_id": order["id"],
                "reason_code": rng.pick(PENALTY_REASONS_SEEN),
                "amount": money(rng.choice((25, 50, 100))),
                "description": "Delivered 25 minutes late",
                "imposed_at": imposed,
                "dispute_window_ends_at": imposed + timedelta(days=3),
                "dispute_status": (DisputeStatus.REJECTED if decided else DisputeStatus.OPEN)
                if disputed
                else None,
                "disputed_at": imposed + timedelta(hours=5) if disputed else None,
                "dispute_reason": "Restaurant handed over the order late" if disputed else "",
                "decided_at": imposed + timedelta(days=1) if decided else None,
                "decided_by_id": rng.pick(staff.ids) if decided else None,
                "created_at": imposed,
            }
        )
    for order in with_rider[: demo.count(2, 80)]:
        raised = order["placed_at"] + timedelta(minutes=15)
        sos.append(
            {
                "rider_id": order["rider"],
                "order_id": order["id"],
                "kind": rng.pick(("VEHICLE_BREAKDOWN", "ACCIDENT")),
                "status": SosStatus.RESOLVED,
                "latitude": order["drop"][0],
                "longitude": order["drop"][1],
                "description": "Bike tyre puncture on the way",
                "escalated_to": "",
                "resolution_note": "Order reassigned; rider safe",
                "raised_at": raised,
                "acknowledged_at": raised + timedelta(minutes=2),
                "resolved_at": raised + timedelta(minutes=30),
                "handled_by_id": rng.pick(staff.ids),
                "created_at": raised,
            }
        )
    # This week's incentive: progress so far (paid when the week closes).
    current = {
        city_id: scheme
        for (city_id, ends), scheme in riders.incentive_schemes.items()
        if ends > demo.now
    }
    for rider in riders.active:
        scheme = current.get(rider.city.id)
        if scheme is None or not rider.week_orders:
            continue
        progress.append(
            {
                "scheme_id": scheme["id"],
                "rider_id": rider.id,
                "orders_completed": rider.week_orders,
                "login_minutes": rider.week_orders * 35,
                "amount_earned": Decimal("0.00"),
                "target_met": rider.week_orders >= scheme["target_orders"],
                "last_computed_at": demo.now,
            }
        )
    demo.insert(RiderPenalty, penalties)
    demo.insert(RiderSosAlert, sos)
    demo.insert(RiderIncentiveProgress, progress)


def _merchants(demo, rng, finished, staff, merchants):
    """Adjustments to open payouts, disputes on paid ones, commission invoices."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.store_id, p.status, p.net_amount, p.commission_amount, p.cycle_end, "
            "s.parent_id FROM merchants.merchant_store_payouts p "
            "JOIN merchants.merchant_stores s ON s.id = p.store_id "
            "WHERE p.store_id = ANY(%s) AND (p.gross_amount > 0 OR p.status = %s) ORDER BY p.id",
            [[s.id for s in merchants.stores], PayoutStatus.SCHEDULED],
        )
        payouts = [
            dict(
                zip(
                    ("id", "store_id", "status", "net", "commission", "cycle_end", "parent_id"),
                    row,
                    strict=True,
                )
            )
            for row in cursor.fetchall()
        ]
    adjustments, disputes, invoices = [], [], []
    scheduled = [p for p in payouts if p["status"] == PayoutStatus.SCHEDULED]
    open_payouts = [p for p in scheduled if p["net"] > 0]
    paid = [p for p in payouts if p["status"] == PayoutStatus.PROCESSED]
    for payout in open_payouts[:: max(1, len(open_payouts) // demo.count(4, 1500))]:
        amount = min(money(rng.choice((100, 250, 500))), payout["net"])
        adjustments.append(
            {
                "payout_id": payout["id"],
                "adjustment_type": "ADS_DEDUCTION",
                "direction": LedgerEntryDirection.DEBIT,
                "amount": amount,
                "reason": "Search ads spend this week",
                "reference": f"ADS-{payout['id']}",
                "created_by_id": rng.pick(staff.ids),
            }
        )
    if not adjustments:
        # Early in a payout week (a Monday morning in India) no open payout has
        # sales yet to deduct from: credit a claim instead, so the table still
        # shows an adjustment whatever the hour the demo is seeded at.
        for payout in scheduled[: demo.count(2, 100)]:
            adjustments.append(
                {
                    "payout_id": payout["id"],
                    "adjustment_type": "CLAIM_CREDIT",
                    "direction": LedgerEntryDirection.CREDIT,
                    "amount": money(rng.choice((100, 250))),
                    "reason": "Spoiled stock claim approved",
                    "reference": f"CLAIM-{payout['id']}",
                    "created_by_id": rng.pick(staff.ids),
                }
            )
    demo.insert(MerchantPayoutAdjustment, adjustments)
    users = {}
    for store in merchants.stores:
        users.setdefault(store.id, store.user_ids)
    for payout in paid[:: max(1, len(paid) // demo.count(3, 600))]:
        resolved = rng.chance(0.6)
        disputed = money(rng.choice((120, 300, 450)))
        disputes.append(
            {
                "payout_id": payout["id"],
                "raised_by_id": users[payout["store_id"]][0],
                "status": DisputeStatus.PARTIALLY_ACCEPTED if resolved else DisputeStatus.OPEN,
                "disputed_amount": disputed,
                "accepted_amount": money(disputed / 2) if resolved else None,
                "reason": "Commission charged on a cancelled order",
                "evidence_urls": [],
                "resolution_note": "Half of it was a merchant-side cancellation"
                if resolved
                else "",
                "resolved_at": demo.now - timedelta(days=1) if resolved else None,
                "resolved_by_id": rng.pick(staff.ids) if resolved else None,
                "created_at": demo.now - timedelta(days=3),
            }
        )
    demo.insert(MerchantPayoutDispute, disputes)
    registrations = {
        s.parent_id: (s.gst_registration_id, s.gstin)
        for s in merchants.stores
        if s.gst_registration_id
    }
    for payout in paid:
        commission = payout["commission"]
        if commission <= 0:
            continue
        # The platform's commission is a service: GST at the service rate, split
        # between the Centre and the state as the domain splits its own invoices.
        cgst, sgst = pricing.intra_state_gst(commission, pricing.SERVICE_GST_RATE)
        registration_id, gstin = registrations.get(payout["parent_id"], (None, None))
        invoices.append(
            {
                "parent_id": payout["parent_id"],
                "payout_id": payout["id"],
                "gst_registration_id": registration_id,
                # The database numbers it; a B2B invoice carries the IRP's IRN.
                "irn": _irn(f"commission-{payout['id']}") if gstin else None,
                **_irp_acknowledgement(demo, f"commission-{payout['id']}", gstin),
                "invoice_type": InvoiceType.TAX_INVOICE,
                "invoice_date": payout["cycle_end"] + timedelta(days=1),
                "period_start": payout["cycle_end"] - timedelta(days=6),
                "period_end": payout["cycle_end"],
                "sac_code": "998599",
                "taxable_value": commission,
                "cgst_amount": cgst,
                "sgst_amount": sgst,
                "igst_amount": Decimal("0.00"),
                "total_amount": commission + cgst + sgst,
                "line_items": [{"description": "Platform commission", "amount": str(commission)}],
                "pdf_url": f"https://files.gatimitra.example/merchant-invoices/{payout['id']}.pdf",
            }
        )
    demo.insert(MerchantInvoice, invoices)
    if invoices and rng.chance(1.0):
        original = invoices[0]
        reversed_commission = money(100)
        cgst, sgst = pricing.intra_state_gst(reversed_commission, pricing.SERVICE_GST_RATE)
        note = dict(
            original,
            invoice_type=InvoiceType.CREDIT_NOTE,
            irn=_irn("credit-note-1") if original["irn"] else None,
            **_irp_acknowledgement(demo, "credit-note-1", original["irn"]),
            original_invoice_id=original["id"],
            taxable_value=reversed_commission,
            cgst_amount=cgst,
            sgst_amount=sgst,
            total_amount=reversed_commission + cgst + sgst,
            line_items=[{"description": "Commission reversal", "amount": str(reversed_commission)}],
        )
        note.pop("id")
        demo.insert(MerchantInvoice, [note])


def _irn(key):
    """A stand-in for the IRP's invoice reference number (a SHA-256 in hex)."""
    return hashlib.sha256(f"gatimitra-demo-irn-{key}".encode()).hexdigest()


def _irp_acknowledgement(demo, key, registered):
    """Stand-ins for what the IRP returns with an IRN (a B2B invoice only)."""
    if not registered:
        return {"irn_ack_number": "", "irn_ack_at": None, "signed_qr_code": ""}
    digits = int(hashlib.sha256(f"gatimitra-demo-ack-{key}".encode()).hexdigest(), 16)
    return {
        "irn_ack_number": f"{digits % 10**15:015d}",
        "irn_ack_at": demo.now - timedelta(hours=1),
        "signed_qr_code": f"demo-signed-qr.{_irn(key)}",
    }


LIFETIME_STATS = """
INSERT INTO customers.customer_lifetime_stats
    (created_at, updated_at, customer_id, food_orders, parcel_orders, ride_orders,
     food_gmv, parcel_gmv, ride_gmv, cancellations, refunds_count, refund_amount,
     cod_refusals, first_order_at, last_order_at, computed_at)
WITH finished AS (
    SELECT o.*, o.status IN ('delivered', 'completed') AS done FROM orders.orders o
     WHERE o.customer_id = ANY(%(customers)s)
), refunds AS (
    SELECT o.customer_id, count(*) AS n, sum(r.amount) AS amount
      FROM orders.order_refunds r JOIN finished o ON o.id = r.order_id
     GROUP BY o.customer_id
)
SELECT %(now)s, %(now)s, c.id,
       count(o.id) FILTER (WHERE o.done AND o.service_type = 'FOOD'),
       count(o.id) FILTER (WHERE o.done AND o.service_type = 'PARCEL'),
       count(o.id) FILTER (WHERE o.done AND o.service_type = 'RIDE'),
       coalesce(sum(o.total) FILTER (WHERE o.done AND o.service_type = 'FOOD'), 0),
       coalesce(sum(o.total) FILTER (WHERE o.done AND o.service_type = 'PARCEL'), 0),
       coalesce(sum(o.total) FILTER (WHERE o.done AND o.service_type = 'RIDE'), 0),
       count(o.id) FILTER (WHERE o.status = 'cancelled'),
       coalesce(max(r.n), 0), coalesce(max(r.amount), 0), 0,
       min(o.placed_at), max(o.placed_at), %(now)s
  FROM customers.customers c
  LEFT JOIN finished o ON o.customer_id = c.id
  LEFT JOIN refunds r ON r.customer_id = c.id
 WHERE c.id = ANY(%(customers)s)
 GROUP BY c.id
"""

MONTHLY_METRICS = """
INSERT INTO customers.customer_monthly_metrics
    (created_at, updated_at, customer_id, month, service_type, orders_count, cancellations,
     refunds_count, gmv, discount_amount, wallet_amount_used)
SELECT %(now)s, %(now)s, o.customer_id,
       date_trunc('month', o.placed_at AT TIME ZONE 'Asia/Kolkata')::date, o.service_type,
       count(*), count(*) FILTER (WHERE o.status = 'cancelled'), count(r.id),
       coalesce(sum(o.total) FILTER (WHERE o.status <> 'cancelled'), 0),
       coalesce(sum(o.discount), 0),
       coalesce(sum(o.total) FILTER (WHERE o.payment_method = 'PLATFORM_WALLET'), 0)
  FROM orders.orders o
  LEFT JOIN orders.order_refunds r ON r.order_id = o.id
 WHERE o.customer_id = ANY(%(customers)s)
 GROUP BY 3, 4, 5
"""

STORE_DAILY_METRICS = """
INSERT INTO merchants.merchant_store_daily_metrics
    (created_at, updated_at, store_id, metric_date, orders_received, orders_accepted,
     orders_rejected, orders_cancelled, gmv, avg_prep_time_seconds, rating_average,
     ratings_count, scheduled_minutes, online_minutes, availability_percent)
SELECT %(now)s, %(now)s, o.merchant_store_id, (o.placed_at AT TIME ZONE 'Asia/Kolkata')::date,
       count(*), count(*) FILTER (WHERE f.prep_status <> 'REJECTED'),
       count(*) FILTER (WHERE f.prep_status = 'REJECTED'),
       count(*) FILTER (WHERE o.status = 'cancelled'),
       coalesce(sum(o.subtotal - o.fees) FILTER (WHERE o.status = 'delivered'), 0),
       avg(extract(epoch FROM f.ready_at - f.accepted_at))::int, NULL, 0, 720, 690, 95.83
  FROM orders.orders o JOIN orders.order_food_details f ON f.order_id = o.id
 WHERE o.merchant_store_id = ANY(%(stores)s) AND o.placed_at >= %(since)s
 GROUP BY 3, 4
"""


def _derived(demo, customers, merchants):
    """Aggregates rebuilt from the orders, as the nightly jobs would."""
    params = {
        "now": demo.now,
        "customers": customers.ids,
        "stores": [s.id for s in merchants.stores],
        "since": demo.now - timedelta(days=14),
    }
    with connection.cursor() as cursor:
        for statement in (LIFETIME_STATS, MONTHLY_METRICS, STORE_DAILY_METRICS):
            cursor.execute(statement, params)


def _audit(demo, rng, pii_grants, history):
    """What the application itself records (PII views), and the audited
    registration of the load in system_audit_logs."""
    views = []
    for grant in pii_grants:
        views.append(
            {
                "action": AuditAction.VIEW_PII,
                "actor_id": grant["user_id"],
                "actor_label": "support agent",
                "grant_id": grant["id"],
                "subject_type": PrincipalType.CUSTOMER,
                "subject_id": grant["subject_id"],
                "table_name": "customers.customers",
                "fields": ["mobile", "email"],
                "purpose": grant["purpose"],
                "request_id": rng.hexdigits(32),
                "created_at": grant["valid_from"] + timedelta(minutes=5),
            }
        )
    demo.insert(PiiAccessLog, views)
    # system_audit_logs takes entries from the capture only (a direct insert
    # is refused): the demo's one is the load itself, registered as audited
    # maintenance, as an operator's bulk load would be.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit.begin_maintenance(%s)",
            [f"seed_demo: demo data load (seed {demo.seed}, as of {demo.now:%Y-%m-%d %H:%M})"],
        )
    # A few notes on orders (status changes come from the database's trigger).
    notes = []
    for order in history.sample[: demo.count(10, 2000)]:
        if order["status"] != OrderStatus.DELIVERED:
            continue
        at = order["placed_at"] + timedelta(minutes=12)
        notes.append(
            {
                "order_id": order["id"],
                "event": "ETA_UPDATED",
                "status": order["status"],
                "actor_type": ActorType.SYSTEM,
                "note": "ETA moved by 5 minutes (rain)",
                "created_at": at,
            }
        )
    demo.insert(OrderTimeline, notes)
