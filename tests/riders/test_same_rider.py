"""riders 0018: ``riders.same_rider()`` reads the linked rows statically.

The new body must refuse exactly what 0003's dynamic body refused, with the
same message, for single-row and multi-row writes; and what the migration
runs is the generator's text, frozen."""

import pytest
from django.db import IntegrityError, connection, transaction

from riders import sql
from riders.factories import (
    DutyLogFactory,
    RiderDocumentFactory,
    RiderFactory,
    RiderVehicleFactory,
)
from riders.sqlfrozen import m0018_read_same_rider_links_statically as m0018


def test_the_live_sql_is_what_0018_froze():
    assert sql.same_rider_static() == m0018.STATIC_SAME_RIDER


def test_the_reverse_is_0003s_body():
    assert m0018.DYNAMIC_SAME_RIDER.replace("CREATE OR REPLACE", "CREATE", 1) == sql.SAME_RIDER[0]


@pytest.mark.django_db
def test_the_migrated_function_reads_known_links_statically():
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE oid = 'riders.same_rider'::regproc")
        source = cursor.fetchone()[0]
    for table in sql.SAME_RIDER_PARENTS:
        assert f'FROM "riders"."{table}" WHERE id = parent_id' in source
    for column in sql.SAME_RIDER_COLUMNS:
        assert f"parent_id := NEW.{column};" in source


def refusal(statement, params, body):
    """The error ``statement`` gets with ``same_rider`` set to ``body``
    (rolled back, with the statement)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(body)
            cursor.execute(statement, params)
    except IntegrityError as error:
        return str(error).splitlines()[0]
    return None


def assert_refused_alike(statement, params, expected):
    static = refusal(statement, params, m0018.STATIC_SAME_RIDER)
    dynamic = refusal(statement, params, m0018.DYNAMIC_SAME_RIDER)
    assert static == dynamic
    assert static is not None and expected in static


@pytest.mark.django_db
class TestSameRefusals:
    @pytest.fixture
    def someone_elses_vehicle(self):
        return RiderVehicleFactory()

    def test_single_row_insert(self, someone_elses_vehicle):
        log = DutyLogFactory()
        assert_refused_alike(
            "INSERT INTO riders.duty_logs (rider_id, vehicle_id, status, started_at, ended_at, "
            "start_latitude, start_longitude, end_latitude, end_longitude, created_at, "
            "updated_at) SELECT rider_id, %s, status, started_at, ended_at, start_latitude, "
            "start_longitude, end_latitude, end_longitude, now(), now() "
            "FROM riders.duty_logs WHERE id = %s",
            [someone_elses_vehicle.pk, log.pk],
            f"duty_logs: vehicle_id={someone_elses_vehicle.pk} belongs to rider "
            f"{someone_elses_vehicle.rider_id}, not to rider {log.rider_id}",
        )

    def test_multi_row_insert_with_one_row_wrong(self, someone_elses_vehicle):
        rider = RiderFactory()
        own = RiderVehicleFactory(rider=rider)
        log = DutyLogFactory(rider=rider)
        assert_refused_alike(
            "INSERT INTO riders.duty_logs (rider_id, vehicle_id, status, started_at, ended_at, "
            "start_latitude, start_longitude, end_latitude, end_longitude, created_at, "
            "updated_at) SELECT rider_id, vehicle, status, started_at, ended_at, start_latitude, "
            "start_longitude, end_latitude, end_longitude, now(), now() "
            "FROM riders.duty_logs, unnest(ARRAY[%s, %s, %s]::bigint[]) AS vehicle WHERE id = %s",
            [own.pk, own.pk, someone_elses_vehicle.pk, log.pk],
            f"vehicle_id={someone_elses_vehicle.pk} belongs to rider",
        )

    def test_multi_row_update(self, someone_elses_vehicle):
        rider = RiderFactory()
        documents = [
            RiderDocumentFactory(rider=rider, vehicle_rc=True, vehicle__rider=rider)
            for _ in range(2)
        ]
        assert_refused_alike(
            "UPDATE riders.rider_documents SET vehicle_id = %s WHERE id = ANY(%s)",
            [someone_elses_vehicle.pk, [document.pk for document in documents]],
            f"rider_documents: vehicle_id={someone_elses_vehicle.pk} belongs to rider "
            f"{someone_elses_vehicle.rider_id}, not to rider {rider.pk}",
        )

    def test_rows_of_the_same_rider_pass(self):
        rider = RiderFactory()
        own = RiderVehicleFactory(rider=rider)
        log = DutyLogFactory(rider=rider)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE riders.duty_logs SET vehicle_id = %s WHERE id = %s", [own.pk, log.pk]
            )
            assert cursor.rowcount == 1


@pytest.mark.django_db
def test_a_pair_it_does_not_know_still_checks():
    """A trigger naming a column the static branches do not list goes
    through the dynamic statements, as before."""
    vehicle = RiderVehicleFactory()
    log = DutyLogFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE probe (id bigint, rider_id bigint, car bigint) ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TRIGGER probe_same_rider BEFORE INSERT ON pg_temp.probe FOR EACH ROW "
            "EXECUTE FUNCTION riders.same_rider('rider_vehicles', 'car')"
        )
        with (
            pytest.raises(IntegrityError, match=f"probe: car={vehicle.pk} belongs to rider"),
            transaction.atomic(),
        ):
            cursor.execute(
                "INSERT INTO pg_temp.probe VALUES (1, %s, %s)", [log.rider_id, vehicle.pk]
            )
