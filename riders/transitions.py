"""Status machines of the riders domain, one per status column (see
``gatimitra.db.machines``); migrations compile them into the database's
guards and ``gatimitra.E007``/``E008`` keep the two equal."""

from gatimitra import transitions as shared
from gatimitra.db.machines import Machine
from gatimitra.enums import VerificationStatus as V
from riders.choices import DutyStatus, OnboardingStage, RiderStatus, ShiftBookingStatus

St = OnboardingStage
#: Onboarding goes one stage at a time, in order (no skipping KYC, payment or
#: approval); an admin may send a rider back to any earlier stage (the
#: ``riders_onboarding_order`` trigger asks for a history row and an actor).
ONBOARDING = Machine.of(
    St,
    {
        St.MOBILE_VERIFIED: {St.KYC},
        St.KYC: {St.PAYMENT, St.MOBILE_VERIFIED},
        St.PAYMENT: {St.APPROVAL, St.KYC, St.MOBILE_VERIFIED},
        St.APPROVAL: {St.ACTIVE, St.PAYMENT, St.KYC, St.MOBILE_VERIFIED},
        St.ACTIVE: {St.APPROVAL, St.PAYMENT, St.KYC, St.MOBILE_VERIFIED},
    },
    set(),
)

R = RiderStatus
#: A rider onboards, works, may be paused, suspended or blocked, and leaves
#: for good (OFFBOARDED). A blocked rider is reinstated or offboarded; an
#: active one can be sent back to onboarding (fresh KYC).
RIDER = Machine.of(
    R,
    {
        R.ONBOARDING: {R.ACTIVE, R.BLOCKED, R.OFFBOARDED},
        R.ACTIVE: {R.ONBOARDING, R.INACTIVE, R.SUSPENDED, R.BLOCKED, R.OFFBOARDED},
        R.INACTIVE: {R.ACTIVE, R.ONBOARDING, R.SUSPENDED, R.BLOCKED, R.OFFBOARDED},
        R.SUSPENDED: {R.ACTIVE, R.ONBOARDING, R.INACTIVE, R.BLOCKED, R.OFFBOARDED},
        R.BLOCKED: {R.ACTIVE, R.OFFBOARDED},
    },
    {R.OFFBOARDED},
)

#: Cash a rider deposits: once verified (or rejected) it is money on the
#: books; a correction is a new deposit or ledger entry.
CASH_DEPOSIT = Machine.of(
    V,
    {
        V.PENDING: {V.IN_REVIEW, V.VERIFIED, V.REJECTED, V.RESUBMIT_REQUIRED},
        V.IN_REVIEW: {V.VERIFIED, V.REJECTED, V.RESUBMIT_REQUIRED},
        V.RESUBMIT_REQUIRED: {V.PENDING, V.IN_REVIEW, V.REJECTED, V.EXPIRED},
    },
    {V.VERIFIED, V.REJECTED, V.EXPIRED},
)

B = ShiftBookingStatus
SHIFT_BOOKING = Machine.of(
    B,
    {
        B.BOOKED: {B.CHECKED_IN, B.NO_SHOW, B.CANCELLED},
        B.CHECKED_IN: {B.COMPLETED},
    },
    {B.COMPLETED, B.NO_SHOW, B.CANCELLED},
)

Du = DutyStatus
#: Live duty: a rider is online before taking an order or a break.
DUTY = Machine.of(
    Du,
    {
        Du.OFFLINE: {Du.ONLINE},
        Du.ONLINE: {Du.OFFLINE, Du.ON_BREAK, Du.ON_ORDER},
        Du.ON_BREAK: {Du.ONLINE, Du.OFFLINE},
        Du.ON_ORDER: {Du.ONLINE, Du.OFFLINE, Du.ON_BREAK},
    },
    set(),
)

#: A penalty's dispute: none (NULL) until the rider opens one.
PENALTY_DISPUTE = Machine(
    {None: {"OPEN"}, **shared.DISPUTE.transitions},
    shared.DISPUTE.terminal,
)

MACHINES = {
    ("Rider", "onboarding_stage"): ONBOARDING,
    ("Rider", "status"): RIDER,
    ("RiderStatusHistory", "from_stage"): Machine.record(),
    ("RiderStatusHistory", "to_stage"): Machine.record(),
    ("RiderStatusHistory", "from_status"): Machine.record(),
    ("RiderStatusHistory", "to_status"): Machine.record(),
    ("RiderDocument", "verification_status"): shared.VERIFICATION,
    ("RiderKycVerification", "status"): shared.VERIFICATION,
    ("RiderBankAccount", "verification_status"): shared.VERIFICATION,
    ("RiderPayout", "status"): shared.PAYOUT,
    ("RiderCashDeposit", "status"): CASH_DEPOSIT,
    ("RiderOnboardingPayment", "status"): shared.PAYMENT,
    ("RiderPenalty", "dispute_status"): PENALTY_DISPUTE,
    ("RiderShiftBooking", "status"): SHIFT_BOOKING,
    ("DutyLog", "status"): Machine.record(),
    ("LocationLog", "order_status"): Machine.record(),
    # Append-only: a withdrawal is a new row.
    ("RiderConsent", "status"): Machine.record(),
    ("RiderLiveStatus", "duty_status"): DUTY,
    ("RiderSosAlert", "status"): shared.SOS,
}
