"""Indian identifier formats (CATALOG section 8, item 11), as regexes for
``CheckConstraint(condition=Q(col__regex=...))`` and as form validators."""

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

validate_mobile = RegexValidator(E164_INDIA, "Enter an Indian mobile number as +91XXXXXXXXXX.")
validate_pan = RegexValidator(PAN, "Enter a PAN like ABCDE1234F.")
validate_gstin = RegexValidator(GSTIN, "Enter a 15-character GSTIN.")
validate_fssai = RegexValidator(FSSAI, "Enter the 14-digit FSSAI number.")
validate_ifsc = RegexValidator(IFSC, "Enter an IFSC like HDFC0001234.")
validate_pin_code = RegexValidator(PIN_CODE, "Enter a 6-digit PIN code.")
