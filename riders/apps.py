from gatimitra.apps import DomainConfig


class RidersConfig(DomainConfig):
    name = "riders"
    verbose_name = "Riders"
    db_schema = "riders"
