"""Send a moved domain's models to its own server.

After ``manage.py move_schema SCHEMA ... cutover`` the schema's rows live on
another server; ``DATABASE_<SCHEMA>_URL`` (e.g. ``DATABASE_RIDERS_URL``) adds
the alias ``SCHEMA`` and this router sends that app's reads and writes there.
A relation between a moved model and another is allowed (the key is a plain
column now: ``scale_out_plan`` lists the checks that replace the dropped
foreign keys); a query that joins across the two servers fails, as it must.
Migrations are not routed: they still run on ``default`` (docs/scaling.md).
"""

from django.conf import settings

from gatimitra.db.tables import DOMAIN_SCHEMAS


def moved_domains():
    return {schema for schema in DOMAIN_SCHEMAS if schema in settings.DATABASES}


class DomainRouter:
    def _alias(self, model):
        label = model._meta.app_label
        return label if label in moved_domains() else None

    def db_for_read(self, model, **hints):
        return self._alias(model)

    def db_for_write(self, model, **hints):
        return self._alias(model)

    def allow_relation(self, obj1, obj2, **hints):
        if moved_domains() & {obj1._meta.app_label, obj2._meta.app_label}:
            return True
        return None
