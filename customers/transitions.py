"""Status machines of the customers domain, one per status column (see
``gatimitra.db.machines``)."""

from customers.choices import (
    CustomerStatus,
    NotificationStatus,
    ReferralStatus,
    SubscriptionStatus,
    TicketStatus,
)
from gatimitra import transitions as shared
from gatimitra.db.machines import Machine

C = CustomerStatus
#: A customer may be suspended or blocked and reinstated; deletion is
#: requested (and may be withdrawn). ANONYMISED is final; it follows a
#: request or, for any account, the end of its retention period.
CUSTOMER = Machine.of(
    C,
    {
        C.ACTIVE: {C.SUSPENDED, C.BLOCKED, C.DELETION_REQUESTED, C.ANONYMISED},
        C.SUSPENDED: {C.ACTIVE, C.BLOCKED, C.DELETION_REQUESTED, C.ANONYMISED},
        C.BLOCKED: {C.ACTIVE, C.SUSPENDED, C.DELETION_REQUESTED, C.ANONYMISED},
        C.DELETION_REQUESTED: {C.ACTIVE, C.ANONYMISED},
    },
    {C.ANONYMISED},
)

T = TicketStatus
#: A ticket is worked, may wait on the customer or be escalated, is
#: resolved (and may be reopened), and CLOSED is final (a new complaint is a
#: new ticket). Data-subject requests use the same words.
TICKET = Machine.of(
    T,
    {
        T.OPEN: {T.IN_PROGRESS, T.AWAITING_CUSTOMER, T.ESCALATED, T.RESOLVED, T.CLOSED},
        T.IN_PROGRESS: {T.AWAITING_CUSTOMER, T.ESCALATED, T.RESOLVED, T.CLOSED},
        T.AWAITING_CUSTOMER: {T.IN_PROGRESS, T.ESCALATED, T.RESOLVED, T.CLOSED},
        T.ESCALATED: {T.IN_PROGRESS, T.AWAITING_CUSTOMER, T.RESOLVED, T.CLOSED},
        T.RESOLVED: {T.REOPENED, T.CLOSED},
        T.REOPENED: {T.IN_PROGRESS, T.AWAITING_CUSTOMER, T.ESCALATED, T.RESOLVED, T.CLOSED},
    },
    {T.CLOSED},
)

N = NotificationStatus
NOTIFICATION = Machine.of(
    N,
    {
        N.QUEUED: {N.SENT, N.FAILED, N.SUPPRESSED},
        N.SENT: {N.DELIVERED, N.READ, N.FAILED},
        N.DELIVERED: {N.READ},
    },
    {N.READ, N.FAILED, N.SUPPRESSED},
)


Su = SubscriptionStatus
SUBSCRIPTION = Machine.of(
    Su,
    {
        Su.TRIAL: {Su.ACTIVE, Su.CANCELLED, Su.EXPIRED},
        Su.ACTIVE: {Su.PAST_DUE, Su.CANCELLED, Su.EXPIRED},
        Su.PAST_DUE: {Su.ACTIVE, Su.CANCELLED, Su.EXPIRED},
    },
    {Su.CANCELLED, Su.EXPIRED},
)

Rf = ReferralStatus
REFERRAL = Machine.of(
    Rf,
    {
        Rf.INVITED: {Rf.SIGNED_UP, Rf.EXPIRED, Rf.REJECTED_FRAUD},
        Rf.SIGNED_UP: {Rf.QUALIFIED, Rf.EXPIRED, Rf.REJECTED_FRAUD},
        Rf.QUALIFIED: {Rf.REWARDED, Rf.REJECTED_FRAUD},
    },
    {Rf.REWARDED, Rf.EXPIRED, Rf.REJECTED_FRAUD},
)

# Columns whose choices are lists in ``customers.choices``.

CART = Machine(
    {"ACTIVE": {"CHECKED_OUT", "ABANDONED", "EXPIRED"}, "ABANDONED": {"ACTIVE", "EXPIRED"}},
    frozenset({"CHECKED_OUT", "EXPIRED"}),
)
PAYMENT_METHOD = Machine({"ACTIVE": {"EXPIRED", "REVOKED"}}, frozenset({"EXPIRED", "REVOKED"}))
BUSINESS_PROFILE = Machine(
    {
        "PENDING_VERIFICATION": {"ACTIVE", "CLOSED"},
        "ACTIVE": {"SUSPENDED", "CLOSED"},
        "SUSPENDED": {"ACTIVE", "CLOSED"},
    },
    frozenset({"CLOSED"}),
)
WALLET = Machine(
    {"ACTIVE": {"FROZEN", "CLOSED"}, "FROZEN": {"ACTIVE", "CLOSED"}}, frozenset({"CLOSED"})
)
#: A reward is unlocked, scratched, redeemed; unredeemed ones expire.
REWARD = Machine(
    {
        "LOCKED": {"UNLOCKED", "EXPIRED"},
        "UNLOCKED": {"SCRATCHED", "REDEEMED", "EXPIRED"},
        "SCRATCHED": {"REDEEMED", "EXPIRED"},
    },
    frozenset({"REDEEMED", "EXPIRED"}),
)
#: A rating is published or rejected; a published one can be hidden and
#: shown again.
RATING_MODERATION = Machine(
    {
        "PENDING": {"APPROVED", "REJECTED", "HIDDEN"},
        "APPROVED": {"HIDDEN"},
        "HIDDEN": {"APPROVED"},
    },
    frozenset({"REJECTED"}),
)
MASKED_CALL = Machine(
    {
        "INITIATED": {"RINGING", "ANSWERED", "NO_ANSWER", "BUSY", "FAILED"},
        "RINGING": {"ANSWERED", "NO_ANSWER", "BUSY", "FAILED"},
        "ANSWERED": {"COMPLETED", "FAILED"},
    },
    frozenset({"COMPLETED", "NO_ANSWER", "BUSY", "FAILED"}),
)

MACHINES = {
    ("Customer", "status"): CUSTOMER,
    ("CustomerCart", "status"): CART,
    # Append-only: a withdrawal or expiry is a new row.
    ("CustomerConsent", "status"): Machine.record(),
    ("CustomerGuardianConsent", "status"): Machine.record(),
    ("CustomerDataRequest", "status"): TICKET,
    ("CustomerNotification", "status"): NOTIFICATION,
    ("CustomerPaymentMethod", "status"): PAYMENT_METHOD,
    ("CustomerBusinessProfile", "status"): BUSINESS_PROFILE,
    ("CustomerCoupon", "status"): shared.CAMPAIGN,
    ("CustomerReferral", "status"): REFERRAL,
    ("CustomerReward", "state"): REWARD,
    ("CustomerRating", "moderation_status"): RATING_MODERATION,
    ("CustomerReviewMedia", "moderation_status"): shared.MODERATION,
    ("CustomerSosAlert", "status"): shared.SOS,
    ("CustomerMaskedCall", "call_status"): MASKED_CALL,
    ("CustomerSubscription", "status"): SUBSCRIPTION,
    ("CustomerSubscriptionPayment", "status"): shared.PAYMENT,
    ("CustomerTicket", "status"): TICKET,
    ("CustomerTicketEvent", "from_status"): Machine.record(),
    ("CustomerTicketEvent", "to_status"): Machine.record(),
    ("CustomerWallet", "status"): WALLET,
}
