"""Status machines of the shared enums (``gatimitra.enums``), used by several
domains' columns. Each app's ``transitions.py`` binds its columns to these or
to its own (``gatimitra.db.machines`` says what a machine is and how the
database enforces it)."""

from gatimitra.db.machines import Machine
from gatimitra.enums import (
    ApprovalStatus,
    CampaignStatus,
    DisputeStatus,
    IntegrationStatus,
    PaymentStatus,
    PayoutStatus,
    SosStatus,
    VerificationStatus,
)

P = PaymentStatus
#: A payment is created, maybe authorised, captured once; refunds (partial,
#: then full) follow the capture. Failed and cancelled payments are retried
#: as new payments, so they are final, as is a full refund.
PAYMENT = Machine.of(
    P,
    {
        P.CREATED: {P.PENDING, P.AUTHORIZED, P.CAPTURED, P.FAILED, P.CANCELLED},
        P.PENDING: {P.AUTHORIZED, P.CAPTURED, P.FAILED, P.CANCELLED},
        P.AUTHORIZED: {P.CAPTURED, P.FAILED, P.CANCELLED},
        P.CAPTURED: {P.PARTIALLY_REFUNDED, P.REFUNDED},
        P.PARTIALLY_REFUNDED: {P.REFUNDED},
    },
    {P.FAILED, P.CANCELLED, P.REFUNDED},
)

PO = PayoutStatus
#: A payout is scheduled (or held), sent, and either processed or failed; a
#: failed one is rescheduled or cancelled. PROCESSED is final: money that
#: reached the bank is corrected by a new payout or ledger entry, never by
#: editing this one. REVERSED is a transfer the bank bounced while processing.
PAYOUT = Machine.of(
    PO,
    {
        PO.SCHEDULED: {PO.ON_HOLD, PO.PROCESSING, PO.CANCELLED},
        PO.ON_HOLD: {PO.SCHEDULED, PO.PROCESSING, PO.CANCELLED},
        PO.PROCESSING: {PO.PROCESSED, PO.FAILED, PO.REVERSED},
        PO.FAILED: {PO.SCHEDULED, PO.CANCELLED},
    },
    {PO.PROCESSED, PO.REVERSED, PO.CANCELLED},
)

V = VerificationStatus
#: A document, KYC check or bank account: reviewed, verified or sent back
#: for resubmission; a verified one can later expire or be sent back for a
#: fresh copy. Rejected and expired
#: ones are final (a new upload is a new row).
VERIFICATION = Machine.of(
    V,
    {
        V.PENDING: {V.IN_REVIEW, V.VERIFIED, V.REJECTED, V.RESUBMIT_REQUIRED, V.EXPIRED},
        V.IN_REVIEW: {V.VERIFIED, V.REJECTED, V.RESUBMIT_REQUIRED},
        V.RESUBMIT_REQUIRED: {V.PENDING, V.IN_REVIEW, V.REJECTED, V.EXPIRED},
        V.VERIFIED: {V.EXPIRED, V.REJECTED, V.RESUBMIT_REQUIRED},
    },
    {V.REJECTED, V.EXPIRED},
)

#: Moderation of user content (reviews' media, store media): the same words,
#: but a verified (published) item may be taken down again for review.
MODERATION = Machine.of(
    V,
    {
        V.PENDING: {V.IN_REVIEW, V.VERIFIED, V.REJECTED, V.RESUBMIT_REQUIRED, V.EXPIRED},
        V.IN_REVIEW: {V.VERIFIED, V.REJECTED, V.RESUBMIT_REQUIRED},
        V.RESUBMIT_REQUIRED: {V.PENDING, V.IN_REVIEW, V.REJECTED, V.EXPIRED},
        V.VERIFIED: {V.IN_REVIEW, V.REJECTED, V.EXPIRED},
    },
    {V.REJECTED, V.EXPIRED},
)

C = CampaignStatus
#: Offers, ads and coupons: drafted, scheduled, live, paused; they end
#: exhausted, expired or cancelled, and an ended campaign is a new row.
CAMPAIGN = Machine.of(
    C,
    {
        C.DRAFT: {C.SCHEDULED, C.ACTIVE, C.CANCELLED},
        C.SCHEDULED: {C.DRAFT, C.ACTIVE, C.PAUSED, C.CANCELLED, C.EXPIRED},
        C.ACTIVE: {C.PAUSED, C.EXHAUSTED, C.EXPIRED, C.CANCELLED},
        C.PAUSED: {C.ACTIVE, C.EXHAUSTED, C.EXPIRED, C.CANCELLED},
    },
    {C.EXHAUSTED, C.EXPIRED, C.CANCELLED},
)

D = DisputeStatus
#: A dispute is reviewed, decided, then closed.
DISPUTE = Machine.of(
    D,
    {
        D.OPEN: {D.UNDER_REVIEW, D.ACCEPTED, D.PARTIALLY_ACCEPTED, D.REJECTED, D.CLOSED},
        D.UNDER_REVIEW: {D.ACCEPTED, D.PARTIALLY_ACCEPTED, D.REJECTED, D.CLOSED},
        D.ACCEPTED: {D.CLOSED},
        D.PARTIALLY_ACCEPTED: {D.CLOSED},
        D.REJECTED: {D.CLOSED},
    },
    {D.CLOSED},
)

A = ApprovalStatus
#: A request is decided once.
APPROVAL = Machine.of(
    A,
    {A.PENDING: {A.APPROVED, A.REJECTED, A.CANCELLED, A.EXPIRED}},
    {A.APPROVED, A.REJECTED, A.CANCELLED, A.EXPIRED},
)

I = IntegrationStatus  # noqa: E741
#: An integration is tried in the sandbox, goes live, may be paused; a
#: disabled one is re-certified in the sandbox before it goes live again.
INTEGRATION = Machine.of(
    I,
    {
        I.SANDBOX: {I.ACTIVE, I.DISABLED},
        I.ACTIVE: {I.PAUSED, I.DISABLED},
        I.PAUSED: {I.ACTIVE, I.DISABLED},
        I.DISABLED: {I.SANDBOX},
    },
    set(),
)

S = SosStatus
#: An SOS is acknowledged, maybe escalated, and ends resolved or a false alarm.
SOS = Machine.of(
    S,
    {
        S.RAISED: {S.ACKNOWLEDGED, S.ESCALATED, S.RESOLVED, S.FALSE_ALARM},
        S.ACKNOWLEDGED: {S.ESCALATED, S.RESOLVED, S.FALSE_ALARM},
        S.ESCALATED: {S.ACKNOWLEDGED, S.RESOLVED, S.FALSE_ALARM},
    },
    {S.RESOLVED, S.FALSE_ALARM},
)
