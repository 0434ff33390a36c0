"""Erasure of a rider's personal data (DPDP Act 2023 s.12), run by staff
once the rider is offboarded, with the reason recorded.

Kept, as the law requires: the rider row (orders, assignments, earnings
and payouts point at it), earnings, payouts and their TDS (Income-tax Act
1961 s.194C/194-O: TDS records for the assessment years), the wallet ledger,
welfare-fee accruals, documents' masked numbers and keyed hashes (fraud
checks on a returning rider), consents (proof of lawful processing) and the
audit trail (personal columns only masked and hashed, audit/tracked.py)."""

from django.db import transaction
from django.utils import timezone

from audit.context import acting_as
from riders.choices import RiderStatus
from riders.models import Rider, RiderBankAccount, RiderDevice, RiderStatusHistory


class ErasureRefused(Exception):
    """Erasure cannot run; the message says why and that nothing changed."""


def erase_rider(rider, *, user, reason):
    """Anonymise offboarded ``rider`` as staff ``user`` for ``reason``:
    name, mobile, date of birth and e-Shram UAN cleared, bank account
    holder and VPA replaced, device push tokens dropped; the reason is
    recorded in the rider's status history. Refused (nothing changed)
    without staff or reason, or unless the rider is OFFBOARDED."""
    if user is None or not getattr(user, "is_active", False):
        raise ErasureRefused("Erasure is run by an active staff user: nothing was erased.")
    if not reason or not reason.strip():
        raise ErasureRefused("Say why the rider's data is erased: nothing was erased.")
    with transaction.atomic(), acting_as(user, request_id=f"erasure rider {rider.pk}"):
        locked = Rider.objects.select_for_update().get(pk=rider.pk)
        if locked.anonymised_at is not None:
            raise ErasureRefused(f"Rider {locked.pk} is already anonymised.")
        if locked.status != RiderStatus.OFFBOARDED:
            raise ErasureRefused(
                f"Rider {locked.pk} is {locked.status}: offboard them first (open orders, "
                "cash in hand and dues settle on the way). Nothing was erased."
            )
        for account in RiderBankAccount.objects.filter(rider=locked):
            account.account_holder_name = "ERASED"
            if account.upi_vpa:
                # The account type keeps a VPA; an address that reaches no one.
                account.upi_vpa = f"erased-{account.pk}@erased"
            account.save()
        RiderDevice.objects.filter(rider=locked).update(push_token=None)
        locked.full_name = ""
        locked.mobile = None
        locked.date_of_birth = None
        locked.eshram_uan = None
        locked.anonymised_at = timezone.now()
        locked.save()
        RiderStatusHistory.objects.create(
            rider=locked,
            actor=user,
            from_status=RiderStatus.OFFBOARDED,
            to_status=RiderStatus.OFFBOARDED,
            reason=f"Personal data erased (DPDP Act 2023 s.12): {reason.strip()}",
        )
    return locked
