"""customers 0015: notifications checked for bulk writes.

``is_customer_order`` reads ``orders.customer_id`` instead of the whole
order as jsonb, and an INSERT's provider message ids are checked once per
statement. Every write below is refused, or accepted, alike with 0015's
SQL and with the SQL it replaced (put back inside a rolled-back
savepoint): same message, same SQLSTATE, same constraint name."""

import threading

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from customers.factories import CustomerNotificationFactory
from customers.models import CustomerNotification
from customers.sqlfrozen import m0015_check_notifications_per_statement as m0015
from orders.factories import OrderFactory
from tests.fixtures.gatimitra import connect

#: customers 0015 undone (its reversal), inside the test's savepoint.
BEFORE = [m0015.CUSTOMER_ORDER_AS_JSONB, *m0015.PROVIDER_MESSAGES_PER_ROW]
#: What the migration leaves: nothing to change.
AFTER: list[str] = []

COLUMNS = [
    field.column
    for field in CustomerNotification._meta.concrete_fields
    if field.column not in ("id", "provider_message_id", "provider", "customer_id", "order_id")
]


def copy_of(template_id, *rows, first_id=900_001):
    """An INSERT of ``rows`` (provider, provider message id, customer id,
    order id), each a copy of notification ``template_id`` otherwise, with
    ids from ``first_id`` on in the order of ``rows`` (sequences do not roll
    back, so the ids are given: both bodies see the same ones)."""
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    values = ", ".join("(%s::bigint, %s, %s, %s::bigint, %s::bigint)" for _ in rows)
    statement = (
        f"INSERT INTO customers.customer_notifications (id, {columns}, provider, "
        f"provider_message_id, customer_id, order_id) "
        f"SELECT v.id, {columns}, v.provider, v.message, v.customer, v.order_id "
        f"FROM customers.customer_notifications t, (VALUES {values}) "
        f"AS v (id, provider, message, customer, order_id) WHERE t.id = %s "
        f"ORDER BY v.id"
    )
    params = [value for offset, row in enumerate(rows) for value in (first_id + offset, *row)]
    return statement, [*params, template_id]


def outcome(body, statements):
    """What ``statements`` get with the SQL of ``body`` in force: None when
    accepted, else (message, SQLSTATE, constraint). Rolled back either way,
    ``body`` with them."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in body:
                cursor.execute(statement)
            try:
                with transaction.atomic():
                    for statement, params in statements:
                        cursor.execute(statement, params)
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            except DatabaseError as error:
                diag = error.__cause__.diag
                refusal = (str(error).splitlines()[0], diag.sqlstate, diag.constraint_name)
                raise _RolledBack(refusal) from error
            raise _RolledBack(None)
    except _RolledBack as rolled_back:
        return rolled_back.result


class _RolledBack(Exception):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


def assert_alike(*statements, refused_with=None):
    before, after = outcome(BEFORE, statements), outcome(AFTER, statements)
    assert after == before
    if refused_with is None:
        assert after is None
    else:
        assert after is not None and refused_with in after[0], after


@pytest.mark.django_db
def test_the_migrated_database_has_0015s_sql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE oid = 'customers.is_customer_order'::regproc"
        )
        assert "o.customer_id = $1" in cursor.fetchone()[0]
        cursor.execute(
            "SELECT tgname, tgtype FROM pg_trigger WHERE tgrelid = "
            "'customers.customer_notifications'::regclass AND tgname LIKE '%%provider_message%%'"
        )
        triggers = dict(cursor.fetchall())
    # tgtype bits: 1 row, 2 before, 4 insert, 16 update.
    assert triggers == {
        "customer_notifications_provider_message_uniq": 1 | 2 | 16,
        "customer_notifications_provider_messages_uniq": 4,
    }


@pytest.mark.django_db
def test_every_partition_carries_the_statement_check():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.inhrelid::regclass::text FROM pg_inherits i "
            "WHERE i.inhparent = 'customers.customer_notifications'::regclass AND NOT EXISTS ("
            "SELECT 1 FROM pg_trigger t WHERE t.tgrelid = i.inhrelid "
            "AND t.tgname = 'customer_notifications_provider_messages_uniq')"
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT count(*) FROM pg_inherits "
            "WHERE inhparent = 'customers.customer_notifications'::regclass"
        )
        assert cursor.fetchone()[0] > 0


@pytest.mark.django_db
class TestSameRefusals:
    @pytest.fixture
    def first(self):
        return CustomerNotificationFactory(provider="FCM", provider_message_id="m-1")

    def test_a_single_row_repeating_a_recorded_message(self, first):
        assert_alike(
            copy_of(first.pk, ("FCM", "m-1", first.customer_id, first.order_id)),
            refused_with=f"FCM message m-1 is already recorded (notification {first.pk})",
        )

    def test_a_row_among_many_repeating_a_recorded_message(self, first):
        owner, order = first.customer_id, first.order_id
        assert_alike(
            copy_of(
                first.pk,
                ("FCM", "m-2", owner, order),
                ("MSG91", "m-1", owner, order),
                ("FCM", "m-1", owner, order),
                ("FCM", "m-3", owner, order),
            ),
            refused_with="FCM message m-1 is already recorded",
        )

    def test_a_row_written_to_its_partition_by_name(self, first):
        # A partition named directly fires its own statement triggers, not the
        # table's: 0015 gives each partition a copy of the check.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tableoid::regclass::text FROM customers.customer_notifications "
                "WHERE id = %s",
                [first.pk],
            )
            partition = cursor.fetchone()[0]
        statement, params = copy_of(first.pk, ("FCM", "m-1", first.customer_id, first.order_id))
        statement = statement.replace(
            "INSERT INTO customers.customer_notifications ", f"INSERT INTO {partition} ", 1
        )
        assert partition in statement
        assert_alike(
            (statement, params),
            refused_with=f"FCM message m-1 is already recorded (notification {first.pk})",
        )

    def test_two_rows_of_one_statement_with_one_message(self, first):
        owner, order = first.customer_id, first.order_id
        assert_alike(
            copy_of(
                first.pk,
                ("FCM", "m-2", owner, order),
                ("GUPSHUP", "gs-9", owner, order),
                ("FCM", "m-3", owner, order),
                ("GUPSHUP", "gs-9", owner, order),
            ),
            refused_with="GUPSHUP message gs-9 is already recorded (notification 900002)",
        )

    def test_the_second_statement_of_a_transaction_repeating_the_first(self, first):
        owner, order = first.customer_id, first.order_id
        assert_alike(
            copy_of(first.pk, ("FCM", "m-2", owner, order), ("FCM", "m-3", owner, order)),
            copy_of(
                first.pk,
                ("FCM", "m-4", owner, order),
                ("FCM", "m-3", owner, order),
                first_id=900_101,
            ),
            refused_with="FCM message m-3 is already recorded (notification 900002)",
        )

    def test_distinct_messages_other_providers_and_no_message_are_accepted(self, first):
        owner, order = first.customer_id, first.order_id
        assert_alike(
            copy_of(
                first.pk,
                ("MSG91", "m-1", owner, order),
                ("FCM", "m-2", owner, order),
                ("FCM", None, owner, order),
                ("FCM", None, owner, order),
                ("SES", "m-2", owner, order),
            ),
        )

    def test_a_message_id_without_provider_is_refused_by_its_check(self, first):
        assert_alike(
            copy_of(first.pk, (None, "m-1", first.customer_id, first.order_id)),
            refused_with="customer_notifications_message_has_provider",
        )

    def test_an_update_onto_a_recorded_message(self, first):
        second = CustomerNotificationFactory(provider="MSG91", provider_message_id="m-1")
        update = "UPDATE customers.customer_notifications SET provider = 'FCM' WHERE id = %s"
        assert_alike((update, [second.pk]), refused_with="FCM message m-1 is already recorded")
        keep = "UPDATE customers.customer_notifications SET provider_message_id = %s WHERE id = %s"
        assert_alike((keep, ["m-1", first.pk]))

    def test_another_customers_order(self, first):
        stranger = OrderFactory()
        assert_alike(
            copy_of(first.pk, ("FCM", "m-2", first.customer_id, stranger.pk)),
            refused_with=f"order_id {stranger.pk} is not one of customer",
        )

    def test_an_order_that_does_not_exist(self, first):
        assert_alike(
            copy_of(first.pk, ("FCM", "m-2", first.customer_id, 987654321)),
            refused_with="order_id 987654321 is not one of customer",
        )

    def test_the_customers_own_order_and_no_order_are_accepted(self, first):
        assert_alike(
            copy_of(
                first.pk,
                ("FCM", "m-2", first.customer_id, first.order_id),
                ("FCM", "m-3", first.customer_id, None),
            ),
        )


def _connect(autocommit=True):
    return connect(connection.settings_dict["NAME"], autocommit)


@pytest.fixture
def committed_body(request):
    """The SQL of ``request.param`` committed for the test (a second
    transaction must see it), and 0015's put back afterwards."""
    if request.param == "before":
        with _connect() as conn:
            for statement in BEFORE:
                conn.execute(statement)
    try:
        yield request.param
    finally:
        if request.param == "before":
            with _connect() as conn:
                conn.execute(m0015.CUSTOMER_ORDER_BY_COLUMN)
                for statement in m0015.PROVIDER_MESSAGES_PER_STATEMENT:
                    conn.execute(statement)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("committed_body", ["before", "after"], indirect=True)
def test_a_concurrent_writer_of_the_same_message_waits_and_is_refused(committed_body):
    """Two transactions recording one message id: the second waits for the
    first's bucket lock and, once the first commits, sees its row."""
    first = CustomerNotificationFactory(provider="FCM", provider_message_id="c-0")
    row = ("FCM", "c-1", first.customer_id, first.order_id)
    results = {}
    with _connect(autocommit=False) as writer, _connect(autocommit=False) as rival:
        writer.execute(*copy_of(first.pk, row))

        def race():
            try:
                rival.execute(*copy_of(first.pk, row, first_id=900_101))
                results["rival"] = None
            except psycopg.Error as error:
                results["rival"] = (error.sqlstate, error.diag.constraint_name)

        thread = threading.Thread(target=race)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the rival did not wait for the first writer"
        writer.commit()
        thread.join(timeout=30)
        rival.rollback()
    assert results["rival"] == ("23505", "customer_notifications_provider_message_uniq")
