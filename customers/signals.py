"""Signal handlers of the customers domain (connected in ``apps.py``)."""


def keep_ledger_balances(sender, instance, raw, using, **kwargs):
    """Fixture loads never move a ledger-maintained balance.

    ``loaddata`` re-saves every row it loads with all its columns (an UPDATE
    when the row exists). A wallet's balance and a loyalty account's points
    belong to their ledgers, and the database refuses any other change to
    them; so when a seeded wallet has been credited since, reloading the seed
    keeps the database's balance instead of failing on the fixture's zero.
    """
    if not raw or instance.pk is None:
        return
    fields = sender.ledger_maintained_fields
    current = sender._default_manager.using(using).filter(pk=instance.pk).values(*fields).first()
    for name, value in (current or {}).items():
        setattr(instance, name, value)
