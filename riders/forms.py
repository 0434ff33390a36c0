"""Admin forms that take a sensitive number once and keep only its masked
form and keyed hash (the number itself is never stored or shown again)."""

from django import forms
from django.forms.models import construct_instance

from riders.models import RiderBankAccount, RiderDocument


class _WriteOnlyNumberForm(forms.ModelForm):
    """Adds a write-only ``number`` field; ``store_number(instance, number)``
    (number None when left empty) turns it into the masked/hashed columns
    before model validation."""

    number = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Typed once; only the masked form and a keyed hash are saved.",
    )

    def store_number(self, instance, number):
        raise NotImplementedError

    def _post_clean(self):
        if not self.errors:
            # The model method reads the other fields (document type, reference).
            construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
            self.store_number(self.instance, self.cleaned_data.get("number") or None)
        super()._post_clean()


class RiderDocumentForm(_WriteOnlyNumberForm):
    class Meta:
        model = RiderDocument
        # Never number_hash: it is derived from the number typed above.
        fields = (
            "rider",
            "vehicle",
            "reviewed_by",
            "document_type",
            "verification_status",
            "kyc_reference",
            "file_key",
            "issued_on",
            "expires_on",
            "reviewed_at",
            "rejection_reason",
        )

    def store_number(self, instance, number):
        instance.set_number(number)


class RiderBankAccountForm(_WriteOnlyNumberForm):
    class Meta:
        model = RiderBankAccount
        # Never account_number_hash: it is derived from the number typed above.
        fields = (
            "rider",
            "account_type",
            "verification_status",
            "account_holder_name",
            "bank_name",
            "ifsc",
            "upi_vpa",
            "penny_drop_reference",
            "name_match_score",
            "verified_at",
            "provider_contact_id",
            "provider_fund_account_id",
            "is_default",
            "is_active",
        )

    def store_number(self, instance, number):
        instance.set_account_number(number)
