import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.db.validators import make_gstin
from gatimitra.enums import GstRegistrationType, VerificationStatus
from merchants.choices import MerchantDocumentType
from merchants.factories.parents import MerchantParentFactory
from merchants.models import MerchantDocument, MerchantTaxRegistration, MerchantVerificationCheck

#: The GSTIN's 13th character: the holder's registration number in that state.
_ENTITY_NUMBERS = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class MerchantTaxRegistrationFactory(DjangoModelFactory):
    parent = factory.SubFactory(MerchantParentFactory)
    registration_type = GstRegistrationType.REGULAR
    status = VerificationStatus.VERIFIED
    state_code = "29"  # Karnataka
    gstin = factory.LazyAttributeSequence(
        lambda o, n: make_gstin(o.state_code, o.parent.pan, _ENTITY_NUMBERS[n % 35])
    )
    legal_name = factory.LazyAttribute(lambda o: o.parent.legal_name)
    valid_from = datetime.date(2024, 4, 1)

    class Meta:
        model = MerchantTaxRegistration


class MerchantDocumentFactory(DjangoModelFactory):
    """A parent's PAN document by default; ``fssai=True`` gives a store's FSSAI
    licence valid for a year, ``verified=True`` a reviewed, VERIFIED one."""

    parent = factory.SubFactory(MerchantParentFactory)
    store = None
    document_type = MerchantDocumentType.PAN
    status = VerificationStatus.PENDING
    number_masked = factory.LazyAttribute(lambda o: mask(o.number))
    number_hash = factory.LazyAttribute(lambda o: keyed_hash(o.number))
    file_url = factory.Sequence(lambda n: f"https://files.gatimitra.test/merchant-docs/{n}.pdf")

    class Meta:
        model = MerchantDocument

    class Params:
        # The document's number: the store's FSSAI number or the parent's PAN.
        number = factory.LazyAttribute(lambda o: o.store.fssai_number if o.store else o.parent.pan)
        fssai = factory.Trait(
            parent=None,
            store=factory.SubFactory("merchants.factories.stores.MerchantStoreFactory"),
            document_type=MerchantDocumentType.FSSAI_LICENCE,
            issued_on=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=30)
            ),
            expires_on=factory.LazyFunction(
                lambda: timezone.localdate() + datetime.timedelta(days=365)
            ),
        )
        verified = factory.Trait(
            status=VerificationStatus.VERIFIED,
            reviewed_by=factory.SubFactory("access_mgmt.factories.SystemUserFactory"),
            reviewed_at=factory.LazyFunction(timezone.now),
        )


class MerchantVerificationCheckFactory(DjangoModelFactory):
    document = factory.SubFactory(MerchantDocumentFactory)
    bank_account = None
    check_type = "PAN_NAME_MATCH"
    status = VerificationStatus.VERIFIED
    vendor = "Karza"
    vendor_reference = factory.Sequence(lambda n: f"KRZ-{n:010d}")
    name_match_score = 96
    raw_result = factory.LazyFunction(lambda: {"status": "VALID", "name_match": True})
    requested_at = factory.LazyFunction(timezone.now)
    completed_at = factory.LazyAttribute(lambda o: o.requested_at)

    class Meta:
        model = MerchantVerificationCheck
