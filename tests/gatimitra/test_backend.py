"""The backend with real project tables: introspection, flush, fixtures,
inspectdb, --fake-initial, and the enum CHECK seen from the ORM."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from access_mgmt.factories import SystemUserFactory
from access_mgmt.models import SystemUser
from gatimitra.db.tables import quote_table, split_table, table_argument
from gatimitra.ops.reference import migrations_hash

USERS = 'access_mgmt"."system_users'


@pytest.mark.django_db
def test_introspection_sees_schema_tables():
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        assert USERS in names
        assert "django_migrations" in names  # Django's own tables stay unqualified in public
        description = connection.introspection.get_table_description(cursor, USERS)
        constraints = connection.introspection.get_constraints(cursor, USERS)
        sequences = connection.introspection.get_sequences(cursor, USERS)
        relations = connection.introspection.get_relations(cursor, "django_admin_log")
    assert {column.name for column in description} >= {"id", "email", "status", "created_at"}
    assert any(info["unique"] and info["columns"] == ["email"] for info in constraints.values())
    assert constraints["system_users_status_check"]["check"]
    assert sequences == [
        {"name": 'access_mgmt"."system_users_id_seq', "table": USERS, "column": "id"}
    ]
    # A foreign key from public into a schema is reported with its schema.
    assert relations["user_id"] == ("id", USERS)
    assert USERS in connection.introspection.django_table_names(only_existing=True)


@pytest.mark.django_db
def test_introspection_does_not_confuse_same_named_tables_in_two_schemas():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE public.system_users (id int PRIMARY KEY, other text)")
        public = connection.introspection.get_table_description(cursor, "system_users")
        qualified = connection.introspection.get_table_description(cursor, USERS)
    assert [c.name for c in public] == ["id", "other"]
    assert "email" in [c.name for c in qualified]


@pytest.mark.django_db(transaction=True)
def test_flush_empties_schema_tables():
    SystemUserFactory.create_batch(3)
    assert SystemUser.objects.count() == 3
    call_command("flush", interactive=False, verbosity=0)
    assert SystemUser.objects.count() == 0
    # Identity restarts, as for a table in public.
    assert SystemUserFactory().pk == 1


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_start_empty_a():
    assert SystemUser.objects.count() == 0
    SystemUserFactory()


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_start_empty_b():
    assert SystemUser.objects.count() == 0
    SystemUserFactory()


@pytest.mark.django_db
def test_loaddata_with_explicit_ids_then_orm_insert(tmp_path):
    fixture = tmp_path / "users.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "access_mgmt.systemuser",
                    "pk": 41,
                    "fields": {
                        "email": "ops41@gatimitra.test",
                        "full_name": "Ops",
                        "password": "!",
                    },
                }
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    # loaddata resets the identity sequence past the loaded ids.
    created = SystemUserFactory()
    assert created.pk == 42


@pytest.mark.django_db
def test_dumpdata_round_trip(tmp_path):
    originals = SystemUserFactory.create_batch(2)
    out = io.StringIO()
    call_command("dumpdata", "access_mgmt.systemuser", stdout=out)
    SystemUser.objects.all().delete()
    dump = tmp_path / "dump.json"
    dump.write_text(out.getvalue())
    call_command("loaddata", str(dump), verbosity=0)
    assert sorted(SystemUser.objects.values_list("pk", "email")) == sorted(
        (user.pk, user.email) for user in originals
    )


@pytest.mark.django_db
def test_loaddata_bad_enum_value_names_table_and_value(tmp_path):
    fixture = tmp_path / "bad.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "access_mgmt.systemuser",
                    "pk": 7,
                    "fields": {
                        "email": "bad@gatimitra.test",
                        "password": "!",
                        "status": "ON_LEAVE",
                    },
                }
            ]
        )
    )
    with pytest.raises(IntegrityError) as excinfo:
        call_command("loaddata", str(fixture), verbosity=0)
    message = str(excinfo.value)
    assert "system_users" in message and "system_users_status_check" in message
    assert "ON_LEAVE" in message
    assert not SystemUser.objects.filter(pk=7).exists()


@pytest.mark.django_db
def test_enum_check_rejects_a_value_the_enum_does_not_have():
    user = SystemUserFactory()
    with pytest.raises(IntegrityError, match="system_users_status_check"), transaction.atomic():
        SystemUser.objects.filter(pk=user.pk).update(status="ON_LEAVE")


@pytest.mark.django_db
def test_inspectdb_describes_a_schema():
    out = io.StringIO()
    call_command("inspectdb", "--schema", "access_mgmt", stdout=out)
    source = out.getvalue()
    assert "class AccessMgmtSystemUsers(models.Model):" in source
    assert "db_table = 'access_mgmt\".\"system_users'" in source
    assert "email = models.TextField(unique=True)" in source


@pytest.mark.server_pass
@pytest.mark.django_db(transaction=True)
def test_fake_initial_detects_existing_schema_tables():
    # Unapply (for real) what depends on access_mgmt, then forget access_mgmt
    # without touching its tables, as on a database built outside Django.
    call_command("migrate", "audit", "zero", verbosity=0)
    call_command("migrate", "admin", "zero", verbosity=0)
    call_command("migrate", "access_mgmt", "zero", "--fake", verbosity=0)
    # The tables are still there: --fake-initial must recognise the initial
    # migration's schema table and fake it instead of failing on CREATE.
    call_command("migrate", "access_mgmt", "0001", "--fake-initial", verbosity=0)
    # Everything else forgotten along with it (the domains depend on
    # access_mgmt) is still in place; audit and admin were really removed, so
    # fake the rest, then un-fake those two and apply them for real.
    call_command("migrate", "--fake", verbosity=0)
    call_command("migrate", "admin", "zero", "--fake", verbosity=0)
    call_command("migrate", "audit", "zero", "--fake", verbosity=0)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM django_migrations "
            "WHERE app = 'access_mgmt' AND name LIKE '0001%%'"
        )
        assert cursor.fetchone()[0] == 1
    assert SystemUserFactory().pk is not None


@pytest.mark.django_db
def test_createsuperuser_and_admin_login(client):
    call_command(
        "createsuperuser",
        interactive=False,
        email="Boss@GatiMitra.test",
        full_name="Boss",
        verbosity=0,
    )
    user = SystemUser.objects.get(email="boss@gatimitra.test")  # citext: case-insensitive
    assert user.is_superuser and user.is_staff and user.is_active
    user.set_password("a-long-passphrase")
    user.save()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "BOSS@gatimitra.test", "password": "a-long-passphrase"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_only_namespaced_spellings_name_a_schema():
    assert split_table('riders"."riders') == ("riders", "riders")
    assert split_table('"riders"."riders"') == ("riders", "riders")
    # A dot is part of a table's name (Django's quote_name agrees): one table in public.
    assert split_table("inspectdb_special.table name") == (None, "inspectdb_special.table name")
    assert quote_table("inspectdb_special.table name") == '"inspectdb_special.table name"'
    assert quote_table('"django_migrations"') == '"django_migrations"'
    # schema.table is read only where a person types it (inspectdb's arguments).
    assert table_argument("riders.riders") == 'riders"."riders'
    assert table_argument('"a.b"') == "a.b"


@pytest.mark.django_db
def test_a_table_whose_name_has_a_dot_is_introspected():
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "riders.dotted" (id int PRIMARY KEY, note text)')
        cursor.execute('CREATE INDEX "riders.dotted_note" ON "riders.dotted" (note)')
        description = connection.introspection.get_table_description(cursor, "riders.dotted")
        constraints = connection.introspection.get_constraints(cursor, "riders.dotted")
    assert [column.name for column in description] == ["id", "note"]
    assert constraints["riders.dotted_note"]["columns"] == ["note"]
    assert "riders.dotted" in connection.introspection.table_names()


def test_the_editor_never_creates_a_foreign_key_inline():
    assert connection.features.can_create_inline_fk is False
    assert connection.SchemaEditorClass.sql_create_column_inline_fk is None


def test_reference_covers_apps_that_have_no_migrations(settings):
    # Django's test databases give such apps tables from their models
    # (migrate --run-syncdb); the reference database does the same, so its
    # name changes when an app stops or starts having migrations.
    with_migrations = migrations_hash()
    settings.MIGRATION_MODULES = {"sessions": None}
    assert migrations_hash() != with_migrations


@pytest.mark.django_db
def test_inspectdb_reads_schema_dot_table_as_a_person_types_it():
    out = io.StringIO()
    call_command("inspectdb", "access_mgmt.system_users", stdout=out)
    assert "db_table = 'access_mgmt\".\"system_users'" in out.getvalue()


@pytest.mark.parametrize(("migrate", "template"), [(True, "ref_db"), (False, None)])
def test_test_database_template_follows_test_migrate(monkeypatch, migrate, template):
    # TEST["MIGRATE"] False: Django builds the test database from the models,
    # so no reference database is built or cloned. Either way the template is
    # used for the one CREATE DATABASE and not left in the settings.
    from django.db.backends.postgresql.creation import DatabaseCreation as Stock

    from gatimitra.ops import reference

    seen = []
    monkeypatch.setattr(reference, "ensure_reference_database", lambda connection: "ref_db")
    monkeypatch.setattr(
        Stock,
        "_create_test_db",
        lambda self, *args: seen.append(self.connection.settings_dict["TEST"]["TEMPLATE"]),
    )
    test_settings = {"TEMPLATE": None, "MIGRATE": migrate}
    monkeypatch.setitem(connection.settings_dict, "TEST", test_settings)
    connection.creation._create_test_db(0, True)
    assert seen == [template]
    assert test_settings["TEMPLATE"] is None
