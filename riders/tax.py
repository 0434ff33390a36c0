"""Tax deducted at source on rider payouts, and the welfare fee on them.

TDS (Income-tax Act 1961; the rates below are the ones in force for payments
after 1 October 2024):
- Delivery partners (FOOD, PARCEL) carry goods for GatiMitra under a contract
  for work: s.194C, 1% for an individual or HUF (s.194C(1)(i)); thresholds
  Rs 30,000 for one payment, Rs 1,00,000 in a financial year (s.194C(5)).
- Drivers (RIDE) supply the passenger transport themselves through
  GatiMitra's platform, which collects the fare: they are e-commerce
  participants and GatiMitra the e-commerce operator, s.194-O, 0.1% of the
  gross amount (Finance (No. 2) Act 2024, from 1 October 2024); not for an
  individual under Rs 5,00,000 in a year who gave PAN or Aadhaar (s.194-O(2)).
- Without PAN: 20% under s.206AA(1), 5% for s.194-O under s.206AA(1A).
The thresholds depend on the year's payments and are applied by the payout
run; the database checks that a payout's section, rate and amount agree.
(The Income-tax Act 2025 replaces the 1961 Act from 1 April 2026; the
sections are recorded as the 1961 Act numbers them, see docs/indian_rules.md.)

Welfare fee: the Code on Social Security 2020 s.114(4) has aggregators pay
1-2% of annual turnover, at most 5% of what they pay gig and platform
workers, into the social security fund; the Karnataka Platform-based Gig
Workers (Social Security and Welfare) Act 2025 levies a welfare fee on each
payout to a gig worker at a rate the State notifies. ``welfare_fee_rates``
holds each state's (or city's) notified rate with its validity;
``rider_welfare_fee_accruals`` one accrual per order earning.
"""

from decimal import Decimal

from riders.choices import TdsSection

#: The rates each section allows: (with PAN, without PAN).
TDS_RATES = {
    TdsSection.S194C: (Decimal("1.00"), Decimal("20.00")),
    TdsSection.S194O: (Decimal("0.10"), Decimal("5.00")),
}

#: A welfare-fee rate never exceeds 5% of the payout (CoSS 2020 s.114(4)).
WELFARE_FEE_MAX_PERCENT = Decimal("5.00")

#: The e-Shram card's Universal Account Number: 12 digits.
ESHRAM_UAN = r"^[0-9]{12}$"


def tds_amount(base, rate):
    """The tax on ``base`` at ``rate`` percent, to the paisa."""
    return (Decimal(base) * Decimal(rate) / 100).quantize(Decimal("0.01"))


def welfare_fee(base, rate):
    return (Decimal(base) * Decimal(rate) / 100).quantize(Decimal("0.01"))
