"""Admin forms that take a sensitive number once and keep only its keyed
hash and masked form (the number itself is never stored or shown again)."""

from django import forms

from gatimitra.admin import https_formfield
from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.enums import PayoutAccountType
from merchants.models import MerchantBankAccount, MerchantDocument


class SecretNumberForm(forms.ModelForm):
    """Adds a write-only ``number`` field; subclasses name the hash and mask
    fields it fills."""

    hash_field: str | None = None
    mask_field: str | None = None

    number = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text="Typed once: only a keyed hash and the last 4 characters are kept. "
        "Leave empty to keep the current number.",
    )

    def save(self, commit=True):
        number = self.cleaned_data.get("number")
        if number:
            setattr(self.instance, self.hash_field, keyed_hash(number))
            setattr(self.instance, self.mask_field, mask(number))
        return super().save(commit)


class MerchantDocumentForm(SecretNumberForm):
    hash_field, mask_field = "number_hash", "number_masked"

    class Meta:
        model = MerchantDocument
        # The form's fields are built when the class is, outside the admin's
        # formfield_overrides: file_url needs its https default here too.
        formfield_callback = https_formfield
        fields = (
            "parent",
            "store",
            "document_type",
            "status",
            "issued_on",
            "expires_on",
            "file_url",
            "reviewed_by",
            "reviewed_at",
            "rejection_reason",
        )


class MerchantBankAccountForm(SecretNumberForm):
    hash_field, mask_field = "account_number_hash", "account_number_masked"

    class Meta:
        model = MerchantBankAccount
        fields = (
            "parent",
            "store",
            "account_type",
            "account_holder_name",
            "ifsc",
            "bank_name",
            "upi_vpa",
            "verification_status",
            "penny_drop_reference",
            "penny_drop_name_matched",
            "verified_at",
            "fund_account_id",
            "is_default",
            "is_active",
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("account_type") == PayoutAccountType.BANK_ACCOUNT
            and not cleaned.get("number")
            and not self.instance.account_number_hash
        ):
            self.add_error("number", "A bank account needs its account number.")
        return cleaned

    def _post_clean(self):
        # The account's shape CHECK reads the hash: set it before validation.
        number = self.cleaned_data.get("number")
        if self.cleaned_data.get("account_type") == PayoutAccountType.UPI_VPA:
            self.instance.account_number_hash = None
            self.instance.account_number_masked = ""
        elif number:
            self.instance.account_number_hash = keyed_hash(number)
            self.instance.account_number_masked = mask(number)
        super()._post_clean()
