import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.choices import ConsentStatus
from riders import tax
from riders.choices import RiderConsentPurpose
from riders.factories.earnings import RiderOrderEarningFactory
from riders.factories.riders import RiderFactory
from riders.models import RiderConsent, RiderWelfareFeeAccrual, WelfareFeeRate

#: The law a factory-made welfare rate names (a rate must name one).
WELFARE_LAW = "Karnataka Platform-based Gig Workers (Social Security and Welfare) Act 2025"


class RiderConsentFactory(DjangoModelFactory):
    """A rider's GRANTED consent to location tracking under notice v1."""

    rider = factory.SubFactory(RiderFactory)
    purpose = RiderConsentPurpose.LOCATION_TRACKING
    status = ConsentStatus.GRANTED
    notice_version = "v1"
    granted_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = RiderConsent


class WelfareFeeRateFactory(DjangoModelFactory):
    """A state's welfare fee of 1%, in force for the past year and open-ended.
    Rates of one state may not overlap: each call takes the next state code."""

    state_code = factory.Sequence(lambda n: f"{1 + n % 38:02d}")
    rate_percent = tax.WELFARE_FEE_MAX_PERCENT / 5
    law = WELFARE_LAW
    valid_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=365))

    class Meta:
        model = WelfareFeeRate


def _rate_in_force(earning):
    """The state rate in force for the earning's order: an existing one, or a
    new one for that state (a second would overlap it)."""
    state_code = earning.order.city.state_code
    existing = WelfareFeeRate.objects.filter(
        state_code=state_code, city__isnull=True, valid_to__isnull=True
    ).first()
    return existing or WelfareFeeRateFactory(state_code=state_code)


class RiderWelfareFeeAccrualFactory(DjangoModelFactory):
    """The welfare fee accrued on a new order earning at its state's rate."""

    earning = factory.SubFactory(RiderOrderEarningFactory)
    rider = factory.LazyAttribute(lambda o: o.earning.rider)
    rate = factory.LazyAttribute(lambda o: _rate_in_force(o.earning))
    base_amount = factory.LazyAttribute(lambda o: o.earning.total)
    rate_percent = factory.LazyAttribute(lambda o: o.rate.rate_percent)
    fee_amount = factory.LazyAttribute(lambda o: tax.welfare_fee(o.base_amount, o.rate_percent))
    accrued_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = RiderWelfareFeeAccrual
