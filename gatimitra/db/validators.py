"""Indian identifier formats (CATALOG section 8, item 11), as regexes for
``CheckConstraint(condition=Q(col__regex=...))`` and as form validators.

A GSTIN also carries a check character (its 15th), which the format alone
does not verify: ``gstin_check_character`` computes it here and
``public.gatimitra_gstin_check_character`` (gatimitra migration
0007_add_gstin_and_gst_rate_functions) computes the same in the database,
where every GSTIN column's ``<table>_<column>_valid`` CHECK uses it."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

E164_INDIA = r"^\+91[6-9][0-9]{9}$"
PAN = r"^[A-Z]{5}[0-9]{4}[A-Z]$"
# 2-digit state code + PAN + entity number + 'Z' + check character.
GSTIN = r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$"
FSSAI = r"^[0-9]{14}$"
IFSC = r"^[A-Z]{4}0[A-Z0-9]{6}$"
PIN_CODE = r"^[1-9][0-9]{5}$"
# PostgreSQL regexes allow repetition counts up to 255.
UPI_VPA = r"^[a-zA-Z0-9._-]{2,255}@[a-zA-Z][a-zA-Z0-9]{2,64}$"
VEHICLE_REGISTRATION = r"^[A-Z]{2}[0-9]{1,2}[A-Z]{0,3}[0-9]{4}$"

#: The GSTIN alphabet in the order of its values (0-9 are 0-9, A is 10 ... Z 35).
GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gstin_check_character(first14):
    """The check character of a GSTIN whose first 14 characters are
    ``first14``: the Luhn mod 36 algorithm GSTN publishes (weights 1, 2
    alternating from the left; each product counts as its quotient plus its
    remainder by 36)."""
    total = 0
    for position, character in enumerate(first14[:14]):
        product = GSTIN_ALPHABET.index(character) * (1 if position % 2 == 0 else 2)
        total += product // 36 + product % 36
    return GSTIN_ALPHABET[(36 - total % 36) % 36]


def make_gstin(state_code, pan, entity="1"):
    """A GSTIN with its real check character, for generators and fixtures."""
    first14 = f"{state_code}{pan}{entity}Z"
    return first14 + gstin_check_character(first14)


def validate_gstin(value):
    """Format (15 characters: state code, PAN, entity, Z) and check character."""
    RegexValidator(GSTIN, "Enter a 15-character GSTIN.")(value)
    if value[14] != gstin_check_character(value):
        raise ValidationError(
            "This GSTIN's check character is wrong (mistyped?).", code="gstin_valid"
        )


validate_mobile = RegexValidator(E164_INDIA, "Enter an Indian mobile number as +91XXXXXXXXXX.")
validate_pan = RegexValidator(PAN, "Enter a PAN like ABCDE1234F.")
validate_fssai = RegexValidator(FSSAI, "Enter the 14-digit FSSAI number.")
validate_ifsc = RegexValidator(IFSC, "Enter an IFSC like HDFC0001234.")
validate_pin_code = RegexValidator(PIN_CODE, "Enter a 6-digit PIN code.")
