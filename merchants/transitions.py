"""Status machines of the merchants domain, one per status column (see
``gatimitra.db.machines``)."""

from gatimitra import transitions as shared
from gatimitra.db.machines import Machine
from merchants.choices import MerchantStatus, StoreStatus

M = MerchantStatus
#: A merchant is a lead, onboards, trades, may be suspended; TERMINATED is
#: final (a returning merchant is a new parent). An onboarding application
#: uses the same words.
MERCHANT = Machine.of(
    M,
    {
        M.LEAD: {M.ONBOARDING, M.TERMINATED},
        M.ONBOARDING: {M.LEAD, M.ACTIVE, M.TERMINATED},
        M.ACTIVE: {M.SUSPENDED, M.TERMINATED},
        M.SUSPENDED: {M.ACTIVE, M.TERMINATED},
    },
    {M.TERMINATED},
)

S = StoreStatus
#: A store is drafted, reviewed, goes live, pauses or closes for a while;
#: DELISTED is final (a relaunch is a new store).
STORE = Machine.of(
    S,
    {
        S.DRAFT: {S.UNDER_REVIEW, S.DELISTED},
        S.UNDER_REVIEW: {S.DRAFT, S.LIVE, S.DELISTED},
        S.LIVE: {S.PAUSED, S.TEMPORARILY_CLOSED, S.DELISTED},
        S.PAUSED: {S.LIVE, S.TEMPORARILY_CLOSED, S.DELISTED},
        S.TEMPORARILY_CLOSED: {S.LIVE, S.PAUSED, S.DELISTED},
    },
    {S.DELISTED},
)

#: ``merchant_contracts.status`` (CONTRACT_STATUSES).
CONTRACT = Machine(
    {
        "DRAFT": {"SENT_FOR_SIGNATURE", "TERMINATED"},
        "SENT_FOR_SIGNATURE": {"DRAFT", "ACTIVE", "TERMINATED"},
        "ACTIVE": {"EXPIRED", "TERMINATED"},
    },
    frozenset({"EXPIRED", "TERMINATED"}),
)

MACHINES = {
    ("MerchantParent", "status"): MERCHANT,
    ("MerchantOnboardingApplication", "status"): MERCHANT,
    ("MerchantStore", "status"): STORE,
    ("MerchantStoreAvailabilityLog", "from_status"): Machine.record(),
    ("MerchantStoreAvailabilityLog", "to_status"): Machine.record(),
    ("MerchantTaxRegistration", "status"): shared.VERIFICATION,
    ("MerchantDocument", "status"): shared.VERIFICATION,
    ("MerchantVerificationCheck", "status"): shared.VERIFICATION,
    ("MerchantBankAccount", "verification_status"): shared.VERIFICATION,
    ("MerchantStoreMedia", "moderation_status"): shared.MODERATION,
    ("MerchantMenuChangeRequest", "status"): shared.APPROVAL,
    ("MerchantOffer", "status"): shared.CAMPAIGN,
    ("MerchantAdCampaign", "status"): shared.CAMPAIGN,
    ("MerchantPosIntegration", "status"): shared.INTEGRATION,
    ("MerchantContract", "status"): CONTRACT,
    ("MerchantStorePayout", "status"): shared.PAYOUT,
    ("MerchantPayoutDispute", "status"): shared.DISPUTE,
}
