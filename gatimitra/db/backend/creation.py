from django.db.backends.postgresql.creation import DatabaseCreation as PostgreSQLCreation


class DatabaseCreation(PostgreSQLCreation):
    """Test databases are cloned from the reference database of the current
    migrations (``gatimitra.ops.reference``): built once per migration state,
    then ``CREATE DATABASE ... TEMPLATE`` takes a fraction of a second instead
    of migrating every run. Set ``TEST["TEMPLATE"]`` to choose another template,
    or ``TEST["USE_REFERENCE_TEMPLATE"] = False`` to migrate from empty.
    Django then still runs ``migrate --run-syncdb`` on the clone (a no-op when
    the reference is current), so the result is the database Django would
    have built."""

    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        test_settings = self.connection.settings_dict["TEST"]
        if (
            test_settings.get("TEMPLATE") is None
            and test_settings.get("USE_REFERENCE_TEMPLATE", True)
            # MIGRATE False: Django builds the test database from the models
            # alone; there are no migrations for a template to save.
            and test_settings.get("MIGRATE", True) is not False
        ):
            from gatimitra.ops.reference import ensure_reference_database

            test_settings["REFERENCE_BASE"] = self.connection.settings_dict["NAME"]
            # The template applies to this CREATE DATABASE only: the settings
            # keep saying what the project set (sql_table_creation_suffix and
            # anything else reading TEST["TEMPLATE"] see no template).
            test_settings["TEMPLATE"] = ensure_reference_database(self.connection)
            try:
                return super()._create_test_db(verbosity, autoclobber, keepdb)
            finally:
                test_settings["TEMPLATE"] = None
        return super()._create_test_db(verbosity, autoclobber, keepdb)
