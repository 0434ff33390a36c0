"""orders 0028: ``orders.resolve_gst_state()`` reads the state-name column
its trigger names instead of ``to_jsonb(NEW)``.

Every write below gets the same outcome with 0028's body and with 0019's put
back: the same state filled in when it passes, the same refusal (constraint,
SQLSTATE, message) when it does not; single- and multi-row, INSERT and
UPDATE, on each table the trigger guards, and on a table whose column no
trigger named before (the to_jsonb path that stays)."""

from importlib import import_module

import pytest
from django.db import DatabaseError, connection, transaction

from customers.factories import CustomerAddressFactory, CustomerBusinessProfileFactory
from merchants.factories import MerchantParentFactory, MerchantStoreFactory

m0019 = import_module("orders.migrations.0019_add_indian_states")
m0028 = import_module("orders.migrations.0028_read_gst_state_name_column_directly")

pytestmark = pytest.mark.django_db

#: Ids given explicitly to inserted rows: the refusals name the row's id,
#: and an identity's value is not given back by a rollback.
NEW_ID = 990_000_001


def test_the_reverse_is_0019s_body():
    body = m0019.RESOLVER[2]
    assert (
        body.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        == m0028.RESOLVE_GST_STATE_AS_IN_0019
    )


def test_the_migrated_function_reads_the_columns():
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE oid = 'orders.resolve_gst_state'::regproc")
        source = cursor.fetchone()[0]
    assert "written := NEW.state;" in source
    assert "written := NEW.billing_state;" in source


def outcome(statements, body, table):
    """What ``statements`` do with ``body`` as orders.resolve_gst_state (all
    rolled back): ``("written", rows)`` with the table's (id, gst_state_id)
    afterwards, or the refusal as (constraint, SQLSTATE, message)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(body)
            for statement, params in statements:
                cursor.execute(statement, params)
            cursor.execute(f"SELECT id, gst_state_id FROM {table} ORDER BY id")
            rows = cursor.fetchall()
            raise _RolledBack(rows)
    except _RolledBack as done:
        return "written", done.rows
    except DatabaseError as error:
        diag = error.__cause__.diag
        return diag.constraint_name, diag.sqlstate, str(error).splitlines()[0]


class _RolledBack(Exception):
    def __init__(self, rows):
        self.rows = rows


def assert_alike(statements, table, expected):
    now = outcome(statements, m0028.RESOLVE_GST_STATE_FROM_COLUMN, table)
    before = outcome(statements, m0028.RESOLVE_GST_STATE_AS_IN_0019, table)
    assert now == before
    assert now[0] == expected, now


def copy_of(table, source_id, new_id, **changes):
    """INSERT ... SELECT of row ``source_id`` of ``table`` as ``new_id``,
    with ``changes`` (column -> value) and the other columns as they are."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped AND attname <> 'id' ORDER BY attnum",
            [table],
        )
        columns = [name for (name,) in cursor.fetchall()]
    select = ", ".join("%s" if column in changes else f'"{column}"' for column in columns)
    params = [changes[column] for column in columns if column in changes]
    names = ", ".join(f'"{column}"' for column in columns)
    return (
        f"INSERT INTO {table} (id, {names}) SELECT %s, {select} FROM {table} WHERE id = %s",
        [new_id, *params, source_id],
    )


def update(table, pk, **changes):
    assignments = ", ".join(f'"{column}" = %s' for column in changes)
    return f"UPDATE {table} SET {assignments} WHERE id = %s", [*changes.values(), pk]


ADDRESSES = "customers.customer_addresses"


@pytest.fixture
def address():
    return CustomerAddressFactory(state="Karnataka", is_default=False)


class TestCustomerAddresses:
    def test_insert_resolves_the_name(self, address):
        statements = [
            copy_of(ADDRESSES, address.pk, NEW_ID, state=" tamil-nadu ", gst_state_id=None)
        ]
        assert_alike(statements, ADDRESSES, "written")

    def test_insert_of_an_unknown_name(self, address):
        statements = [copy_of(ADDRESSES, address.pk, NEW_ID, state="Narnia", gst_state_id=None)]
        assert_alike(statements, ADDRESSES, "customer_addresses_gst_state_known")

    def test_insert_with_a_state_that_is_not_the_names(self, address):
        statements = [copy_of(ADDRESSES, address.pk, NEW_ID, state="Karnataka", gst_state_id="27")]
        assert_alike(statements, ADDRESSES, "customer_addresses_gst_state_of_name")

    def test_insert_with_the_names_own_state(self, address):
        statements = [copy_of(ADDRESSES, address.pk, NEW_ID, state="KARNATAKA", gst_state_id="29")]
        assert_alike(statements, ADDRESSES, "written")

    def test_multi_row_insert_with_one_row_wrong(self, address):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
                "AND attname NOT IN ('id', 'state', 'gst_state_id')",
                [ADDRESSES],
            )
            columns = cursor.fetchone()[0]
        statements = [
            (
                f"INSERT INTO {ADDRESSES} (id, state, gst_state_id, {columns}) "
                f"SELECT %s + n, CASE n WHEN 2 THEN 'Atlantis' ELSE 'Kerala' END, NULL, {columns} "
                f"FROM {ADDRESSES}, generate_series(0, 3) AS n WHERE id = %s",
                [NEW_ID, address.pk],
            )
        ]
        assert_alike(statements, ADDRESSES, "customer_addresses_gst_state_known")

    def test_update_of_the_name_moves_the_state(self, address):
        assert_alike([update(ADDRESSES, address.pk, state="kerala")], ADDRESSES, "written")

    def test_update_to_the_same_name_keeps_the_state(self, address):
        statements = [(f"UPDATE {ADDRESSES} SET state = state WHERE id = %s", [address.pk])]
        assert_alike(statements, ADDRESSES, "written")

    def test_update_to_an_unknown_name(self, address):
        statements = [update(ADDRESSES, address.pk, state="Unknown")]
        assert_alike(statements, ADDRESSES, "customer_addresses_gst_state_known")

    def test_update_of_the_state_alone(self, address):
        statements = [update(ADDRESSES, address.pk, gst_state_id="27")]
        assert_alike(statements, ADDRESSES, "customer_addresses_gst_state_of_name")

    def test_update_of_both_agreeing(self, address):
        statements = [update(ADDRESSES, address.pk, state="Tamil Nadu", gst_state_id="33")]
        assert_alike(statements, ADDRESSES, "written")

    def test_multi_row_update_with_one_row_wrong(self, address):
        other = CustomerAddressFactory(state="Kerala", is_default=False)
        statements = [
            (
                f"UPDATE {ADDRESSES} SET state = CASE id WHEN %s THEN 'Gondor' ELSE 'Goa' END "
                "WHERE id IN (%s, %s)",
                [other.pk, address.pk, other.pk],
            )
        ]
        assert_alike(statements, ADDRESSES, "customer_addresses_gst_state_known")


class TestTheOtherTables:
    def test_business_profiles_billing_state(self):
        profile = CustomerBusinessProfileFactory()
        table = "customers.customer_business_profiles"
        assert_alike(
            [update(table, profile.pk, billing_state="Mordor")],
            table,
            ("customer_business_profiles_gst_state_known"),
        )
        assert_alike(
            [update(table, profile.pk, gst_state_id="01")],
            table,
            ("customer_business_profiles_gst_state_of_name"),
        )
        statements = [
            (f"UPDATE {table} SET billing_state = billing_state WHERE id = %s", [profile.pk])
        ]
        assert_alike(statements, table, "written")

    def test_merchant_stores(self):
        store = MerchantStoreFactory(state="maharashtra")
        table = "merchants.merchant_stores"
        assert_alike(
            [update(table, store.pk, state="Bengaluru Urban")],
            table,
            ("merchant_stores_gst_state_known"),
        )
        assert_alike(
            [update(table, store.pk, gst_state_id="29")],
            table,
            ("merchant_stores_gst_state_of_name"),
        )

    def test_merchant_parents(self):
        parent = MerchantParentFactory(state="Telangana")
        table = "merchants.merchant_parents"
        assert_alike(
            [update(table, parent.pk, state="Atlantis")],
            table,
            ("merchant_parents_gst_state_known"),
        )
        assert_alike([update(table, parent.pk, state="Andhra Pradesh")], table, "written")


class TestAColumnNoTriggerNamedBefore:
    """A new table naming another column still resolves it (through to_jsonb)."""

    TABLE = "orders.h_gst_state_probe"

    @pytest.fixture
    def probe(self):
        return [
            (
                f"CREATE TABLE {self.TABLE} (id bigint PRIMARY KEY, home_state varchar(100), "
                "gst_state_id varchar(2))",
                [],
            ),
            (
                f"CREATE TRIGGER probe_gst_state BEFORE INSERT OR UPDATE OF home_state, "
                f"gst_state_id ON {self.TABLE} FOR EACH ROW "
                "EXECUTE FUNCTION orders.resolve_gst_state('home_state')",
                [],
            ),
            (f"INSERT INTO {self.TABLE} (id, home_state) VALUES (1, 'Orissa'), (2, 'J&K')", []),
        ]

    def test_insert_and_update(self, probe):
        assert_alike(probe, self.TABLE, "written")
        statements = [*probe, (f"UPDATE {self.TABLE} SET home_state = 'Pondicherry'", [])]
        assert_alike(statements, self.TABLE, "written")

    def test_refusals(self, probe):
        statements = [*probe, (f"INSERT INTO {self.TABLE} (id, home_state) VALUES (3, 'Oz')", [])]
        assert_alike(statements, self.TABLE, "h_gst_state_probe_gst_state_known")
        statements = [*probe, (f"UPDATE {self.TABLE} SET gst_state_id = '07' WHERE id = 1", [])]
        assert_alike(statements, self.TABLE, "h_gst_state_probe_gst_state_of_name")
