"""customers 0012 fills the new ``gst_state`` of existing rows from their
free-text state names, and stops with a report of the tables and the
distinct unknown names when a name is no Indian state (docs/indian_rules.md)."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from customers.factories import CustomerAddressFactory, CustomerBusinessProfileFactory
from gatimitra.guards import mark_development

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = "0008_guard_status_machines", "0012_resolve_states_and_check_gstins"


def _states(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}, gst_state_id FROM customers.{table} ORDER BY id")
        return cursor.fetchall()


def test_existing_names_are_resolved_and_unknown_ones_reported():
    kept = CustomerAddressFactory(state="Orissa")
    odd = CustomerAddressFactory(state="Karnataka")
    CustomerBusinessProfileFactory(billing_state="Karnataka", billing_state_code="29")
    try:
        call_command("migrate", "customers", BEFORE, verbosity=0)
        with connection.cursor() as cursor:
            # Written before the rule: free text nobody checked.
            cursor.execute(
                "UPDATE customers.customer_addresses SET state = 'Mordor' WHERE id = %s", [odd.pk]
            )
            cursor.execute("UPDATE customers.customer_business_profiles SET billing_state = 'KA'")
        with pytest.raises(DatabaseError) as error:
            call_command("migrate", "customers", AFTER, verbosity=0)
        message = str(error.value)
        assert "customers.customer_addresses.state: 'Mordor'" in message
        assert "customer_business_profiles" not in message  # KA is Karnataka's spelling
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE customers.customer_addresses SET state = 'Kerala' WHERE id = %s", [odd.pk]
            )
        call_command("migrate", "customers", AFTER, verbosity=0)
        assert _states("customer_addresses", "state") == [("Orissa", "21"), ("Kerala", "32")]
        assert _states("customer_business_profiles", "billing_state") == [("KA", "29")]
        assert kept.pk
    finally:
        call_command("migrate", verbosity=0)
        mark_development("pytest")
