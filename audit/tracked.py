"""Which tables the audit trail captures: the one definition the triggers
are generated from (``manage.py audit_migrations``) and checked against
(system checks ``audit.W001``/``W002``).

Every model of a domain app is either tracked here or listed in UNTRACKED
with the reason, so a new table cannot escape auditing unnoticed (``audit.W003``).
Tracked: what holds money, status, identity, KYC, access rights or prices.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Track:
    model: str  # "app_label.ModelName"
    log_table: str  # the audit table its changes go to
    subject: str | None = None  # field naming the row's owner
    personal: tuple = ()  # fields masked and hashed in diffs

    @property
    def key(self):
        return (self.model, self.log_table, self.subject, tuple(self.personal))


ACCESS = "access_audit_logs"
CUSTOMER = "customer_audit_log"
MERCHANT = "merchant_audit_logs"
RIDER = "rider_audit_logs"
ORDER = "order_audit_logs"
SYSTEM = "system_audit_logs"


def _access(model, subject=None, personal=()):
    return Track(f"access_mgmt.{model}", ACCESS, subject, tuple(personal))


def _customer(model, subject="customer", personal=()):
    return Track(f"customers.{model}", CUSTOMER, subject, tuple(personal))


def _merchant(model, subject="store", personal=()):
    return Track(f"merchants.{model}", MERCHANT, subject, tuple(personal))


def _rider(model, subject="rider", personal=()):
    return Track(f"riders.{model}", RIDER, subject, tuple(personal))


def _order(model, subject="order", personal=()):
    return Track(f"orders.{model}", ORDER, subject, tuple(personal))


TRACKED = [
    # access_mgmt: identity, access rights, secrets' lifecycle, approvals, settings.
    _access("SystemUser", "id", ("email", "mobile", "password")),
    _access("SystemRole"),
    _access("SystemPermission"),
    _access("RolePermission"),
    _access("RoleHierarchy"),
    _access("UserRole", "user"),
    _access("UserAccessScope"),
    _access("UserPermissionOverride", "user"),
    _access("UserCredential", "user"),
    _access("MfaFactor", "user", ("secret_ref", "public_key")),
    _access("UserInvitation", "accepted_user", ("email", "mobile")),
    _access("TeamMember", "user"),
    _access("ApiClient", None, ("contact_email",)),
    _access("ApiKey"),
    _access("ApiClientPermission"),
    _access("IpAllowlist"),
    _access("JwtSigningKey", None, ("private_key_ref",)),
    _access("AccessPolicy"),
    _access("PiiAccessGrant", "user"),
    _access("ImpersonationSession", "user"),
    _access("AccountLockout", "principal_id"),
    _access("BlockedIdentifier", None, ("identifier_masked",)),
    _access("ApprovalWorkflow"),
    _access("ApprovalWorkflowStep"),
    _access("ApprovalRequest", "requested_by"),
    _access("FeatureFlag"),
    _access("FeatureFlagRule"),
    _access("SystemSetting"),
    # customers: profile and PII, consents, wallet and loyalty money, memberships.
    _customer("Customer", "id", ("mobile", "email", "full_name", "date_of_birth")),
    _customer(
        "CustomerAddress",
        personal=(
            "recipient_name",
            "recipient_mobile",
            "house_number",
            "building_name",
            # Erasure clears these too: their old values stay out of the diffs.
            "label_name",
            "floor",
            "street",
            "landmark",
            "delivery_instructions",
            "latitude",
            "longitude",
        ),
    ),
    _customer("CustomerSavedContact", personal=("name", "mobile")),
    _customer("CustomerEmergencyContact", personal=("name", "mobile")),
    _customer("CustomerConsent"),
    _customer("CustomerGuardianConsent"),
    _customer("CustomerDataRequest", personal=("nominee_name", "nominee_mobile")),
    _customer("CustomerPaymentMethod", personal=("gateway_token_ref",)),
    _customer(
        "CustomerBusinessProfile", "owner_customer", ("billing_email", "billing_address_line")
    ),
    _customer("CustomerBusinessMember"),
    _customer("CustomerWallet"),
    _customer("CustomerWalletTransaction", "wallet"),
    _customer("CustomerLoyalty"),
    _customer("CustomerLoyaltyTransaction", "loyalty"),
    _customer("CustomerLoyaltyTier", None),
    _customer("CustomerSubscriptionPlan", None),
    _customer("CustomerSubscription"),
    _customer("CustomerSubscriptionPayment", "subscription"),
    _customer("CustomerCoupon", None),
    _customer("CustomerReward"),
    _customer("CustomerReferral", "referrer", ("invitee_mobile",)),
    _customer("CustomerTicket"),
    _customer("CustomerRiskFlag"),
    _customer("CustomerBlockedRider"),
    _customer("CustomerSosAlert"),
    # merchants: identity, compliance, bank accounts, contracts, payouts, prices.
    _merchant(
        "MerchantParent",
        "id",
        ("contact_email", "contact_mobile", "address_line1", "address_line2"),
    ),
    _merchant("MerchantUser", "parent", ("full_name", "mobile", "email")),
    _merchant("MerchantUserStoreAccess"),
    _merchant("MerchantOnboardingApplication", "parent"),
    _merchant("MerchantStore", "id", ("contact_mobile", "contact_email")),
    _merchant("MerchantStoreClosure"),
    _merchant("MerchantDocument"),
    _merchant("MerchantVerificationCheck", None),
    _merchant("MerchantTaxRegistration", "parent"),
    _merchant("MerchantBankAccount", personal=("account_holder_name", "upi_vpa")),
    _merchant("MerchantCommissionPlan", None),
    _merchant("MerchantContract", personal=("signed_by_name",)),
    _merchant("MerchantStorePayout"),
    _merchant("MerchantPayoutAdjustment", "payout"),
    _merchant("MerchantPayoutDispute", "payout"),
    _merchant("MerchantInvoice", "parent"),
    _merchant("MerchantMenuItem"),
    _merchant("MerchantMenuItemVariant", "menu_item"),
    _merchant("MerchantMenuAddon", "addon_group"),
    _merchant("MerchantMenuChangeRequest"),
    _merchant("MerchantOffer"),
    _merchant("MerchantAdCampaign"),
    _merchant("MerchantPosIntegration"),
    # riders: onboarding and status, KYC, bank accounts, money.
    _rider("Rider", "id", ("mobile", "full_name", "date_of_birth", "eshram_uan")),
    _rider("RiderConsent"),
    _rider("RiderDocument"),
    _rider("RiderKycVerification"),
    _rider("RiderVehicle"),
    _rider("RiderInsurancePolicy", personal=("policy_number",)),
    _rider(
        "RiderBankAccount",
        personal=("account_holder_name", "upi_vpa", "provider_fund_account_id"),
    ),
    _rider("RiderPayout"),
    _rider("RiderCashDeposit"),
    _rider("RiderOrderEarning"),
    _rider("WalletLedger"),
    _rider("RiderOnboardingPayment"),
    _rider("RiderWelfareFeeAccrual"),
    _rider("WelfareFeeRate", None),
    _rider("RiderIncentiveScheme", None),
    _rider("RiderIncentiveProgress"),
    _rider("RiderPenalty"),
    _rider("RiderSosAlert"),
    # orders: the order and its status, money, dispatch, pricing rules, master data.
    _order("Order", "id"),
    _order("OrderRiderAssignment"),
    _order("OrderDiscount"),
    _order("OrderPayment"),
    _order("OrderRefund"),
    _order("OrderCancellation"),
    _order("OrderInvoice"),
    _order("OrderSettlement"),
    _order("OrderExternalDelivery"),
    _order("ServiceCity", None),
    _order("ServiceZone", None),
    _order("RideFarePolicy", None),
    _order("DeliveryFeeRule", None),
    _order("SurgePricingRule", None),
    _order("CancellationReason", None),
    _order("ExternalDeliveryProvider", None),
    _order("ExternalProviderRateCard", None),
    # The platform: each look at and run from the admin's database operations pages.
    Track("gatimitra.ConsoleEvent", SYSTEM),
    # Who verified the trail, and what it found, is audited like the console's events.
    Track("audit.VerificationRun", SYSTEM),
]

UNTRACKED = {
    # Audit tables do not audit themselves (the verification runs, tracked
    # above, are acts of the staff rather than entries of the trail).
    "audit.*": "the audit trail itself",
    # access_mgmt
    "access_mgmt.LoginAttempt": "append-only itself: every attempt is already a record",
    "access_mgmt.ApprovalAction": "append-only itself: every decision is already a record",
    "access_mgmt.AuthSession": "volume (10^6-10^7 live); sessions are logged by login_attempts",
    "access_mgmt.RefreshToken": "volume; rotation is recorded in the table itself",
    "access_mgmt.OtpRequest": "volume (2x10^7/yr), 90-day TTL; attempts are counted in the row",
    "access_mgmt.PasswordHistory": "append-only record of hashes; credentials are tracked",
    "access_mgmt.PasswordResetToken": "single-use tokens; the credential change is tracked",
    "access_mgmt.TrustedDevice": "device remembrance, no rights attached",
    "access_mgmt.PermissionGroup": "admin menu grouping only",
    "access_mgmt.Team": "organisation labels; memberships are tracked",
    "access_mgmt.RateLimitPolicy": "throttling configuration, no rights or money",
    # customers
    "customers.CustomerCart": "live carts, short-lived; the order is audited",
    "customers.CustomerCartItem": "live cart lines",
    "customers.CustomerFavourite": "preference, no money or rights",
    "customers.CustomerSearchHistory": "volume (2x10^8/yr), 90-day TTL",
    "customers.CustomerNotificationPreference": "channel opt-outs; consents are audited",
    "customers.CustomerNotification": "volume (5x10^7/mo); itself a send record",
    "customers.CustomerDevice": "app installs, no rights",
    "customers.CustomerPreference": "preferences, no money or rights",
    "customers.CustomerAcquisitionAttribution": "marketing attribution, write-once",
    "customers.CustomerLifetimeStats": "derived aggregates, rebuilt",
    "customers.CustomerMonthlyMetric": "derived aggregates, rebuilt",
    "customers.CustomerScore": "model outputs, versioned in the row",
    "customers.CustomerSegment": "marketing definitions",
    "customers.CustomerSegmentMember": "rebuilt nightly, 10^7-10^8 rows",
    "customers.CustomerCouponAssignment": "volume (10^7/yr); coupon definitions are audited",
    "customers.CustomerRatingTag": "feedback vocabulary",
    "customers.CustomerRating": "reviews; moderation state only",
    "customers.CustomerReviewMedia": "review photos",
    "customers.CustomerTripShare": "short-lived share links",
    "customers.CustomerMaskedCall": "volume; itself a call record",
    "customers.CustomerTicketMessage": "conversation, volume; ticket state is audited",
    "customers.CustomerTicketEvent": "append-only itself",
    "customers.CustomerNpsResponse": "survey answers",
    # merchants
    "merchants.MerchantMenu": "menu structure; prices are audited on items, variants, add-ons",
    "merchants.MerchantMenuCategory": "menu structure",
    "merchants.MerchantMenuAddonGroup": "menu structure",
    "merchants.MerchantMenuItemAddonGroup": "menu structure",
    "merchants.MerchantMenuItemTag": "menu labels",
    "merchants.MerchantItemStockEvent": "append-only itself",
    "merchants.MerchantStoreAvailabilityLog": "append-only itself",
    "merchants.MerchantOfferItem": "offer scope; offers are audited",
    "merchants.MerchantStoreHours": "opening hours",
    "merchants.MerchantDevice": "store devices, no rights",
    "merchants.MerchantStoreDailyMetric": "derived aggregates",
    "merchants.MerchantStoreLink": "store relationships, no money",
    "merchants.MerchantStoreServiceArea": "serviceability geometry",
    "merchants.MerchantStoreMedia": "photos",
    "merchants.MerchantCuisine": "vocabulary",
    "merchants.MerchantStoreCuisine": "store labels",
    # riders
    "riders.RiderStatusHistory": "append-only itself; riders' status is audited on riders",
    "riders.RiderDevice": "app installs",
    "riders.RiderTraining": "training records",
    "riders.RiderShift": "slot planning",
    "riders.RiderShiftBooking": "volume (10^6-10^7/yr); attendance",
    "riders.DutyLog": "volume (10^7/yr); duty sessions",
    "riders.LocationLog": "GPS pings, ~10^10/yr",
    "riders.RiderLiveStatus": "dispatch read model, rewritten constantly",
    # orders
    "orders.OrderDispatchOffer": "volume (1.5x10^7/mo); assignments are audited",
    "orders.OrderDeliveryProof": "write-once evidence",
    "orders.OrderFoodDetails": "detail row; the order's status is audited",
    "orders.OrderParcelDetails": "detail row, write-once",
    "orders.OrderRideDetails": "detail row, write-once",
    "orders.OrderItem": "price snapshot, write-once; totals are audited on orders",
    "orders.OrderItemAddon": "price snapshot, write-once",
    "orders.OrderStop": "address snapshots",
    "orders.OrderTimeline": "append-only itself",
    "orders.OrderQuote": "volume (5x10^6/mo), purged after 30 days",
    "orders.OrderCharge": "volume (2.2x10^7/mo) bill lines; totals are audited on orders",
    "orders.OrderPaymentEvent": "append-only itself",
    "orders.ExternalProviderCallback": "append-only itself",
    "orders.IndianState": "reference rows written only by migrations (GST state code list)",
    "orders.InvoiceSeriesCounter": "written only by the numbering triggers; every number it "
    "hands out is on an invoice row, which is audited",
}


def history_log_model(model):
    """The audit log model that records changes of ``model``, or None when
    ``model`` is not tracked."""
    from django.apps import apps

    from gatimitra.db.tables import split_table

    label = model._meta.label
    for track in TRACKED:
        if track.model == label:
            return next(
                m
                for m in apps.get_app_config("audit").get_models()
                if split_table(m._meta.db_table)[1] == track.log_table
            )
    return None


def history_url(model, pk):
    """The admin URL listing the audit entries of one tracked row, or None."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from gatimitra.db.tables import split_table

    log_model = history_log_model(model)
    if log_model is None:
        return None
    url = reverse(f"admin:audit_{log_model._meta.model_name}_changelist")
    query = urlencode({"table_name": split_table(model._meta.db_table)[1], "row_pk": pk})
    return f"{url}?{query}"


def logs_of_schema(schema):
    """The audit logs the tracked tables of a domain schema write to."""
    return sorted({track.log_table for track in TRACKED if track.model.split(".")[0] == schema})
