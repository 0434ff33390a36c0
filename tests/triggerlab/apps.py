from gatimitra.apps import DomainConfig


class TriggerLabConfig(DomainConfig):
    name = "tests.triggerlab"
    label = "triggerlab"
    db_schema = "triggerlab"
