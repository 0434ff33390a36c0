"""Customers: profiles, addresses, devices, consents, payment methods,
wallets and loyalty accounts, business accounts, coupons, subscriptions,
segments, searches, favourites and carts (``customers``).

Wallets and loyalty accounts open at zero (the database refuses anything
else) and move only through their ledgers; this step writes their opening
entries (a welcome credit), the orders step the rest, in time order.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate, islice

from customers.choices import (
    ConsentPurpose,
    ConsentStatus,
    CustomerStatus,
    CustomerWalletTxnType,
    GuardianRelationship,
    GuardianVerification,
    LoyaltyTxnType,
    RatingTargetType,
    SubscriptionStatus,
)
from customers.models import (
    Customer,
    CustomerAddress,
    CustomerBusinessMember,
    CustomerBusinessProfile,
    CustomerCart,
    CustomerCartItem,
    CustomerConsent,
    CustomerCoupon,
    CustomerCouponAssignment,
    CustomerDevice,
    CustomerEmergencyContact,
    CustomerFavourite,
    CustomerGuardianConsent,
    CustomerLoyalty,
    CustomerLoyaltyTier,
    CustomerNotificationPreference,
    CustomerPaymentMethod,
    CustomerPreference,
    CustomerSavedContact,
    CustomerSearchHistory,
    CustomerSegment,
    CustomerSegmentMember,
    CustomerSubscription,
    CustomerSubscriptionPayment,
    CustomerSubscriptionPlan,
    CustomerWallet,
    CustomerWalletTransaction,
)
from demo import vocab
from demo.access import Staff
from demo.context import Demo
from demo.geo import Places
from demo.merchants import Merchants
from demo.rng import money
from gatimitra.db.validators import make_gstin
from gatimitra.enums import (
    CampaignStatus,
    DevicePlatform,
    FoodType,
    GstRegistrationType,
    LedgerEntryDirection,
    NotificationChannel,
    OfferType,
    PaymentMethod,
    PaymentStatus,
    ServiceType,
    VehicleType,
)

#: The status a payment method, wallet, business profile or cart is in when in
#: use: their status columns are customers.choices CHECK lists
#: (PAYMENT_METHOD_STATUSES, WALLET_STATUSES, BUSINESS_PROFILE_STATUSES,
#: CART_STATUSES), not enums.
LISTED_ACTIVE = "ACTIVE"

#: Promotional channels and the consent purpose each needs.
PROMO_PURPOSES = {
    NotificationChannel.SMS: ConsentPurpose.MARKETING_SMS,
    NotificationChannel.WHATSAPP: ConsentPurpose.MARKETING_WHATSAPP,
    NotificationChannel.EMAIL: ConsentPurpose.MARKETING_EMAIL,
    NotificationChannel.PUSH: ConsentPurpose.PUSH_PROMOTIONS,
}


#: Weighted draws of the per-customer loops, with their cumulative weights
#: built once: ``rng.choices(options, cum_weights=...)`` draws exactly what
#: ``rng.choices(options, weights)`` does (one ``random()``, the same
#: bisection), without summing the weights again for each of 100,000
#: customers at city scale.
STATUSES = (
    (
        CustomerStatus.ACTIVE,
        CustomerStatus.SUSPENDED,
        CustomerStatus.BLOCKED,
        CustomerStatus.DELETION_REQUESTED,
    ),
    list(accumulate((970, 12, 8, 10))),
)
ADDRESS_COUNTS = ((1, 2, 3), list(accumulate((55, 35, 10))))
DIETS = ((FoodType.VEG, FoodType.NON_VEG, FoodType.EGG), list(accumulate((45, 45, 10))))
PAYMENT_PREFERENCES = (
    (PaymentMethod.UPI, PaymentMethod.CASH, PaymentMethod.CREDIT_CARD),
    list(accumulate((70, 20, 10))),
)
TIPS = (None, Decimal("10.00"), Decimal("20.00"))
RIDE_VEHICLES = (None, VehicleType.AUTO_RICKSHAW, VehicleType.MOTORCYCLE, VehicleType.CAR_SEDAN)


def _draw(rng, weighted):
    """One of ``weighted``'s options, as ``rng.choices`` with its weights."""
    options, cumulative = weighted
    return rng.choices(options, cum_weights=cumulative)[0]


@dataclass
class DemoCustomer:
    id: int
    name: str
    mobile: str
    city: object
    status: str
    joined: object
    addresses: list = field(default_factory=list)  # address rows
    methods: dict = field(default_factory=dict)  # method_type -> payment method id
    wallet_id: int | None = None
    wallet_seq: int = 0
    wallet_balance: Decimal = Decimal("0.00")
    loyalty_id: int | None = None
    loyalty_seq: int = 0
    points: int = 0
    lifetime: int = 0
    consents: set = field(default_factory=set)  # purposes granted (latest)
    contacts: list = field(default_factory=list)  # emergency contact rows
    saved: list = field(default_factory=list)  # saved contact rows
    business_profile_id: int | None = None
    cod: bool = True
    weight: float = 1.0
    orders: int = 0


def wallet_txn(
    customer, direction, txn_type, amount, source_type, source_id, description, at, **links
):
    """The customer's next wallet entry, with the seq_no and balance the
    database's chain trigger checks (it refuses a balance below zero)."""
    customer.wallet_seq += 1
    customer.wallet_balance += amount if direction == LedgerEntryDirection.CREDIT else -amount
    return {
        "wallet_id": customer.wallet_id,
        "seq_no": customer.wallet_seq,
        "balance_after": customer.wallet_balance,
        "direction": direction,
        "txn_type": txn_type,
        "amount": amount,
        "source_type": source_type,
        "source_id": str(source_id),
        "idempotency_key": f"wallet-{source_type.lower()}-{source_id}-{txn_type.lower()}",
        "description": description,
        "created_at": at,
        **links,
    }


def loyalty_txn(
    customer, direction, txn_type, points, source_type, source_id, description, at, **links
):
    customer.loyalty_seq += 1
    customer.points += points if direction == LedgerEntryDirection.CREDIT else -points
    if txn_type in (LoyaltyTxnType.EARN, LoyaltyTxnType.BONUS):
        customer.lifetime += points
    return {
        "loyalty_id": customer.loyalty_id,
        "seq_no": customer.loyalty_seq,
        "balance_after": customer.points,
        "direction": direction,
        "txn_type": txn_type,
        "amount": points,
        "source_type": source_type,
        "source_id": str(source_id),
        "idempotency_key": f"loyalty-{source_type.lower()}-{source_id}-{txn_type.lower()}",
        "description": description,
        "created_at": at,
        **links,
    }


@dataclass(frozen=True)
class CustomerBase:
    """What the customers step gives the steps after it."""

    customers: list[DemoCustomer]
    ids: list
    active: list[DemoCustomer]
    #: service type (and "_" for assigned-only) -> coupon row
    coupons: dict
    coupon_rows: list
    #: ids of customers with a subscription
    subscribers: set


def build(demo: Demo, places: Places, staff: Staff, merchants: Merchants) -> CustomerBase:
    rng = demo.rng("customers")
    plan = demo.plan
    history_start = demo.now - timedelta(days=plan.days)
    city_weights = list(accumulate(c.weight for c in places.cities))
    first_id = demo.ids(Customer, plan.customers)
    customers, rows = [], []
    for n in range(plan.customers):
        city = rng.choices(places.cities, cum_weights=city_weights)[0]
        first, surname, _ = demo.person(rng, city)
        joined = history_start - timedelta(days=rng.randrange(1, 700))
        if rng.chance(0.08):
            joined = demo.now - timedelta(days=rng.randrange(1, plan.days))
        status = _draw(rng, STATUSES)
        customer = DemoCustomer(
            first_id + n,
            f"{first} {surname}",
            demo.mobile("customer"),
            city,
            status,
            joined,
            weight=rng.paretovariate(1.3),
        )
        customer.cod = rng.chance(0.9)
        customers.append(customer)
        languages = vocab.LANGUAGES_BY_STATE.get(city.state_code, ("en",))
        rows.append(
            {
                "id": customer.id,
                "mobile": customer.mobile,
                "full_name": customer.name,
                "email": demo.email(first, surname, customer.id, rng.pick(vocab.EMAIL_DOMAINS))
                if rng.chance(0.7)
                else None,
                "status": status,
                "preferred_language": rng.pick(languages),
                # Cumulative weights of (70, 20, 8, 2), written out: the same draw.
                "signup_source": rng.choices(
                    ("ANDROID_APP", "IOS_APP", "WEB", "ONDC"), cum_weights=(70, 90, 98, 100)
                )[0],
                "date_of_birth": date(
                    1965 + rng.randrange(40), rng.randrange(1, 13), rng.randrange(1, 29)
                )
                if rng.chance(0.5)
                else None,
                "cod_enabled": customer.cod,
                "mobile_verified_at": joined,
                "last_active_at": demo.now - timedelta(hours=rng.randrange(1, 24 * 30)),
                "deletion_requested_at": demo.now - timedelta(days=2)
                if status == CustomerStatus.DELETION_REQUESTED
                else None,
                "created_at": joined,
            }
        )
    wards = _minors(demo, rows)
    demo.copy(Customer, rows)
    demo.insert(CustomerGuardianConsent, wards)
    active = [c for c in customers if c.status == CustomerStatus.ACTIVE]

    _addresses(demo, rng, customers)
    _profile(demo, rng, customers)
    _money(demo, rng, customers, staff.admin_id)
    _business(demo, rng, customers, active)
    coupons, subscribers = _promotions(demo, rng, customers, active, staff.admin_id)
    _browsing(demo, rng, customers, merchants.stores)
    return CustomerBase(
        customers=customers,
        ids=[c.id for c in customers],
        active=active,
        coupons={c["services"][0] + ("_" if c["assigned_only"] else ""): c for c in coupons},
        coupon_rows=coupons,
        subscribers=subscribers,
    )


def _minors(demo, rows):
    """Two ACTIVE customers of 16, each with the consent of a parent who is
    an adult customer with a known date of birth (DPDP Act 2023 s.9; checked
    by the database at commit). Returns the consent rows."""
    adults = [
        row
        for row in rows
        if row["status"] == CustomerStatus.ACTIVE
        and row["date_of_birth"] is not None
        and row["date_of_birth"].year < demo.now.year - 30
    ]
    # By id, and only as far as the first two: ``row not in adults`` compared
    # each row with every adult's dict, quadratic (~370 s of the city step).
    adult_ids = {row["id"] for row in adults}
    minors = list(
        islice(
            (
                row
                for row in rows
                if row["status"] == CustomerStatus.ACTIVE and row["id"] not in adult_ids
            ),
            2,
        )
    )
    consents = []
    for parent, child in zip(adults, minors, strict=False):
        today = demo.now.date()
        child["date_of_birth"] = today.replace(year=today.year - 16, day=1)
        consents.append(
            {
                "customer_id": child["id"],
                "status": ConsentStatus.GRANTED,
                "relationship": GuardianRelationship.PARENT,
                "verification": GuardianVerification.EXISTING_ADULT_USER,
                "guardian_customer_id": parent["id"],
                "verification_reference": "",
                "notice_version": "2025.1",
                "granted_at": child["created_at"],
                "created_at": child["created_at"],
            }
        )
    return consents


def _addresses(demo, rng, customers):
    addresses, saved, emergency = [], [], []
    # Per city, its vocabulary and each zone's locality (the first of that
    # name), looked up once rather than scanned for every address.
    localities = {}
    for customer in customers:
        city = customer.city
        if city.id not in localities:
            by_name = {}
            for loc in city.vocab["localities"]:
                by_name.setdefault(loc[0], loc)
            localities[city.id] = (city.vocab, by_name)
        city_vocab, by_name = localities[city.id]
        count = _draw(rng, ADDRESS_COUNTS)
        for k in range(count):
            zone = rng.pick(city.zones)
            locality = by_name.get(zone.name)
            name, pincode = (locality[0], locality[1]) if locality else (zone.name, zone.pincode)
            label = ("HOME", "WORK", "FRIENDS_FAMILY")[k] if k < 3 else "OTHER"
            building = rng.pick(city_vocab["buildings"])
            floor = rng.pick(vocab.FLOORS)
            addresses.append(
                {
                    "customer_id": customer.id,
                    "label": label,
                    "label_name": "Parents" if label == "FRIENDS_FAMILY" else "",
                    "recipient_name": "",
                    "house_number": f"Flat {rng.randrange(1, 20)}0{rng.randrange(1, 9)}"
                    if label != "WORK"
                    else f"Desk {rng.randrange(1, 400)}",
                    "building_name": building
                    if label != "WORK"
                    else rng.pick(
                        ("Embassy Tech Village", "RMZ Ecospace", "Mindspace", "DLF Cyber City")
                    ),
                    "floor": floor,
                    "street": rng.pick(city_vocab["streets"]),
                    "landmark": rng.pick(vocab.LANDMARKS),
                    "locality": name,
                    "city": city.name,
                    "state": city.state,
                    "pincode": pincode,
                    "latitude": rng.near(zone.latitude, 0.015),
                    "longitude": rng.near(zone.longitude, 0.015),
                    "delivery_instructions": rng.pick(vocab.DELIVERY_INSTRUCTIONS),
                    "is_default": k == 0,
                    "zone_id": zone.id,
                    "created_at": customer.joined + timedelta(days=k),
                    "_zone": zone,
                }
            )
            customer.addresses.append(addresses[-1])
        if rng.chance(0.3):
            first, surname, _ = demo.person(rng, city)
            emergency.append(
                {
                    "customer_id": customer.id,
                    "name": f"{first} {surname}",
                    "mobile": demo.mobile("contact"),
                    "relationship": rng.pick(
                        (GuardianRelationship.PARENT, "SPOUSE", "SIBLING", "FRIEND")
                    ),
                    "auto_share_rides": rng.chance(0.5),
                    "created_at": customer.joined,
                }
            )
            customer.contacts.append(emergency[-1])
        if rng.chance(0.25):
            first, surname, _ = demo.person(rng, city)
            saved.append(
                {
                    "customer_id": customer.id,
                    "address": customer.addresses[-1],
                    "role": "RECEIVER",
                    "name": f"{first} {surname}",
                    "mobile": demo.mobile("contact"),
                    "created_at": customer.joined,
                }
            )
            customer.saved.append(saved[-1])
    demo.insert(CustomerAddress, addresses)
    for row in saved:
        row["address_id"] = row.pop("address")["id"]
    demo.insert(CustomerEmergencyContact, emergency)
    demo.insert(CustomerSavedContact, saved)


def _profile(demo, rng, customers):
    devices, preferences, notification_prefs, consents = [], [], [], []
    for customer in customers:
        model, os_version = rng.pick(vocab.PHONES)
        ios = model.startswith("iPhone")
        devices.append(
            {
                "customer_id": customer.id,
                "platform": DevicePlatform.IOS if ios else DevicePlatform.ANDROID,
                "installation_id": f"inst-{customer.id}-{rng.hexdigits(12)}",
                "push_token": f"{'apns' if ios else 'fcm'}:{rng.hexdigits(48)}",
                "fingerprint_hash": demo.hash(f"customer-device-{customer.id}"),
                "device_model": model,
                "os_version": os_version,
                "app_version": rng.pick(vocab.APP_VERSIONS),
                "last_seen_at": demo.now - timedelta(hours=rng.randrange(1, 400)),
                "created_at": customer.joined,
            }
        )
        if rng.chance(0.6):
            preferences.append(
                {
                    "customer_id": customer.id,
                    "dietary_preference": _draw(rng, DIETS),
                    "preferred_payment_method": _draw(rng, PAYMENT_PREFERENCES),
                    "default_tip_amount": rng.choice(TIPS),
                    "ride_vehicle_type": rng.choice(RIDE_VEHICLES),
                    "ride_ac_preferred": rng.chance(0.4),
                    "ride_quiet_preferred": rng.chance(0.1),
                    "accessibility_needs": ["ELDERLY_ASSIST"] if rng.chance(0.02) else [],
                    "cutlery_opt_out": rng.chance(0.5),
                    "contactless_delivery": rng.chance(0.3),
                }
            )
        if rng.chance(0.3):
            notification_prefs.append(
                {
                    "customer_id": customer.id,
                    "channel": NotificationChannel.SMS,
                    "category": "PROMOTIONAL",
                    "is_opted_in": False,
                }
            )
            notification_prefs.append(
                {
                    "customer_id": customer.id,
                    "channel": NotificationChannel.PUSH,
                    "category": "SERVICE_UPDATES",
                    "is_opted_in": True,
                }
            )
        base = {
            "customer_id": customer.id,
            "notice_version": "2025.1",
            "notice_language": "en",
            "channel": "APP",
            "granted_at": customer.joined,
            "status": ConsentStatus.GRANTED,
            "created_at": customer.joined,
        }
        for purpose in (
            ConsentPurpose.TERMS,
            ConsentPurpose.PRIVACY_NOTICE,
            ConsentPurpose.LOCATION,
        ):
            consents.append({**base, "purpose": purpose})
        for purpose in PROMO_PURPOSES.values():
            if rng.chance(0.55):
                consents.append(
                    {**base, "purpose": purpose, "expires_at": demo.now + timedelta(days=730)}
                )
                customer.consents.add(purpose)
                if rng.chance(0.08):
                    at = demo.now - timedelta(days=rng.randrange(1, 30))
                    consents.append(
                        {
                            **base,
                            "purpose": purpose,
                            "status": ConsentStatus.WITHDRAWN,
                            "withdrawn_at": at,
                            "granted_at": None,
                            "created_at": at,
                        }
                    )
                    customer.consents.discard(purpose)
    demo.insert(CustomerDevice, devices)
    demo.insert(CustomerPreference, preferences)
    demo.insert(CustomerNotificationPreference, notification_prefs)
    demo.insert(CustomerConsent, consents)


def _money(demo, rng, customers, admin_id):
    """Payment methods, wallets and loyalty accounts (with a welcome credit)."""
    methods, wallets, loyalty, welcome = [], [], [], []
    tiers = list(CustomerLoyaltyTier.objects.order_by("rank").values("id", "code", "validity_days"))
    for customer in customers:
        first = customer.name.split()[0].lower()
        bank, _ifsc = rng.pick(vocab.BANKS)
        handle = rng.pick(vocab.UPI_HANDLES)
        methods.append(
            {
                "customer_id": customer.id,
                "method_type": PaymentMethod.UPI,
                "status": LISTED_ACTIVE,
                "gateway": "RAZORPAY",
                "gateway_token_ref": f"token_upi_{rng.letters(14)}",
                "fingerprint_hash": demo.hash(f"upi-{customer.id}"),
                "masked_display": f"{first[:2]}****@{handle}",
                "issuer_name": bank,
                "nickname": f"{bank.split()[0]} UPI",
                "is_default": True,
                "created_at": customer.joined,
                "_customer": customer,
            }
        )
        if rng.chance(0.35):
            last4 = rng.digits(4)
            network = rng.pick(("VISA", "MASTERCARD", "RUPAY"))
            credit = rng.chance(0.6)
            methods.append(
                {
                    "customer_id": customer.id,
                    "method_type": PaymentMethod.CREDIT_CARD
                    if credit
                    else PaymentMethod.DEBIT_CARD,
                    "status": LISTED_ACTIVE,
                    "gateway": "RAZORPAY",
                    "gateway_token_ref": f"token_card_{rng.letters(14)}",
                    "fingerprint_hash": demo.hash(f"card-{customer.id}-{last4}"),
                    "masked_display": f"{network.title()} **** {last4}",
                    "card_network": network,
                    "card_last4": last4,
                    "card_expiry_month": rng.randrange(1, 13),
                    "card_expiry_year": demo.now.year + rng.randrange(1, 6),
                    "issuer_name": rng.pick(vocab.CARD_ISSUERS),
                    "nickname": "",
                    "is_default": False,
                    "created_at": customer.joined,
                    "_customer": customer,
                }
            )
        wallets.append(
            {
                "customer_id": customer.id,
                "balance": Decimal("0.00"),
                "status": LISTED_ACTIVE if customer.status == CustomerStatus.ACTIVE else "FROZEN",
                "frozen_reason": ""
                if customer.status == CustomerStatus.ACTIVE
                else "Account under review",
                "frozen_at": None
                if customer.status == CustomerStatus.ACTIVE
                else demo.now - timedelta(days=3),
                "frozen_by_id": None if customer.status == CustomerStatus.ACTIVE else admin_id,
                "created_at": customer.joined,
                "_customer": customer,
            }
        )
        tier = tiers[0]
        loyalty.append(
            {
                "customer_id": customer.id,
                "tier_id": tier["id"],
                "points_balance": 0,
                "lifetime_points": 0,
                "tier_achieved_at": customer.joined,
                "tier_valid_until": (demo.now + timedelta(days=tier["validity_days"])).date(),
                "created_at": customer.joined,
                "_customer": customer,
            }
        )
    demo.insert(CustomerPaymentMethod, methods)
    for method in methods:
        method["_customer"].methods.setdefault(method["method_type"], method["id"])
    demo.insert(CustomerWallet, wallets)
    demo.insert(CustomerLoyalty, loyalty)
    for wallet, account in zip(wallets, loyalty, strict=True):
        wallet["_customer"].wallet_id = wallet["id"]
        account["_customer"].loyalty_id = account["id"]
    for customer in customers:
        if customer.status == CustomerStatus.ACTIVE and rng.chance(0.3):
            welcome.append(
                wallet_txn(
                    customer,
                    LedgerEntryDirection.CREDIT,
                    CustomerWalletTxnType.PROMO_CREDIT,
                    Decimal("50.00"),
                    "CAMPAIGN",
                    f"WELCOME-{customer.id}",
                    "Welcome credit",
                    customer.joined + timedelta(minutes=5),
                    credit_expires_at=demo.now + timedelta(days=90),
                )
            )
    demo.insert(CustomerWalletTransaction, welcome)


def _business(demo, rng, customers, active_customers):
    profiles, members = [], []
    owners = rng.sample(active_customers, min(len(active_customers), demo.count(2, 400)))
    for n, owner in enumerate(owners):
        city = owner.city
        company = f"{rng.pick(('Nimbus', 'Vistara', 'Kaveri', 'Saffron', 'Indus', 'Tulsi'))} "
        company += rng.pick(("Technologies", "Consulting", "Foods", "Logistics", "Retail"))
        registered = rng.chance(0.7)
        pan = f"{rng.letters(3)}C{rng.letters(1)}{rng.digits(4)}{rng.letters(1)}"
        profiles.append(
            {
                "owner_customer_id": owner.id,
                "legal_name": f"{company} Private Limited",
                "trade_name": company,
                "gst_registration_type": (
                    GstRegistrationType.REGULAR if registered else GstRegistrationType.UNREGISTERED
                ),
                "gstin": make_gstin(city.state_code, pan) if registered else None,
                "pan": pan,
                "status": LISTED_ACTIVE,
                "billing_email": f"accounts{n + 1}@{company.split()[0].lower()}.example",
                "billing_address_line": f"{rng.randrange(1, 200)}, "
                + rng.pick(city.vocab["streets"]),
                "billing_city": city.name,
                "billing_state": city.state,
                "billing_state_code": city.state_code,
                "billing_pincode": city.vocab["localities"][0][1],
                "credit_limit": money(50000),
                "payment_terms_days": 30,
                "verified_at": owner.joined + timedelta(days=3),
                "created_at": owner.joined + timedelta(days=1),
                "_owner": owner,
            }
        )
    demo.insert(CustomerBusinessProfile, profiles)
    for profile in profiles:
        owner = profile["_owner"]
        owner.business_profile_id = profile["id"]
        members.append(
            {
                "business_profile_id": profile["id"],
                "customer_id": owner.id,
                "role": "ADMIN",
                "allowed_services": [ServiceType.FOOD, ServiceType.RIDE],
                "cost_centre": "HQ",
                "is_active": True,
            }
        )
        colleagues = [
            c
            for c in rng.sample(active_customers, min(4, len(active_customers)))
            if c.id != owner.id and c.business_profile_id is None
        ]
        for colleague in colleagues[:2]:
            colleague.business_profile_id = profile["id"]
            members.append(
                {
                    "business_profile_id": profile["id"],
                    "customer_id": colleague.id,
                    "role": "EMPLOYEE",
                    "allowed_services": [ServiceType.RIDE],
                    "per_order_limit": money(800),
                    "monthly_limit": money(6000),
                    "cost_centre": rng.pick(("Sales", "Engineering", "Operations")),
                    "is_active": True,
                }
            )
    demo.insert(CustomerBusinessMember, members)


def _promotions(demo, rng, customers, active_customers, admin_id):
    """Segments, coupons and subscriptions; returns the coupon rows and the
    ids of the subscribers."""
    segments = [
        {
            "code": "LAPSED-30D",
            "name": "Lapsed 30 days",
            "rule": {"last_order_days_ago": {"gte": 30}},
        },
        {"code": "HIGH-VALUE", "name": "High value", "rule": {"monthly_gmv": {"gte": 5000}}},
        {
            "code": "RIDE-COMMUTERS",
            "name": "Weekday ride commuters",
            "rule": {"weekday_rides": {"gte": 8}},
        },
    ]
    for segment in segments:
        segment.update(
            description=segment["name"],
            refresh_cadence="NIGHTLY",
            is_active=True,
            last_refreshed_at=demo.now - timedelta(hours=6),
            created_by_id=admin_id,
            created_at=demo.days_ago(200),
        )
    members = []
    for segment in segments:
        chosen = rng.sample(customers, min(len(customers), demo.count(10, 5000)))
        segment["member_count"] = len(chosen)
        members.extend(
            {"segment_id": None, "_segment": segment, "customer_id": c.id} for c in chosen
        )
    demo.insert(CustomerSegment, segments)
    for member in members:
        member["segment_id"] = member.pop("_segment")["id"]
    demo.insert(CustomerSegmentMember, members)

    coupons = [
        {
            "code": "GATIFEAST",
            "title": "20% off up to Rs 100",
            "offer_type": OfferType.PERCENT_OFF,
            "services": [ServiceType.FOOD],
            "discount_percent": Decimal("20.00"),
            "max_discount": Decimal("100.00"),
            "min_order_value": Decimal("249.00"),
            "per_customer_limit": 5,
            "assigned_only": False,
        },
        {
            "code": "RIDE50",
            "title": "Rs 50 off your ride",
            "offer_type": OfferType.FLAT_OFF,
            "services": [ServiceType.RIDE],
            "flat_amount": Decimal("50.00"),
            "min_order_value": Decimal("150.00"),
            "per_customer_limit": 3,
            "assigned_only": False,
        },
        {
            "code": "COMEBACK75",
            "title": "We miss you: Rs 75 off",
            "offer_type": OfferType.FLAT_OFF,
            "services": [ServiceType.FOOD],
            "flat_amount": Decimal("75.00"),
            "min_order_value": Decimal("299.00"),
            "per_customer_limit": 1,
            "assigned_only": True,
            "_segment": segments[0],
        },
        {
            "code": "SENDIT30",
            "title": "30% off parcels",
            "offer_type": OfferType.PERCENT_OFF,
            "services": [ServiceType.PARCEL],
            "discount_percent": Decimal("30.00"),
            "max_discount": Decimal("60.00"),
            "min_order_value": Decimal("0.00"),
            "per_customer_limit": 2,
            "assigned_only": False,
        },
    ]
    for coupon in coupons:
        segment = coupon.pop("_segment", None)
        coupon.update(
            description=coupon["title"],
            status=CampaignStatus.ACTIVE,
            budget_total=money(500000),
            budget_used=Decimal("0.00"),
            first_order_only=False,
            segment_id=segment["id"] if segment else None,
            valid_from=demo.days_ago(demo.plan.days + 30),
            valid_to=demo.now + timedelta(days=90),
            terms="One use per order. Not valid with other offers.",
            created_by_id=admin_id,
            created_at=demo.days_ago(demo.plan.days + 31),
        )
    demo.insert(CustomerCoupon, coupons)
    assignments = []
    for member in members:
        if member["segment_id"] == segments[0]["id"]:
            assignments.append(
                {
                    "coupon_id": coupons[2]["id"],
                    "customer_id": member["customer_id"],
                    "source": "CAMPAIGN",
                    "uses_remaining": 1,
                    "expires_at": demo.now + timedelta(days=30),
                    "assigned_by_id": admin_id,
                }
            )
    demo.insert(CustomerCouponAssignment, assignments)

    plans = list(CustomerSubscriptionPlan.objects.filter(is_active=True).order_by("id").values())
    subscriptions, payments = [], []
    for customer in rng.sample(active_customers, min(len(active_customers), demo.count(8, 6000))):
        plan = rng.pick(plans)
        start = demo.now - timedelta(days=rng.randrange(1, plan["duration_days"]))
        subscriptions.append(
            {
                "customer_id": customer.id,
                "plan_id": plan["id"],
                "payment_method_id": customer.methods.get(PaymentMethod.UPI),
                "status": SubscriptionStatus.ACTIVE,
                "starts_at": start,
                "ends_at": start + timedelta(days=plan["duration_days"]),
                "auto_renew": rng.chance(0.6),
                "created_at": start,
                "_plan": plan,
            }
        )
    demo.insert(CustomerSubscription, subscriptions)
    for sub in subscriptions:
        plan = sub.pop("_plan")
        payments.append(
            {
                "subscription_id": sub["id"],
                "amount": plan["price"],
                "payment_method": PaymentMethod.UPI,
                "status": PaymentStatus.CAPTURED,
                "gateway": "RAZORPAY",
                "gateway_order_id": f"order_S{sub['id']:010d}",
                "gateway_payment_id": f"pay_S{sub['id']:010d}",
                "is_renewal": False,
                "period_start": sub["starts_at"],
                "period_end": sub["ends_at"],
                "paid_at": sub["starts_at"],
                "created_at": sub["starts_at"],
            }
        )
    demo.insert(CustomerSubscriptionPayment, payments)
    return coupons, {s["customer_id"] for s in subscriptions}


def _browsing(demo, rng, customers, all_stores):
    """Searches, favourites and open carts."""
    searches, favourites, carts = [], [], []
    stores = [s for s in all_stores if s.food and s.items]
    by_city = {}
    for store in stores:
        by_city.setdefault(store.city.id, []).append(store)
    for customer in customers[: demo.count(len(customers), 40_000)]:
        local = by_city.get(customer.city.id) or stores
        for _ in range(rng.randrange(0, 4)):
            zone = customer.addresses[0]["_zone"]
            store = rng.pick(local)
            clicked = rng.chance(0.6)
            searches.append(
                {
                    "customer_id": customer.id,
                    "service_type": ServiceType.FOOD,
                    "query": rng.pick(vocab.SEARCHES),
                    "result_count": rng.randrange(3, 60),
                    "clicked_result_type": "STORE" if clicked else None,
                    "clicked_result_id": store.id if clicked else None,
                    "latitude": customer.addresses[0]["latitude"],
                    "longitude": customer.addresses[0]["longitude"],
                    "zone_id": zone.id,
                    "created_at": demo.now - timedelta(hours=rng.randrange(1, 24 * 20)),
                }
            )
        if rng.chance(0.3):
            store = rng.pick(local)
            favourites.append(
                {"customer_id": customer.id, "target_type": "STORE", "store_id": store.id}
            )
            favourites.append(
                {
                    "customer_id": customer.id,
                    "target_type": RatingTargetType.MENU_ITEM,
                    "menu_item_id": rng.pick(store.items).id,
                }
            )
        if (rng.chance(0.12) or not carts) and customer.status == CustomerStatus.ACTIVE:
            store = rng.pick(local)
            picks = rng.sample(store.items, min(len(store.items), rng.randrange(1, 4)))
            created = demo.now - timedelta(minutes=rng.randrange(5, 600))
            item_total = sum((item.price for item in picks), Decimal("0.00"))
            carts.append(
                {
                    "customer_id": customer.id,
                    "service_type": ServiceType.FOOD,
                    "status": LISTED_ACTIVE,
                    "address_id": customer.addresses[0]["id"],
                    "store_id": store.id,
                    "pricing_snapshot": {"item_total": str(item_total)},
                    "item_total": item_total,
                    "expires_at": created + timedelta(days=1),
                    "created_at": created,
                    "_items": picks,
                }
            )
    demo.insert(CustomerSearchHistory, searches)
    demo.insert(CustomerFavourite, favourites)
    demo.insert(CustomerCart, carts)
    lines = []
    for cart in carts:
        for item in cart.pop("_items"):
            lines.append(
                {
                    "cart_id": cart["id"],
                    "menu_item_id": item.id,
                    "item_name": item.name,
                    "quantity": 1,
                    "unit_price": item.price,
                    "addons": [],
                    "addons_total": Decimal("0.00"),
                    "created_at": cart["created_at"],
                }
            )
    demo.insert(CustomerCartItem, lines)
