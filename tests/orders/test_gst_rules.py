"""Issue #26 part A, each rule tried with the write it must refuse: GSTIN
check characters, Indian states as GST state codes, GST slabs by date of
supply, invoice numbers per issuer, series and financial year, IRN for B2B
invoices under e-invoicing, and cancellation by a credit note
(docs/indian_rules.md)."""

import contextlib
import datetime
import hashlib
import importlib
import itertools
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from customers.factories import CustomerAddressFactory, CustomerBusinessProfileFactory
from gatimitra.db.validators import (
    GSTIN_ALPHABET,
    gstin_check_character,
    make_gstin,
    validate_gstin,
)
from gatimitra.enums import (
    GST_SLAB_PERIODS,
    InvoiceType,
    VehicleType,
    current_gst_rates,
    gst_rate_function_sql,
    gst_rates_in_force,
)
from merchants.factories import (
    MerchantInvoiceFactory,
    MerchantMenuItemFactory,
    MerchantParentFactory,
    MerchantStoreFactory,
    MerchantTaxRegistrationFactory,
)
from merchants.models import MerchantInvoice
from orders.factories import (
    OrderFactory,
    OrderInvoiceFactory,
    OrderItemFactory,
    RideFarePolicyFactory,
    ServiceCityFactory,
)
from orders.models import IndianState, InvoiceSeriesCounter, OrderInvoice, ServiceCity

pytestmark = pytest.mark.django_db

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
BAD_GSTIN = "29AABCS7412M1Z9"  # the example: its check character is 0


@contextlib.contextmanager
def refused(constraint):
    """The block's write is refused by the database with SQLSTATE 23514 (or
    23503/23505 for keys) naming ``constraint``; in a savepoint, so the test
    goes on."""
    with pytest.raises(DatabaseError) as info, transaction.atomic():
        yield info
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    diag = info.value.__cause__.diag
    assert diag.sqlstate in ("23514", "23503", "23505"), (diag.sqlstate, str(info.value))
    assert diag.constraint_name == constraint, (diag.constraint_name, str(info.value))


def irn(key):
    return hashlib.sha256(key.encode()).hexdigest()


# GSTIN check character -------------------------------------------------------------------


def test_check_character_of_published_gstins():
    # GSTINs printed on public invoices (their check characters are GSTN's).
    for gstin in ("27AAPFU0939F1ZV", "24AAACC1206D1ZM", "29AAGCR4375J1ZU"):
        assert gstin_check_character(gstin) == gstin[14]
        validate_gstin(gstin)
    with pytest.raises(ValidationError):
        validate_gstin(BAD_GSTIN)
    with pytest.raises(ValidationError):
        validate_gstin("29AABCS7412M1Z")


def test_database_function_agrees_with_python():
    rng = random.Random(26)
    samples = []
    for _ in range(300):
        first14 = (
            f"{rng.randrange(1, 39):02d}"
            + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(5))
            + f"{rng.randrange(10000):04d}"
            + rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            + rng.choice("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            + "Z"
        )
        samples.append(first14 + rng.choice(GSTIN_ALPHABET))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g, public.gatimitra_gstin_check_character(g), public.gatimitra_gstin_valid(g)"
            " FROM unnest(%s::text[]) AS g",
            [samples],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(samples)
    for gstin, check, valid in rows:
        assert check == gstin_check_character(gstin)
        assert valid == (gstin[14] == check)
    assert any(valid for *_, valid in rows) and not all(valid for *_, valid in rows)


def test_every_gstin_column_refuses_a_wrong_check_character():
    registration = MerchantTaxRegistrationFactory()
    with refused("merchant_tax_registrations_gstin_valid"):
        MerchantTaxRegistrationFactory(parent__pan="AABCS7412M", gstin=BAD_GSTIN)
    profile = CustomerBusinessProfileFactory()
    with refused("customer_business_profiles_gstin_valid"):
        type(profile).objects.filter(pk=profile.pk).update(gstin=profile.gstin[:14] + "9")
    with refused("order_invoices_supplier_gstin_valid"):
        OrderInvoiceFactory(supplier_gstin=BAD_GSTIN)
    with refused("order_invoices_recipient_gstin_valid"):
        # Not under e-invoicing, so the IRN rule does not answer first.
        OrderInvoiceFactory(issuer="EXTERNAL_PROVIDER", recipient_gstin=BAD_GSTIN)
    # The valid ones went in.
    assert registration.gstin[14] == gstin_check_character(registration.gstin)


# States and union territories --------------------------------------------------------------


def test_the_gst_state_code_list():
    states = dict(IndianState.objects.values_list("code", "name"))
    assert len(states) == 36
    assert states["29"] == "Karnataka"
    assert states["27"] == "Maharashtra"
    assert states["07"] == "Delhi"
    assert states["37"] == "Andhra Pradesh"
    assert IndianState.objects.filter(is_union_territory=True).count() == 8
    assert "25" not in states and "28" not in states and "97" not in states


@pytest.mark.parametrize(
    "written, code",
    [
        ("Karnataka", "29"),
        ("KARNATAKA", "29"),
        (" tamil-nadu ", "33"),
        ("TamilNadu", "33"),
        ("Orissa", "21"),
        ("Pondicherry", "34"),
        ("NCT of Delhi", "07"),
        ("Jammu & Kashmir", "01"),
        ("Daman and Diu", "26"),
        ("Narnia", None),
    ],
)
def test_state_names_resolve_by_name_or_spelling(written, code):
    with connection.cursor() as cursor:
        cursor.execute("SELECT orders.indian_state_code(%s)", [written])
        assert cursor.fetchone()[0] == code


def test_stores_parents_and_addresses_get_their_state_from_the_name():
    store = MerchantStoreFactory(state="maharashtra")
    store.refresh_from_db()
    assert store.gst_state_id == "27"
    parent = MerchantParentFactory(state="Telangana")
    parent.refresh_from_db()
    assert parent.gst_state_id == "36"
    address = CustomerAddressFactory()
    address.refresh_from_db()
    assert address.gst_state.name.lower() == address.state.lower()
    # Changing the name moves the state with it.
    address.state = "Kerala"
    address.save()
    address.refresh_from_db()
    assert address.gst_state_id == "32"


def test_unknown_state_names_and_disagreeing_states_are_refused():
    with refused("merchant_stores_gst_state_known"):
        MerchantStoreFactory(state="Bengaluru Urban")
    with refused("merchant_parents_gst_state_known"):
        MerchantParentFactory(state="Atlantis")
    address = CustomerAddressFactory(state="Karnataka")
    with refused("customer_addresses_gst_state_known"):
        type(address).objects.filter(pk=address.pk).update(state="Unknown")
    with refused("customer_addresses_gst_state_of_name"):
        type(address).objects.filter(pk=address.pk).update(gst_state_id="27")
    with refused("customer_business_profiles_state_code_of_state"):
        CustomerBusinessProfileFactory(billing_state="Maharashtra", billing_state_code="29")


def test_gstin_and_state_agree():
    # The store supplies under its own state's registration.
    registration = MerchantTaxRegistrationFactory(state_code="27")
    with refused("merchant_stores_registration_in_state"):
        MerchantStoreFactory(
            parent=registration.parent, state="Karnataka", gst_registration=registration
        )
    store = MerchantStoreFactory(
        parent=registration.parent, state="Maharashtra", gst_registration=registration
    )
    assert store.pk
    # A registration's and a city's state code and an invoice's place of
    # supply are real states.
    with refused("merchant_tax_registrations_state_code_fk"):
        type(registration).objects.filter(pk=registration.pk).update(
            state_code="99", gstin=make_gstin("99", registration.parent.pan)
        )
    city = ServiceCity.objects.first() or store.city
    with refused("service_cities_state_code_fk"):
        ServiceCity.objects.filter(pk=city.pk).update(state_code="25")
    with refused("order_invoices_place_of_supply_fk"):
        OrderInvoiceFactory(place_of_supply="97")


# GST slabs ---------------------------------------------------------------------------------


def test_the_migration_holds_the_slab_table_as_generated():
    migration = importlib.import_module(
        "gatimitra.migrations.0007_add_gstin_and_gst_rate_functions"
    )
    assert gst_rate_function_sql() == migration.GST_RATE_FUNCTIONS
    assert GST_SLAB_PERIODS[-1][0] == "2025-09-22"


def test_slabs_by_date_of_supply():
    before, after = datetime.date(2025, 9, 21), datetime.date(2025, 9, 22)
    assert Decimal("12") in gst_rates_in_force(before)
    assert Decimal("28") in gst_rates_in_force(before)
    assert Decimal("40") not in gst_rates_in_force(before)
    assert gst_rates_in_force(after) == current_gst_rates()
    assert {Decimal("12"), Decimal("28")}.isdisjoint(gst_rates_in_force(after))
    with connection.cursor() as cursor:
        for day in (before, after, datetime.date(2017, 6, 30)):
            for rate in ("0", "0.25", "3", "5", "12", "17", "18", "28", "40"):
                cursor.execute("SELECT public.gatimitra_gst_rate_in_force(%s, %s)", [rate, day])
                assert cursor.fetchone()[0] == (Decimal(rate) in gst_rates_in_force(day))


def test_menu_items_list_only_a_slab_in_force():
    item = MerchantMenuItemFactory(gst_rate=Decimal("40"))
    assert item.pk
    for rate in ("12", "28", "17"):
        with refused("merchant_menu_items_gst_rate_slab"):
            type(item).objects.filter(pk=item.pk).update(gst_rate=Decimal(rate))


def test_order_items_carry_the_slab_of_the_order_date():
    old = OrderFactory(placed_at=datetime.datetime(2025, 9, 21, 23, 30, tzinfo=IST))
    new = OrderFactory(placed_at=datetime.datetime(2025, 9, 22, 0, 15, tzinfo=IST))
    assert OrderItemFactory(order=old, gst_rate_percent=Decimal("28")).pk
    assert OrderItemFactory(order=new, gst_rate_percent=Decimal("40")).pk
    with refused("order_items_gst_rate_in_force"):
        OrderItemFactory(order=new, gst_rate_percent=Decimal("28"))
    with refused("order_items_gst_rate_in_force"):
        OrderItemFactory(order=new, gst_rate_percent=Decimal("12"))
    with refused("order_items_gst_rate_in_force"):
        OrderItemFactory(order=old, gst_rate_percent=Decimal("40"))
    item = OrderItemFactory(order=new, gst_rate_percent=Decimal("18"))
    with refused("order_items_gst_rate_in_force"):
        type(item).objects.filter(pk=item.pk).update(gst_rate_percent=Decimal("17"))


def test_fare_policies_charge_a_slab_in_force_throughout_their_validity():
    change = datetime.datetime(2025, 9, 22, tzinfo=IST)
    city = ServiceCityFactory()
    versions = itertools.count(1)

    def policy(vehicle, rate, valid_from, valid_to=None):
        return RideFarePolicyFactory(
            city=city,
            vehicle_type=vehicle,
            version=next(versions),
            gst_rate_percent=Decimal(rate),
            valid_from=valid_from,
            valid_to=valid_to,
        )

    before = datetime.datetime(2025, 7, 1, tzinfo=IST)
    # Closed when the slabs changed: its last day is 21 September.
    assert policy(VehicleType.AUTO_RICKSHAW, "12", before, change).pk
    assert policy(VehicleType.AUTO_RICKSHAW, "40", change).pk
    with refused("ride_fare_policies_gst_rate_slab"):
        policy(VehicleType.CAR_SEDAN, "12", before)  # open: lasts under today's slabs
    with refused("ride_fare_policies_gst_rate_slab"):
        policy(VehicleType.CAR_SEDAN, "12", before, change + datetime.timedelta(days=1))
    with refused("ride_fare_policies_gst_rate_slab"):
        policy(VehicleType.CAR_SEDAN, "40", before, change)
    with refused("ride_fare_policies_gst_rate_slab"):
        policy(VehicleType.CAR_SEDAN, "17", change)
    current = policy(VehicleType.CAR_SEDAN, "18", change)
    with refused("ride_fare_policies_gst_rate_slab"):
        type(current).objects.filter(pk=current.pk).update(gst_rate_percent=Decimal("28"))
    current.gst_rate_percent = Decimal("28")
    with pytest.raises(ValidationError, match="slab in force throughout"):
        current.full_clean()


# Invoice numbers ---------------------------------------------------------------------------


def test_invoice_numbers_are_consecutive_per_series_and_financial_year():
    march = datetime.datetime(2026, 3, 31, 23, 50, tzinfo=IST)  # FY 2025-26
    april = datetime.datetime(2026, 4, 1, 0, 10, tzinfo=IST)  # FY 2026-27
    first = OrderInvoiceFactory(series="GMT1", issued_at=march)
    second = OrderInvoiceFactory(series="GMT1", issued_at=march)
    other_series = OrderInvoiceFactory(series="GMT2", issued_at=march)
    next_year = OrderInvoiceFactory(series="GMT1", issued_at=april)
    rows = {
        invoice.pk: (invoice.financial_year, invoice.serial, invoice.invoice_number)
        for invoice in OrderInvoice.objects.filter(
            pk__in=[first.pk, second.pk, other_series.pk, next_year.pk]
        )
    }
    assert rows[first.pk] == (2025, 1, "2526/1")
    assert rows[second.pk] == (2025, 2, "2526/2")
    assert rows[other_series.pk] == (2025, 1, "2526/1")
    assert rows[next_year.pk] == (2026, 1, "2627/1")
    # The ORM read the numbers back with the INSERT.
    assert (second.financial_year, second.serial, second.invoice_number) == rows[second.pk]
    counter = InvoiceSeriesCounter.objects.get(
        document_table="order_invoices",
        issuer=first.supplier_gstin,
        series="GMT1",
        financial_year=2025,
    )
    assert counter.last_serial == 2


def test_a_rolled_back_invoice_gives_its_number_back():
    issued = datetime.datetime(2026, 5, 2, 12, 0, tzinfo=IST)
    OrderInvoiceFactory(series="GMR", issued_at=issued)
    with contextlib.suppress(RuntimeError), transaction.atomic():
        OrderInvoiceFactory(series="GMR", issued_at=issued)
        raise RuntimeError("the order's transaction fails after the invoice")
    after = OrderInvoiceFactory(series="GMR", issued_at=issued)
    assert after.serial == 2
    assert sorted(OrderInvoice.objects.filter(series="GMR").values_list("serial", flat=True)) == [
        1,
        2,
    ]


def test_a_callers_own_invoice_number_is_refused():
    issued = datetime.datetime(2026, 5, 2, 12, 0, tzinfo=IST)
    with refused("order_invoices_numbered_by_database"):
        OrderInvoiceFactory(series="GMC", issued_at=issued, invoice_number="F00000042")
    with refused("order_invoices_numbered_by_database"):
        OrderInvoiceFactory(series="GMC", issued_at=issued, serial=7)
    # The next one, stated, is the one the database assigns (a fixture reloaded).
    stated = OrderInvoiceFactory(
        series="GMC", issued_at=issued, invoice_number="2627/1", serial=1, financial_year=2026
    )
    assert stated.serial == 1
    with refused("order_invoices_issued_is_final"):
        OrderInvoice.objects.filter(pk=stated.pk).update(invoice_number="2627/9")


def test_merchant_invoice_numbers_and_their_irn():
    first = MerchantInvoiceFactory(invoice_date=datetime.date(2026, 4, 1))
    second = MerchantInvoiceFactory(invoice_date=datetime.date(2026, 4, 2))
    numbers = dict(
        MerchantInvoice.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "pk", "invoice_number"
        )
    )
    assert numbers == {first.pk: "GMC2627/1", second.pk: "GMC2627/2"}
    with refused("merchant_invoices_numbered_by_database"):
        MerchantInvoiceFactory(invoice_date=datetime.date(2026, 4, 3), invoice_number="X/1")
    with refused("merchant_invoices_number_is_final"):
        MerchantInvoice.objects.filter(pk=first.pk).update(series="GMX")
    # B2B (the merchant's registration has a GSTIN): an IRN is required.
    with refused("merchant_invoices_b2b_has_irn"):
        MerchantInvoiceFactory(irn=None)
    unregistered = MerchantTaxRegistrationFactory(registration_type="UNREGISTERED", gstin=None)
    assert MerchantInvoiceFactory(
        parent=unregistered.parent, gst_registration=unregistered, irn=None
    ).pk


def test_a_merchant_invoices_irn_comes_with_its_acknowledgement_and_qr():
    registered = MerchantInvoiceFactory()
    assert registered.irn_ack_at and registered.signed_qr_code and registered.irn_ack_number
    with refused("merchant_invoices_irn_with_ack_and_qr"):
        MerchantInvoiceFactory(irn_ack_at=None)
    with refused("merchant_invoices_irn_with_ack_and_qr"):
        MerchantInvoiceFactory(signed_qr_code="")
    with refused("merchant_invoices_irn_with_ack_and_qr"):
        MerchantInvoice.objects.filter(pk=registered.pk).update(irn=None)
    unregistered = MerchantTaxRegistrationFactory(registration_type="UNREGISTERED", gstin=None)
    with refused("merchant_invoices_irn_with_ack_and_qr"):
        MerchantInvoiceFactory(
            parent=unregistered.parent,
            gst_registration=unregistered,
            irn=None,
            irn_ack_at=timezone.now(),
        )


# E-invoicing and cancellation -------------------------------------------------------------


def test_b2b_invoices_under_e_invoicing_carry_their_irn():
    buyer = make_gstin("29", "AABCN1234F")
    with refused("order_invoices_b2b_has_irn"):
        OrderInvoiceFactory(recipient_gstin=buyer)
    with refused("order_invoices_irn_with_ack_and_qr"):
        OrderInvoiceFactory(recipient_gstin=buyer, irn=irn("a"))
    with refused("order_invoices_irn_format"):
        OrderInvoiceFactory(
            recipient_gstin=buyer, irn="NOT-AN-IRN", irn_ack_at=timezone.now(), signed_qr_code="x"
        )
    invoice = OrderInvoiceFactory(
        recipient_gstin=buyer,
        irn=irn("b"),
        irn_ack_number="112010036563310",
        irn_ack_at=timezone.now(),
        signed_qr_code="eyJhbGciOiJSUzI1NiJ9.payload.signature",
    )
    assert invoice.pk
    # A merchant below the threshold issues B2B invoices without one; above
    # it (einvoice_applicable), not.
    small = MerchantTaxRegistrationFactory(einvoice_applicable=False)
    assert OrderInvoiceFactory(
        issuer="MERCHANT",
        gst_registration=small,
        supplier_gstin=small.gstin,
        recipient_gstin=buyer,
    ).pk
    large = MerchantTaxRegistrationFactory(einvoice_applicable=True)
    with refused("order_invoices_b2b_has_irn"):
        OrderInvoiceFactory(
            issuer="MERCHANT",
            gst_registration=large,
            supplier_gstin=large.gstin,
            recipient_gstin=buyer,
        )
    # B2C: no IRN needed.
    assert OrderInvoiceFactory(recipient_gstin=None).irn is None


def test_a_cancelled_invoice_is_kept_with_its_credit_note():
    invoice = OrderInvoiceFactory()
    note = {
        "order": invoice.order,
        "invoice_type": InvoiceType.CREDIT_NOTE,
        "original_invoice": invoice,
        "series": "GMCN",
        "cancels_original": True,
    }
    with refused("order_invoices_cancelled_by_credit_note"):
        OrderInvoiceFactory(**{**note, "invoice_type": InvoiceType.DEBIT_NOTE})
    with refused("order_invoices_cancellation_reverses_all"):
        OrderInvoiceFactory(
            **note,
            taxable_value=Decimal("100.00"),
            cgst=Decimal("2.50"),
            sgst=Decimal("2.50"),
            total=Decimal("105.00"),
        )
    assert invoice.cancellation is None
    credit_note = OrderInvoiceFactory(**note)
    assert invoice.cancellation == credit_note
    with refused("order_invoices_cancelled_once_uniq"):
        OrderInvoiceFactory(**note)
    with refused("order_invoices_issued_is_final"), connection.cursor() as cursor:
        # Around Django's PROTECT (the note refers to it): what the database does.
        cursor.execute("DELETE FROM orders.order_invoices WHERE id = %s", [invoice.pk])
    assert OrderInvoice.objects.filter(pk=invoice.pk).exists()
