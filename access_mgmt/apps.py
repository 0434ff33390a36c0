from gatimitra.apps import DomainConfig


class AccessMgmtConfig(DomainConfig):
    name = "access_mgmt"
    verbose_name = "Access management"
    db_schema = "access_mgmt"
