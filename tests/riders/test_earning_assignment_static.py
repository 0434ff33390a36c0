"""riders 0021: ``rider_order_earnings_matches_assignment`` reads the
assignment's columns statically instead of through ``to_jsonb``.

The new body must refuse exactly what 0005's body refused (message,
SQLSTATE), for single-row and multi-row INSERTs and for UPDATEs, and accept
what it accepted; the reverse is 0005's body."""

import pytest
from django.db import IntegrityError, connection, transaction

from gatimitra.enums import ServiceType
from riders import sql
from riders.factories import ActiveRiderFactory, RiderOrderEarningFactory
from riders.factories.earnings import finished_assignment
from riders.sqlfrozen import m0021_read_earning_assignment_statically as m0021

BODIES = {"0005": m0021.JSONB_EARNING_ASSIGNMENT, "0021": m0021.STATIC_EARNING_ASSIGNMENT}


def test_the_reverse_is_0005s_body():
    reverse = m0021.JSONB_EARNING_ASSIGNMENT.replace("CREATE OR REPLACE", "CREATE", 1).strip()
    assert sql.EARNING_MATCHES_ASSIGNMENT.strip().startswith(reverse)


@pytest.mark.django_db
def test_the_migrated_function_reads_the_assignment_statically():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc "
            "WHERE oid = 'riders.rider_order_earnings_matches_assignment'::regproc"
        )
        source = cursor.fetchone()[0]
    assert "to_jsonb" not in source
    assert "SELECT a.order_id, a.rider_id INTO assignment_order, assignment_rider" in source


def outcome(statement, params, body):
    """(SQLSTATE, first line of the message) ``statement`` gets with the
    trigger's function set to ``body``, or (None, rows written); rolled back."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(body)
            cursor.execute(statement, params)
            written = cursor.rowcount
            transaction.set_rollback(True)
    except IntegrityError as error:
        return error.__cause__.sqlstate, str(error).splitlines()[0]
    return None, written


def assert_alike(statement, params, expected):
    """Both bodies give the same outcome, and it holds ``expected`` (a message
    fragment, or the number of rows written)."""
    outcomes = {version: outcome(statement, params, body) for version, body in BODIES.items()}
    assert outcomes["0021"] == outcomes["0005"]
    sqlstate, result = outcomes["0021"]
    if isinstance(expected, int):
        assert (sqlstate, result) == (None, expected)
    else:
        assert sqlstate == "23514" and expected in result


#: INSERT of new FOOD earnings, ``{}`` the rows: (rider, order, assignment) each.
NEW_EARNINGS = (
    "INSERT INTO riders.rider_order_earnings (rider_id, order_id, assignment_id, service_type, "
    "base_pay, distance_pay, wait_pay, surge_pay, return_pay, tip, distance_m, wait_minutes, "
    "pay_rule_version, earned_at) VALUES {}"
)
ROW = "(%s, %s, %s, 'FOOD', 25, 18.40, 5, 0, 0, 20, 4600, 6, 'FOOD-BLR-2025.06', now())"


def copies(overrides):
    """INSERT ... SELECT copying the earnings ``%s`` (ids), with ``overrides``
    ({column: SQL expression}) for some columns. The copies would break the
    one earning per assignment rule, which is checked after the BEFORE
    triggers: only refusals are tested this way."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute "
            "WHERE attrelid = 'riders.rider_order_earnings'::regclass AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' AND attname <> 'id' "
            "ORDER BY attnum"
        )
        columns = [row[0] for row in cursor.fetchall()]
    values = ", ".join(overrides.get(column, f'e."{column}"') for column in columns)
    names = ", ".join(f'"{column}"' for column in columns)
    return (
        f"INSERT INTO riders.rider_order_earnings ({names}) "
        f"SELECT {values} FROM riders.rider_order_earnings e WHERE e.id = ANY(%s) ORDER BY e.id"
    )


@pytest.fixture
def unpaid():
    """A rider and two of their COMPLETED assignments with no earning yet;
    paid at the end (a completed assignment is paid by the commit's checks)."""
    rider = ActiveRiderFactory()
    assignments = [finished_assignment(rider), finished_assignment(rider)]
    yield rider, *assignments
    for assignment in assignments:
        RiderOrderEarningFactory(rider=rider, assignment=assignment, order=assignment.order)


@pytest.mark.django_db
class TestSameOutcomes:
    @pytest.fixture
    def earnings(self):
        """Two earnings of two riders' own assignments."""
        return [RiderOrderEarningFactory(), RiderOrderEarningFactory()]

    def test_single_row_insert_of_another_orders_assignment(self, earnings):
        first, second = earnings
        statement = copies({"order_id": str(second.order_id)})
        assert_alike(
            statement,
            [[first.pk]],
            f"assignment {first.assignment_id} is of order {first.order_id}, "
            f"not of order {second.order_id}",
        )

    def test_multi_row_insert_with_the_second_row_wrong(self, unpaid):
        rider, first, second = unpaid
        assert_alike(
            NEW_EARNINGS.format(f"{ROW}, {ROW}"),
            [rider.pk, first.order_id, first.pk, rider.pk, first.order_id, second.pk],
            f"assignment {second.pk} is of order {second.order_id}, not of order {first.order_id}",
        )

    def test_multi_row_update_with_the_second_row_wrong(self, earnings):
        first, second = earnings
        other = ActiveRiderFactory()
        assert_alike(
            "UPDATE riders.rider_order_earnings SET rider_id = "
            "CASE WHEN id = %s THEN %s ELSE rider_id END WHERE id = ANY(%s)",
            [second.pk, other.pk, [first.pk, second.pk]],
            f"assignment {second.assignment_id} is rider {second.rider_id}'s, "
            f"not rider {other.pk}'s",
        )

    def test_insert_for_another_service(self, earnings):
        first, _second = earnings
        statement = copies({"service_type": f"'{ServiceType.RIDE}'"})
        assert_alike(
            statement,
            [[first.pk]],
            f"service_type RIDE differs from order {first.order_id}'s FOOD",
        )

    def test_updates(self, earnings):
        first, second = earnings
        update = "UPDATE riders.rider_order_earnings SET {} WHERE id = %s"
        assert_alike(
            update.format("assignment_id = %s"),
            [second.assignment_id, first.pk],
            f"assignment {second.assignment_id} is of order {second.order_id}",
        )
        assert_alike(
            update.format("rider_id = %s"),
            [second.rider_id, first.pk],
            f"assignment {first.assignment_id} is rider {first.rider_id}'s",
        )
        assert_alike(
            update.format("service_type = 'PARCEL'"),
            [first.pk],
            "service_type PARCEL differs",
        )

    def test_accepted_alike(self, earnings):
        """Each earning's own assignment, order and service, single- and
        multi-row; a missing assignment is left to the (deferred) foreign key."""
        first, second = earnings
        update = (
            "UPDATE riders.rider_order_earnings SET assignment_id = assignment_id, "
            "order_id = order_id, rider_id = rider_id, service_type = service_type "
            "WHERE id = ANY(%s)"
        )
        assert_alike(update, [[first.pk]], 1)
        assert_alike(update, [[first.pk, second.pk]], 2)
        assert_alike(
            "UPDATE riders.rider_order_earnings SET assignment_id = -1 WHERE id = %s",
            [first.pk],
            1,
        )

    def test_new_earnings_are_accepted_alike(self, unpaid):
        rider, first, second = unpaid
        assert_alike(NEW_EARNINGS.format(ROW), [rider.pk, first.order_id, first.pk], 1)
        assert_alike(
            NEW_EARNINGS.format(f"{ROW}, {ROW}"),
            [rider.pk, first.order_id, first.pk, rider.pk, second.order_id, second.pk],
            2,
        )
