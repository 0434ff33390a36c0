from gatimitra.apps import DomainConfig


class MerchantsConfig(DomainConfig):
    name = "merchants"
    verbose_name = "Merchants"
    db_schema = "merchants"
