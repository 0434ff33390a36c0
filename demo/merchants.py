"""Merchants: brands and companies, their stores, compliance, bank accounts,
contracts, menus and offers (``merchants``).

A FOOD store may only be written LIVE once it has a verified, unexpired
FSSAI licence, a verified default bank account and an active contract (the
database's go-live gate), so those rows are written before the stores.
"""

from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal

from access_mgmt.choices import ApiClientType
from access_mgmt.models import ApiClient
from demo import vocab
from demo.access import Staff
from demo.context import Demo
from demo.geo import Places
from demo.rng import money, spread
from gatimitra.db.validators import make_gstin
from gatimitra.enums import (
    ActorType,
    ApprovalStatus,
    CampaignStatus,
    DevicePlatform,
    FoodType,
    GstRegistrationType,
    IntegrationStatus,
    OfferType,
    PayoutAccountType,
    ServiceType,
    VerificationStatus,
)
from merchants.choices import (
    FssaiLicenceType,
    ItemAvailability,
    LeadSource,
    MerchantDocumentType,
    MerchantEntityType,
    MerchantStatus,
    MerchantUserRole,
    SettlementCycle,
    StoreStatus,
)
from merchants.models import (
    MerchantAdCampaign,
    MerchantBankAccount,
    MerchantCommissionPlan,
    MerchantContract,
    MerchantCuisine,
    MerchantDevice,
    MerchantDocument,
    MerchantItemStockEvent,
    MerchantMenu,
    MerchantMenuAddon,
    MerchantMenuAddonGroup,
    MerchantMenuCategory,
    MerchantMenuChangeRequest,
    MerchantMenuItem,
    MerchantMenuItemAddonGroup,
    MerchantMenuItemTag,
    MerchantMenuItemVariant,
    MerchantOffer,
    MerchantOfferItem,
    MerchantOnboardingApplication,
    MerchantParent,
    MerchantPosIntegration,
    MerchantStore,
    MerchantStoreAvailabilityLog,
    MerchantStoreClosure,
    MerchantStoreCuisine,
    MerchantStoreHours,
    MerchantStoreLink,
    MerchantStoreMedia,
    MerchantStoreServiceArea,
    MerchantTaxRegistration,
    MerchantUser,
    MerchantUserStoreAccess,
    MerchantVerificationCheck,
)

#: A signed contract's status: merchants' CONTRACT_STATUSES, a CHECK list, not an enum.
CONTRACT_ACTIVE = "ACTIVE"

#: Parcel pickup points: the corner shops a brand runs them from.
PARCEL_POINTS = (
    "Sai Xerox and Courier",
    "Ganesh Kirana Parcel Point",
    "Balaji Mobiles and Courier",
    "Lakshmi General Stores",
    "Quick Send Parcel Counter",
)
PAN_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
ENTITY_PAN_LETTER = {
    MerchantEntityType.PRIVATE_LIMITED: "C",
    MerchantEntityType.LLP: "F",
    MerchantEntityType.PARTNERSHIP: "F",
    MerchantEntityType.PROPRIETORSHIP: "P",
}
COMPANY_SUFFIX = {
    MerchantEntityType.PRIVATE_LIMITED: "Private Limited",
    MerchantEntityType.LLP: MerchantEntityType.LLP,
    MerchantEntityType.PARTNERSHIP: "and Co",
    MerchantEntityType.PROPRIETORSHIP: "",
}


@dataclass
class MenuItem:
    id: int
    name: str
    food_type: str
    price: Decimal
    packaging: Decimal
    variants: list = field(default_factory=list)  # (id, name, price)
    addons: list = field(default_factory=list)  # (id, name, group name, price)


@dataclass
class Store:
    id: int
    code: str
    name: str
    parent_id: int
    city: object
    zone: object
    latitude: Decimal
    longitude: Decimal
    address: str
    locality: str
    pincode: str
    status: str
    food: bool
    gst_registration_id: int | None
    gstin: str | None
    commission: Decimal
    prep_minutes: int
    cuisine: str | None = None
    bank_account_id: int | None = None
    contract_id: int | None = None
    items: list = field(default_factory=list)
    user_ids: list = field(default_factory=list)
    offer: dict | None = None
    weight: float = 1.0


def _slug(text):
    return "".join(c for c in text.lower() if c.isalnum())[:20] or "merchant"


def _pan(n, letter):
    """A PAN no fixture uses: three letters, the holder-type letter, a
    letter, four digits, a letter; distinct for each ``n``."""
    k = spread(n, 24**3 * 10_000 * 24, salt=7)
    digits, k = k % 10_000, k // 10_000
    last, k = PAN_LETTERS[k % 24], k // 24
    a, b, c = PAN_LETTERS[k % 24], PAN_LETTERS[(k // 24) % 24], PAN_LETTERS[(k // 576) % 24]
    return f"{a}{b}{c}{letter}{last}{digits:04d}{PAN_LETTERS[(n * 7) % 24]}"


@dataclass(frozen=True)
class Merchants:
    """What the merchants step gives the steps after it."""

    #: merchant parent rows (brands)
    parents: list
    #: merchant store rows as written
    store_rows: list
    stores: list[Store]
    #: FOOD stores past review with something to order
    food_stores: list[Store]
    #: ids of every merchant user
    user_ids: list


def build(demo: Demo, places: Places, staff: Staff) -> Merchants:
    rng = demo.rng("merchants")
    plan = demo.plan
    cuisines = {row["code"]: row["id"] for row in MerchantCuisine.objects.values("code", "id")}
    plans = {row["code"]: row for row in MerchantCommissionPlan.objects.order_by("id").values()}
    food_plans = [
        p for p in plans.values() if p["service_type"] == ServiceType.FOOD and p["is_active"]
    ]
    parcel_plan = next(
        (p for p in plans.values() if p["service_type"] == ServiceType.PARCEL), food_plans[0]
    )
    managers = [
        u["id"] for u in staff.by_role["MERCHANT_ONBOARDING"] + staff.by_role["CITY_OPS_MANAGER"]
    ]
    reviewers = [u["id"] for u in staff.by_role["KYC_REVIEWER"]] or managers
    city_weights = [c.weight for c in places.cities]
    cuisine_codes = [code for code in vocab.CUISINES if code in cuisines]

    # Parents: brands with one to many outlets.
    parents, registrations = [], []
    n_parents = plan.merchant_parents
    for n in range(n_parents):
        city = rng.choices(places.cities, city_weights)[0]
        entity = rng.choices(list(ENTITY_PAN_LETTER), (45, 10, 10, 35))[0]
        cuisine = rng.pick(cuisine_codes)
        first, surname, _ = demo.person(rng, city)
        brand = rng.pick(vocab.CUISINES[cuisine]["stores"]).format(
            surname=surname, locality=city.name
        )
        locality = rng.pick(city.vocab["localities"])
        status = (
            MerchantStatus.ACTIVE
            if n < n_parents * 0.92
            else rng.pick(
                (MerchantStatus.ONBOARDING, MerchantStatus.LEAD, MerchantStatus.SUSPENDED)
            )
        )
        pan = _pan(n, ENTITY_PAN_LETTER[entity]) if status != MerchantStatus.LEAD else None
        legal = (
            f"{brand} {COMPANY_SUFFIX[entity]}".strip()
            if entity != MerchantEntityType.PROPRIETORSHIP
            else f"{first} {surname}"
        )
        created = demo.days_ago(200 + rng.randrange(600))
        parents.append(
            {
                "code": f"MPD{n + 1:06d}",
                "legal_name": legal,
                "brand_name": brand,
                "entity_type": entity,
                "status": status,
                "pan": pan,
                "address_line1": f"No. {rng.randrange(1, 400)}, {rng.pick(city.vocab['streets'])}",
                "address_line2": locality[0],
                "city": city.name,
                "state": city.state,
                "pin_code": locality[1],
                "contact_email": f"accounts{n + 1}@{_slug(brand)}.example",
                "contact_mobile": demo.mobile("parent"),
                "account_manager_id": rng.pick(managers),
                "created_at": created,
                "_city": city,
                "_cuisine": cuisine,
                "_owner": (first, surname),
            }
        )
    demo.insert(MerchantParent, parents)
    for parent in parents:
        if parent["pan"] is None:
            continue
        city = parent["_city"]
        registered = parent["entity_type"] != MerchantEntityType.PROPRIETORSHIP or rng.chance(0.6)
        gstin = make_gstin(city.state_code, parent["pan"]) if registered else None
        registrations.append(
            {
                "parent_id": parent["id"],
                "registration_type": (
                    GstRegistrationType.REGULAR if registered else GstRegistrationType.UNREGISTERED
                ),
                "status": VerificationStatus.VERIFIED,
                "gstin": gstin,
                "state_code": city.state_code,
                "legal_name": parent["legal_name"],
                "trade_name": parent["brand_name"],
                "tcs_applicable": registered,
                "tds_194o_applicable": True,
                "valid_from": (parent["created_at"] - timedelta(days=400)).date(),
                "created_at": parent["created_at"],
            }
        )
        parent["_registration"] = registrations[-1]
    demo.insert(MerchantTaxRegistration, registrations)

    # Stores: spread over the active parents (big brands get more outlets).
    active_parents = [p for p in parents if p["status"] == MerchantStatus.ACTIVE]
    store_ids_first = demo.ids(MerchantStore, plan.stores)
    stores, store_rows = [], []
    parcel_share = 0.12
    for n in range(plan.stores):
        parent = (
            active_parents[n % len(active_parents)]
            if n < len(active_parents)
            else rng.choices(
                active_parents, [1 + (i % 7 == 0) * 6 for i in range(len(active_parents))]
            )[0]
        )
        parcel = n >= len(active_parents) and rng.chance(parcel_share)
        city = parent["_city"] if rng.chance(0.8) else rng.choices(places.cities, city_weights)[0]
        zones = [
            z
            for z in city.zones
            if (ServiceType.PARCEL if parcel else ServiceType.FOOD) in z.services
        ]
        if not zones:
            parcel = False
            zones = [z for z in city.zones if ServiceType.FOOD in z.services] or city.zones
        zone = rng.pick(zones)
        locality = next((loc for loc in city.vocab["localities"] if loc[0] == zone.name), None)
        locality_name, pincode = (
            (locality[0], locality[1]) if locality else (zone.name, zone.pincode)
        )
        roll = rng.random()
        status = (
            StoreStatus.LIVE
            if roll < 0.86
            else (
                StoreStatus.PAUSED
                if roll < 0.91
                else (
                    StoreStatus.TEMPORARILY_CLOSED
                    if roll < 0.94
                    else (StoreStatus.UNDER_REVIEW if roll < 0.98 else StoreStatus.DRAFT)
                )
            )
        )
        registration = parent.get("_registration")
        # A store supplies under its own state's registration (CGST Act
        # s.22): in another state the parent has none here.
        if registration and registration["state_code"] != city.state_code:
            registration = None
        kind = (
            "PARCEL_POINT"
            if parcel
            else rng.choices(("RESTAURANT", "CLOUD_KITCHEN", "SWEET_SHOP"), (70, 22, 8))[0]
        )
        name = (
            f"{rng.pick(PARCEL_POINTS)}, {locality_name}"
            if parcel
            else f"{parent['brand_name']}, {locality_name}"
        )
        street = f"{rng.randrange(1, 300)}, {rng.pick(city.vocab['streets'])}"
        store = Store(
            id=store_ids_first + n,
            code=f"MSD{n + 1:06d}",
            name=name[:200],
            parent_id=parent["id"],
            city=city,
            zone=zone,
            latitude=rng.near(zone.latitude, 0.012),
            longitude=rng.near(zone.longitude, 0.012),
            address=street,
            locality=locality_name,
            pincode=pincode,
            status=status,
            food=not parcel,
            gst_registration_id=registration["id"] if registration else None,
            gstin=registration["gstin"] if registration else None,
            commission=Decimal("0.00") if parcel else rng.choice(food_plans)["commission_percent"],
            prep_minutes=rng.choice((12, 15, 18, 20, 25, 30)),
            cuisine=None if parcel else parent["_cuisine"],
            weight=rng.paretovariate(1.6),
        )
        went_live = parent["created_at"] + timedelta(days=rng.randrange(5, 60))
        store_rows.append(
            {
                "id": store.id,
                "code": store.code,
                "status": status,
                "service_types": [ServiceType.PARCEL] if parcel else [ServiceType.FOOD],
                "store_kind": kind,
                "name": store.name,
                "address_line1": street,
                "locality": locality_name,
                "city": city.name,
                "state": city.state,
                "pin_code": pincode,
                "latitude": store.latitude,
                "longitude": store.longitude,
                "contact_mobile": demo.mobile("store"),
                "contact_email": f"{store.code.lower()}@stores.gatimitra.in"
                if rng.chance(0.5)
                else None,
                "fssai_number": None if parcel else f"1{1 + n % 2}{spread(n, 10**12, salt=5):012d}",
                "fssai_licence_type": None
                if parcel
                else rng.pick(
                    (
                        FssaiLicenceType.BASIC_REGISTRATION,
                        FssaiLicenceType.STATE_LICENCE,
                        FssaiLicenceType.STATE_LICENCE,
                    )
                ),
                "avg_prep_time_minutes": store.prep_minutes,
                "minimum_order_value": Decimal("0.00")
                if parcel
                else rng.choice((Decimal("99.00"), Decimal("149.00"), Decimal("0.00"))),
                "packaging_charge": Decimal("0.00")
                if parcel
                else rng.choice((Decimal("10.00"), Decimal("15.00"), Decimal("20.00"))),
                "delivery_mode": "PLATFORM",
                "is_pure_veg": store.cuisine in ("SOUTH_INDIAN", "DESSERTS", "BEVERAGES"),
                "is_accepting_orders": status == StoreStatus.LIVE,
                "went_live_at": went_live
                if status in (StoreStatus.LIVE, StoreStatus.PAUSED, StoreStatus.TEMPORARILY_CLOSED)
                else None,
                "parent_id": parent["id"],
                "gst_registration_id": store.gst_registration_id,
                "zone_id": zone.id,
                "created_at": parent["created_at"],
            }
        )
        stores.append(store)
    _compliance(demo, rng, parents, stores, store_rows, reviewers, food_plans, parcel_plan)
    demo.copy(MerchantStore, store_rows)
    _store_details(demo, rng, stores, store_rows, cuisines, staff)
    user_ids = _users(demo, rng, parents, stores)
    menu_categories = _menus(demo, rng, stores)
    _offers_and_ads(demo, rng, stores, parents, staff, menu_categories)
    _operations(demo, rng, stores, store_rows, parents, staff)
    return Merchants(
        parents=parents,
        store_rows=store_rows,
        stores=stores,
        food_stores=[
            s
            for s in stores
            if s.food
            and s.items
            and s.status != StoreStatus.DRAFT
            and s.status != StoreStatus.UNDER_REVIEW
        ],
        user_ids=user_ids,
    )


def _compliance(demo, rng, parents, stores, store_rows, reviewers, food_plans, parcel_plan):
    """Documents, bank accounts and contracts (before the stores: the go-live gate reads them)."""
    documents, accounts, contracts, checks = [], [], [], []
    today = demo.now.date()
    for parent in parents:
        if parent["pan"] is None:
            continue
        reviewed = parent["created_at"] + timedelta(days=3)
        documents.append(
            {
                "parent_id": parent["id"],
                "document_type": MerchantDocumentType.PAN,
                "status": VerificationStatus.VERIFIED,
                "number_masked": demo.masked(parent["pan"]),
                "number_hash": demo.hash(parent["pan"]),
                "file_url": f"https://files.gatimitra.example/merchant-docs/{parent['code']}-pan.pdf",
                "reviewed_by_id": rng.pick(reviewers),
                "reviewed_at": reviewed,
                "created_at": parent["created_at"],
            }
        )
        registration = parent.get("_registration")
        if registration and registration["gstin"]:
            documents.append(
                {
                    "parent_id": parent["id"],
                    "document_type": MerchantDocumentType.GST_CERTIFICATE,
                    "status": VerificationStatus.VERIFIED,
                    "number_masked": demo.masked(registration["gstin"]),
                    "number_hash": demo.hash(registration["gstin"]),
                    "file_url": f"https://files.gatimitra.example/merchant-docs/{parent['code']}-gst.pdf",
                    "reviewed_by_id": rng.pick(reviewers),
                    "reviewed_at": reviewed,
                    "created_at": parent["created_at"],
                }
            )
        bank, ifsc = rng.pick(vocab.BANKS)
        number = rng.digits(14)
        verified = parent["status"] == MerchantStatus.ACTIVE
        accounts.append(
            {
                "parent_id": parent["id"],
                "account_type": PayoutAccountType.BANK_ACCOUNT,
                "verification_status": VerificationStatus.VERIFIED
                if verified
                else VerificationStatus.PENDING,
                "account_holder_name": parent["legal_name"],
                "account_number_masked": demo.masked(number),
                "account_number_hash": demo.hash(f"{parent['code']}-{number}"),
                "ifsc": f"{ifsc}0{rng.digits(6)}",
                "bank_name": bank,
                "penny_drop_reference": f"PD-{parent['code']}",
                "penny_drop_name_matched": True if verified else None,
                "fund_account_id": f"fa_{rng.hexdigits(14)}" if verified else None,
                "verified_at": parent["created_at"] + timedelta(days=2) if verified else None,
                "is_default": True,
                "is_active": True,
                "created_at": parent["created_at"],
                "_parent": parent,
            }
        )
    by_parent = {}
    owners = {parent["id"]: parent["_owner"] for parent in parents}
    for store, row in zip(stores, store_rows, strict=True):
        created = row["created_at"]
        if store.food:
            expires = max(demo.now.date(), today) + timedelta(days=400 + rng.randrange(700))
            fssai_ok = store.status in (
                StoreStatus.LIVE,
                StoreStatus.PAUSED,
                StoreStatus.TEMPORARILY_CLOSED,
            )
            documents.append(
                {
                    "store_id": store.id,
                    "document_type": MerchantDocumentType.FSSAI_LICENCE,
                    "status": VerificationStatus.VERIFIED
                    if fssai_ok
                    else VerificationStatus.IN_REVIEW,
                    "number_masked": demo.masked(row["fssai_number"]),
                    "number_hash": demo.hash(row["fssai_number"]),
                    "issued_on": expires - timedelta(days=5 * 365),
                    "expires_on": expires,
                    "file_url": f"https://files.gatimitra.example/merchant-docs/{store.code}-fssai.pdf",
                    "reviewed_by_id": rng.pick(reviewers) if fssai_ok else None,
                    "reviewed_at": created + timedelta(days=2) if fssai_ok else None,
                    "created_at": created,
                }
            )
            if rng.chance(0.4):
                documents.append(
                    {
                        "store_id": store.id,
                        "document_type": MerchantDocumentType.SHOP_ESTABLISHMENT,
                        "status": VerificationStatus.VERIFIED,
                        "number_masked": "XXXXXX" + rng.digits(4),
                        "number_hash": demo.hash(f"se-{store.code}"),
                        "file_url": f"https://files.gatimitra.example/merchant-docs/{store.code}-se.pdf",
                        "reviewed_by_id": rng.pick(reviewers),
                        "reviewed_at": created + timedelta(days=2),
                        "created_at": created,
                    }
                )
        plan = food_plans[0] if store.food else parcel_plan
        signed = store.status in (
            StoreStatus.LIVE,
            StoreStatus.PAUSED,
            StoreStatus.TEMPORARILY_CLOSED,
        )
        n = len(contracts) + 1
        contracts.append(
            {
                "contract_number": f"GMC-D-{n:07d}",
                "store_id": store.id,
                "plan_id": plan["id"],
                "status": CONTRACT_ACTIVE if signed else "SENT_FOR_SIGNATURE",
                "settlement_cycle": SettlementCycle.WEEKLY,
                "commission_percent_override": store.commission
                if store.commission != plan["commission_percent"]
                else None,
                "valid_from": (created - timedelta(days=1)).date(),
                "esign_reference": f"LEEGALITY-D-{n:07d}",
                "signed_by_name": " ".join(owners[store.parent_id]),
                "signed_at": created if signed else None,
                "created_at": created,
            }
        )
        store.contract = contracts[-1]
        by_parent.setdefault(store.parent_id, []).append(store)
        # Some outlets are paid to their own account (franchisees).
        if rng.chance(0.15):
            bank, ifsc = rng.pick(vocab.BANKS)
            number = rng.digits(12)
            accounts.append(
                {
                    "store_id": store.id,
                    "account_type": PayoutAccountType.BANK_ACCOUNT,
                    "verification_status": VerificationStatus.VERIFIED,
                    "account_holder_name": store.name[:200],
                    "account_number_masked": demo.masked(number),
                    "account_number_hash": demo.hash(f"{store.code}-{number}"),
                    "ifsc": f"{ifsc}0{rng.digits(6)}",
                    "bank_name": bank,
                    "penny_drop_reference": f"PD-{store.code}",
                    "penny_drop_name_matched": True,
                    "fund_account_id": f"fa_{rng.hexdigits(14)}",
                    "verified_at": created,
                    "is_default": True,
                    "is_active": True,
                    "created_at": created,
                    "_store": store,
                }
            )
    demo.insert(MerchantDocument, documents)
    demo.insert(MerchantBankAccount, accounts)
    demo.insert(MerchantContract, contracts)
    parent_account = {a["_parent"]["id"]: a for a in accounts if "_parent" in a}
    for account in accounts:
        if "_store" in account:
            account["_store"].bank_account_id = account["id"]
    for store in stores:
        store.contract_id = store.contract["id"]
        if store.bank_account_id is None and store.parent_id in parent_account:
            store.bank_account_id = parent_account[store.parent_id]["id"]
    for doc in documents[: demo.count(10, 3000)]:
        checks.append(
            {
                "document_id": doc["id"],
                "check_type": {
                    MerchantDocumentType.PAN: "PAN_NAME_MATCH",
                    MerchantDocumentType.GST_CERTIFICATE: "GSTIN_STATUS",
                }.get(doc["document_type"], "FSSAI_FOSCOS"),
                "status": doc["status"]
                if doc["status"] == VerificationStatus.VERIFIED
                else VerificationStatus.PENDING,
                "vendor": "Signzy",
                "vendor_reference": f"SGZ-{doc['id']:08d}",
                "name_match_score": Decimal("96.50"),
                "raw_result": {"match": True},
                "requested_at": doc["created_at"],
                "completed_at": doc["created_at"] + timedelta(hours=1)
                if doc["status"] == VerificationStatus.VERIFIED
                else None,
            }
        )
    for account in accounts[: demo.count(6, 2000)]:
        checks.append(
            {
                "bank_account_id": account["id"],
                "check_type": "BANK_PENNY_DROP",
                "status": account["verification_status"],
                "vendor": "Razorpay",
                "vendor_reference": account["penny_drop_reference"],
                "name_match_score": Decimal("91.00"),
                "raw_result": {"account_status": "active"},
                "requested_at": account["created_at"],
                "completed_at": account["created_at"] + timedelta(minutes=5),
            }
        )
    demo.insert(MerchantVerificationCheck, checks)


def _store_details(demo, rng, stores, store_rows, cuisines, staff):
    links, hours, areas, media, devices, closures, cuisine_rows = [], [], [], [], [], [], []
    for store, row in zip(stores, store_rows, strict=True):
        created = row["created_at"]
        if store.food:
            cuisine_rows.append(
                {
                    "store_id": store.id,
                    "cuisine_id": cuisines[store.cuisine],
                    "is_primary": True,
                    "display_order": 1,
                }
            )
            second = rng.pick(list(vocab.CUISINES))
            if second != store.cuisine and second in cuisines:
                cuisine_rows.append(
                    {
                        "store_id": store.id,
                        "cuisine_id": cuisines[second],
                        "is_primary": False,
                        "display_order": 2,
                    }
                )
            split = rng.chance(0.5)
            for weekday in range(1, 8):
                if split:
                    hours.append(
                        {
                            "store_id": store.id,
                            "weekday": weekday,
                            "opens_at": time(11, 30),
                            "closes_at": time(15, 30),
                        }
                    )
                    hours.append(
                        {
                            "store_id": store.id,
                            "weekday": weekday,
                            "opens_at": time(18, 30),
                            "closes_at": time(23, 30),
                        }
                    )
                else:
                    hours.append(
                        {
                            "store_id": store.id,
                            "weekday": weekday,
                            "opens_at": time(rng.pick((7, 8, 10))),
                            "closes_at": time(23, 0),
                        }
                    )
        else:
            for weekday in range(1, 7):
                hours.append(
                    {
                        "store_id": store.id,
                        "weekday": weekday,
                        "opens_at": time(9),
                        "closes_at": time(20),
                    }
                )
        areas.append(
            {
                "store_id": store.id,
                "name": f"{store.locality} {6 if store.food else 10} km",
                "radius_m": 6000 if store.food else 10000,
                "is_serviceable": True,
                "priority": 0,
            }
        )
        if rng.chance(0.3):
            areas.append(
                {
                    "store_id": store.id,
                    "name": f"{store.zone.name} zone",
                    "zone_id": store.zone.id,
                    "is_serviceable": True,
                    "priority": 1,
                    "minimum_order_value": Decimal("199.00") if store.food else None,
                }
            )
        for kind in ("LOGO", "COVER"):
            media.append(
                {
                    "store_id": store.id,
                    "media_kind": kind,
                    "url": f"https://cdn.gatimitra.example/stores/{store.code.lower()}/{kind.lower()}.jpg",
                    "caption": store.name[:200] if kind == "COVER" else "",
                    "display_order": 1,
                    "moderation_status": VerificationStatus.VERIFIED,
                    "moderated_at": created + timedelta(days=1),
                }
            )
        if store.status != StoreStatus.DRAFT:
            _phone, os_version = rng.pick(vocab.PHONES[:7])
            devices.append(
                {
                    "store_id": store.id,
                    "platform": DevicePlatform.ANDROID,
                    "device_kind": "TABLET",
                    "device_identifier": f"tab-{rng.hexdigits(16)}",
                    "model_name": "Lenovo Tab M10",
                    "os_version": os_version,
                    "app_version": rng.pick(vocab.APP_VERSIONS),
                    "push_token": f"fcm:{rng.hexdigits(40)}",
                    "is_active": True,
                    "last_seen_at": demo.now - timedelta(minutes=rng.randrange(1, 600)),
                }
            )
        if store.status == StoreStatus.TEMPORARILY_CLOSED or rng.chance(0.03) or store is stores[0]:
            start = demo.now - timedelta(days=rng.randrange(0, 10))
            closures.append(
                {
                    "store_id": store.id,
                    "reason_code": rng.pick(("HOLIDAY", "RENOVATION", "STAFF_SHORTAGE")),
                    "is_planned": True,
                    "starts_at": start,
                    "ends_at": start + timedelta(days=rng.randrange(2, 14)),
                    "note": "Closed for Diwali" if rng.chance(0.5) else "",
                    "created_by_id": rng.pick(staff.ids),
                    "created_at": start - timedelta(days=2),
                }
            )
    # Brands with several outlets link them; some run virtual brands.
    by_parent = {}
    for store in stores:
        by_parent.setdefault(store.parent_id, []).append(store)
    first_group = True
    for outlets in by_parent.values():
        if len(outlets) >= 2 and (rng.chance(0.5) or first_group):
            first_group = False
            links.append(
                {
                    "store_id": outlets[0].id,
                    "related_store_id": outlets[1].id,
                    "link_kind": "SAME_OWNER_GROUP",
                    "notes": "",
                }
            )
    demo.insert(MerchantStoreCuisine, cuisine_rows)
    demo.insert(MerchantStoreHours, hours)
    demo.insert(MerchantStoreServiceArea, areas)
    demo.insert(MerchantStoreMedia, media)
    demo.insert(MerchantDevice, devices)
    demo.insert(MerchantStoreClosure, closures)
    demo.insert(MerchantStoreLink, links)


def _users(demo, rng, parents, stores):
    users, access = [], []
    by_parent = {}
    for store in stores:
        by_parent.setdefault(store.parent_id, []).append(store)
    for parent in parents:
        first, surname = parent["_owner"]
        people = [(MerchantUserRole.OWNER, first, surname)]
        for role in (MerchantUserRole.MANAGER, MerchantUserRole.STAFF)[
            : 1 + (len(by_parent.get(parent["id"], [])) > 2)
        ]:
            f, s, _ = demo.person(rng, parent["_city"])
            people.append((role, f, s))
        for role, f, s in people:
            users.append(
                {
                    "parent_id": parent["id"],
                    "role": role,
                    "full_name": f"{f} {s}",
                    "mobile": demo.mobile("merchant_user"),
                    "email": f"{f}.{s}.{parent['code']}@example.in".lower().replace("'", "")
                    if role != MerchantUserRole.STAFF
                    else None,
                    "is_active": True,
                    "last_seen_at": demo.now - timedelta(hours=rng.randrange(1, 200)),
                    "created_at": parent["created_at"],
                }
            )
    demo.insert(MerchantUser, users)
    by_parent_users = {}
    for user in users:
        by_parent_users.setdefault(user["parent_id"], []).append(user)
    for store in stores:
        for user in by_parent_users.get(store.parent_id, []):
            store.user_ids.append(user["id"])
            if user["role"] != MerchantUserRole.OWNER:
                access.append(
                    {"merchant_user_id": user["id"], "store_id": store.id, "is_active": True}
                )
    demo.insert(MerchantUserStoreAccess, access)
    return [u["id"] for u in users]


def _menus(demo, rng, stores):
    """A delivery menu per food store: categories, dishes, variants, add-ons,
    tags; returns the menu categories by store id."""
    per_store = demo.plan.dishes_per_store
    menus, categories, groups = [], [], []
    for store in stores:
        if not store.food or store.status == StoreStatus.DRAFT:
            continue
        menu = {
            "store_id": store.id,
            "name": "Delivery menu",
            "menu_kind": "DELIVERY",
            "is_active": True,
            "published_version": rng.randrange(1, 9),
            "published_at": demo.days_ago(rng.randrange(1, 60)),
            "_store": store,
        }
        menus.append(menu)
        if store.cuisine in ("SOUTH_INDIAN", "BAKERY", "BEVERAGES") and rng.chance(0.4):
            menus.append(
                {
                    "store_id": store.id,
                    "name": "Breakfast menu",
                    "menu_kind": "BREAKFAST",
                    "is_active": True,
                    "daily_starts_at": time(7),
                    "daily_ends_at": time(11),
                    "published_version": 1,
                    "published_at": demo.days_ago(30),
                    "_store": store,
                }
            )
        if store.cuisine in vocab.ADDON_GROUPS:
            name, _addons = vocab.ADDON_GROUPS[store.cuisine]
            groups.append(
                {
                    "store_id": store.id,
                    "name": name,
                    "min_selections": 0,
                    "max_selections": 3,
                    "display_order": 1,
                    "_store": store,
                }
            )
    demo.insert(MerchantMenu, menus)
    demo.insert(MerchantMenuAddonGroup, groups)
    addons = []
    for group in groups:
        _name, options = vocab.ADDON_GROUPS[group["_store"].cuisine]
        for order, (name, food_type, price) in enumerate(options, start=1):
            addons.append(
                {
                    "addon_group_id": group["id"],
                    "name": name,
                    "price": money(price),
                    "food_type": food_type,
                    "availability": ItemAvailability.IN_STOCK,
                    "display_order": order,
                    "_group": group,
                }
            )
    demo.insert(MerchantMenuAddon, addons)
    group_addons = {}
    for addon in addons:
        group_addons.setdefault(addon["addon_group_id"], []).append(addon)
    store_group = {g["store_id"]: g for g in groups}

    menu_categories = {}
    for menu in menus:
        if menu["menu_kind"] != "DELIVERY":
            categories.append(
                {
                    "menu_id": menu["id"],
                    "name": "Breakfast specials",
                    "display_order": 1,
                    "is_active": True,
                    "available_from": time(7),
                    "available_until": time(11),
                }
            )
            continue
        names = rng.sample(vocab.CATEGORY_NAMES[1:], 3)
        rows = [
            {"menu_id": menu["id"], "name": "Recommended", "display_order": 0, "is_active": True}
        ]
        rows += [
            {"menu_id": menu["id"], "name": name, "display_order": i + 1, "is_active": True}
            for i, name in enumerate(names)
        ]
        categories.extend(rows)
        menu_categories[menu["_store"].id] = rows
    demo.insert(MerchantMenuCategory, categories)

    items = []
    for store in stores:
        rows = menu_categories.get(store.id)
        if not rows:
            continue
        dishes = list(vocab.CUISINES[store.cuisine]["dishes"])
        extra = vocab.CUISINES[rng.pick(list(vocab.CUISINES))]["dishes"]
        pool = dishes + [d for d in extra if d not in dishes]
        chosen = (
            pool[: max(per_store, 3)]
            if len(pool) <= per_store
            else dishes
            + rng.sample(
                [d for d in extra if d not in dishes],
                max(0, min(per_store - len(dishes), len(extra))),
            )
        )
        chosen = chosen[:per_store]
        markup = Decimal(str(rng.choice((0.9, 1.0, 1.0, 1.1, 1.25))))
        for order, (name, food_type, price) in enumerate(chosen, start=1):
            base = money(Decimal(price) * markup).quantize(Decimal("1")) or Decimal("10")
            items.append(
                {
                    "store_id": store.id,
                    "category_id": rng.pick(rows[1:])["id"] if order > 2 else rows[0]["id"],
                    "name": name,
                    "description": f"{name}, made fresh at {store.name.split(',')[0]}.",
                    "food_type": food_type,
                    "availability": (
                        ItemAvailability.IN_STOCK
                        if rng.chance(0.96)
                        else ItemAvailability.OUT_OF_STOCK_TODAY
                    ),
                    "base_price": money(base),
                    "packaging_charge": money(rng.choice((0, 5, 10))),
                    "gst_rate": Decimal("5.00"),
                    "hsn_code": "996331",
                    "serves": rng.choice((1, 1, 2)),
                    "image_url": "https://cdn.gatimitra.example/dishes/"
                    + name.lower().replace(" ", "-")
                    + ".jpg",
                    "display_order": order,
                    "is_recommended": order <= 2,
                    "_store": store,
                }
            )
    demo.insert(MerchantMenuItem, items)
    variants, tags, links = [], [], []
    for item in items:
        store = item["_store"]
        kind = (
            "pizza"
            if "Pizza" in item["name"]
            else (
                "portion"
                if store.cuisine in ("NORTH_INDIAN", "BIRYANI", "MUGHLAI") and rng.chance(0.5)
                else ("drink" if store.cuisine == "BEVERAGES" else None)
            )
        )
        entry = MenuItem(
            item["id"],
            item["name"],
            item["food_type"],
            item["base_price"],
            item["packaging_charge"],
        )
        if kind:
            for order, (name, factor) in enumerate(vocab.VARIANTS[kind], start=1):
                price = money((item["base_price"] * Decimal(str(factor))).quantize(Decimal("1")))
                variants.append(
                    {
                        "menu_item_id": item["id"],
                        "name": name,
                        "price": price,
                        "availability": ItemAvailability.IN_STOCK,
                        "is_default": order == 1 if kind != "portion" else name == "Full",
                        "display_order": order,
                        "_entry": entry,
                    }
                )
        if item["is_recommended"]:
            tags.append({"menu_item_id": item["id"], "tag": "BESTSELLER"})
        if item["food_type"] != FoodType.VEG and rng.chance(0.3):
            tags.append(
                {
                    "menu_item_id": item["id"],
                    "tag": rng.pick(("SPICE_MEDIUM", "SPICE_HOT", "HALAL")),
                }
            )
        group = store_group.get(store.id)
        if group and rng.chance(0.5):
            links.append(
                {"menu_item_id": item["id"], "addon_group_id": group["id"], "display_order": 1}
            )
            entry.addons = [
                (a["id"], a["name"], group["name"], a["price"]) for a in group_addons[group["id"]]
            ]
        if item["availability"] == ItemAvailability.IN_STOCK:
            store.items.append(entry)
    demo.insert(MerchantMenuItemVariant, variants)
    for variant in variants:
        variant["_entry"].variants.append((variant["id"], variant["name"], variant["price"]))
    demo.insert(MerchantMenuItemTag, tags)
    demo.insert(MerchantMenuItemAddonGroup, links)
    return menu_categories


def _offers_and_ads(demo, rng, stores, parents, staff, menu_categories):
    offers, offer_items, campaigns = [], [], []
    food = [s for s in stores if s.food and s.items]
    for n, store in enumerate(food):
        if not rng.chance(0.35) and n > 0:
            continue
        percent = rng.chance(0.6)
        start = demo.days_ago(rng.randrange(10, 90))
        offer = {
            "code": f"STORE{store.id}OFF{n}"[:32],
            "offer_type": OfferType.PERCENT_OFF if percent else OfferType.FLAT_OFF,
            "status": CampaignStatus.ACTIVE,
            "title": "20% off up to Rs 80" if percent else "Flat Rs 60 off",
            "description": "On orders above Rs 249",
            "discount_percent": Decimal("20.00") if percent else None,
            "flat_discount": None if percent else Decimal("60.00"),
            "max_discount": Decimal("80.00") if percent else None,
            "min_order_value": Decimal("249.00"),
            "merchant_share_percent": Decimal("100.00"),
            "valid_from": start,
            "valid_to": demo.now + timedelta(days=rng.randrange(10, 60)),
            "usage_limit_per_customer": 3,
            "times_used": 0,
            "new_customers_only": False,
            "store_id": store.id,
            "created_by_id": rng.pick(staff.ids),
            "created_at": start,
        }
        offers.append(offer)
        store.offer = offer
    demo.insert(MerchantOffer, offers)
    by_id = {store.id: store for store in food}
    for offer in offers[: max(1, len(offers) // 3)]:
        store = by_id[offer["store_id"]]
        offer_items.append(
            {"offer_id": offer["id"], "menu_item_id": store.items[0].id, "is_excluded": False}
        )
        category = menu_categories[store.id][0]
        offer_items.append(
            {"offer_id": offer["id"], "category_id": category["id"], "is_excluded": False}
        )
    demo.insert(MerchantOfferItem, offer_items)
    for store in rng.sample(food, min(len(food), demo.count(4, 800))):
        start = demo.days_ago(rng.randrange(5, 120))
        budget = money(rng.choice((5000, 10000, 15000, 25000)))
        impressions = rng.randrange(10_000, 200_000)
        campaigns.append(
            {
                "store_id": store.id,
                "zone_id": store.zone.id if rng.chance(0.6) else None,
                "name": f"Search boost, {store.locality}",
                "status": rng.pick(
                    (CampaignStatus.ACTIVE, CampaignStatus.EXPIRED, CampaignStatus.PAUSED)
                ),
                "placement": rng.pick(("SEARCH", "HOME_CAROUSEL", "CUISINE_LISTING")),
                "budget": budget,
                "daily_budget_cap": money(budget / 10),
                "bid_per_click": Decimal("6.00"),
                "spend": money(budget * Decimal(str(round(rng.uniform(0.1, 0.95), 2)))),
                "impressions": impressions,
                "clicks": impressions // rng.randrange(40, 120),
                "valid_from": start,
                "valid_to": start + timedelta(days=30),
                "created_by_id": rng.pick(staff.ids),
                "created_at": start,
            }
        )
    demo.insert(MerchantAdCampaign, campaigns)


def _operations(demo, rng, stores, store_rows, parents, staff):
    """Onboarding history, go-live logs, stock toggles, menu changes, POS links."""
    applications, logs, stock, changes, clients, pos = [], [], [], [], [], []
    managers = [u["id"] for u in staff.by_role["MERCHANT_ONBOARDING"]] or staff.ids
    for parent in parents:
        created = parent["created_at"] - timedelta(days=20)
        live = parent["status"] == MerchantStatus.ACTIVE
        applications.append(
            {
                "parent_id": parent["id"],
                "owner_id": rng.pick(managers),
                "status": parent["status"]
                if parent["status"] != MerchantStatus.SUSPENDED
                else MerchantStatus.ACTIVE,
                "lead_source": rng.pick(
                    (
                        LeadSource.FIELD_SALES,
                        LeadSource.WEBSITE,
                        LeadSource.REFERRAL,
                        LeadSource.ONDC,
                    )
                ),
                "documents_submitted_at": created + timedelta(days=3) if parent["pan"] else None,
                "qc_completed_at": created + timedelta(days=8) if live else None,
                "menu_digitised_at": created + timedelta(days=12) if live else None,
                "contract_signed_at": created + timedelta(days=14) if live else None,
                "target_go_live_on": (created + timedelta(days=21)).date(),
                "went_live_on": (created + timedelta(days=20)).date() if live else None,
                "notes": "",
                "created_at": created,
            }
        )
    # The first store with a menu shows every kind of event at least once.
    first = next((s for s in stores if s.items), None)
    for store, row in zip(stores, store_rows, strict=True):
        if row["went_live_at"]:
            logs.append(
                {
                    "store_id": store.id,
                    "from_status": StoreStatus.UNDER_REVIEW,
                    "to_status": StoreStatus.LIVE,
                    "is_accepting_orders": True,
                    "reason_code": "GO_LIVE",
                    "actor_type": ActorType.SYSTEM_USER,
                    "changed_by_id": rng.pick(managers),
                    "note": "Went live after QC",
                    "created_at": row["went_live_at"],
                }
            )
        if store.status in (StoreStatus.PAUSED, StoreStatus.TEMPORARILY_CLOSED):
            logs.append(
                {
                    "store_id": store.id,
                    "from_status": StoreStatus.LIVE,
                    "to_status": store.status,
                    "is_accepting_orders": False,
                    "reason_code": "MERCHANT_TOGGLE",
                    "actor_type": ActorType.MERCHANT_USER,
                    "merchant_user_id": store.user_ids[0],
                    "note": "Kitchen closed for maintenance",
                    "created_at": demo.now - timedelta(hours=rng.randrange(2, 48)),
                }
            )
        if store.items and (rng.chance(0.2) or store is first):
            item = rng.pick(store.items)
            at = demo.now - timedelta(hours=rng.randrange(1, 72))
            stock.append(
                {
                    "menu_item_id": item.id,
                    "availability": ItemAvailability.OUT_OF_STOCK_TODAY,
                    "actor_type": ActorType.MERCHANT_USER,
                    "merchant_user_id": store.user_ids[-1],
                    "reason": "Sold out",
                    "created_at": at,
                    "restock_at": at + timedelta(hours=12),
                }
            )
            stock.append(
                {
                    "menu_item_id": item.id,
                    "availability": ItemAvailability.IN_STOCK,
                    "actor_type": ActorType.MERCHANT_USER,
                    "merchant_user_id": store.user_ids[-1],
                    "reason": "Restocked",
                    "created_at": at + timedelta(hours=12),
                }
            )
        if store.items and (rng.chance(0.1) or store is first):
            item = rng.pick(store.items)
            status = rng.pick(
                (ApprovalStatus.APPROVED, ApprovalStatus.PENDING, ApprovalStatus.REJECTED)
            )
            approvals = staff.approvals.get("MENU_PRICE_CHANGE") or [None]
            changes.append(
                {
                    "store_id": store.id,
                    "menu_item_id": item.id,
                    "merchant_user_id": store.user_ids[0],
                    "change_kind": "PRICE_CHANGE",
                    "status": status,
                    "diff": {"base_price": [str(item.price), str(item.price + 20)]},
                    "reason": "Ingredient costs went up",
                    "reviewed_by_id": rng.pick(managers)
                    if status != ApprovalStatus.PENDING
                    else None,
                    "reviewed_at": demo.now - timedelta(hours=5)
                    if status != ApprovalStatus.PENDING
                    else None,
                    "decision_note": ""
                    if status != ApprovalStatus.REJECTED
                    else "Above the agreed price band",
                    "approval_id": rng.pick(approvals)
                    if status == ApprovalStatus.APPROVED
                    else None,
                    "created_at": demo.now - timedelta(days=2),
                }
            )
    for parent in parents[: demo.count(2, 150)]:
        if parent["status"] != MerchantStatus.ACTIVE:
            continue
        clients.append(
            {
                "client_id": f"gmc_{rng.hexdigits(16)}",
                "name": f"{parent['brand_name']} POS",
                "client_type": ApiClientType.MERCHANT_POS,
                "status": IntegrationStatus.ACTIVE,
                "parent_id": parent["id"],
                "contact_email": parent["contact_email"],
                "created_by_id": staff.admin_id,
                "description": "Petpooja integration",
                "created_at": parent["created_at"],
            }
        )
    demo.insert(ApiClient, clients)
    for client in clients:
        for store in [s for s in stores if s.parent_id == client["parent_id"]][:3]:
            pos.append(
                {
                    "store_id": store.id,
                    "api_client_id": client["id"],
                    "provider": "PETPOOJA",
                    "external_store_id": f"PP{store.id:07d}",
                    "status": IntegrationStatus.ACTIVE,
                    "menu_sync_enabled": True,
                    "order_push_enabled": True,
                    "auto_accept_orders": rng.chance(0.5),
                    "webhook_url": "https://api.petpooja.example/gatimitra/orders",
                    "last_menu_sync_at": demo.now - timedelta(hours=3),
                }
            )
    demo.insert(MerchantOnboardingApplication, applications)
    demo.insert(MerchantStoreAvailabilityLog, logs)
    demo.insert(MerchantItemStockEvent, stock)
    demo.insert(MerchantMenuChangeRequest, changes)
    demo.insert(MerchantPosIntegration, pos)
