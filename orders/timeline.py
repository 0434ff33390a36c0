"""Who changed an order's status: the actor the database trigger writes into
``order_timeline``.

The trigger on ``orders`` writes the timeline row itself, so it cannot be
forgotten; it reads the actor from transaction-local settings
(``orders.actor_type``, ``orders.actor_user_id``, ``orders.actor_ref_id``,
``orders.status_note``, ``orders.actor_latitude``/``longitude``). Without them the actor is
``SYSTEM``. Service code sets them with :func:`status_actor`::

    with status_actor(actor_type=ActorType.SYSTEM_USER, user=request.user, note="forced"):
        order.status = OrderStatus.CANCELLED
        order.save(update_fields=["status", "updated_at"])
"""

from contextlib import contextmanager

from django.db import connections, transaction

from gatimitra.enums import ActorType

#: The settings the trigger reads (see ``orders.sql``).
SETTINGS = (
    "orders.actor_type",
    "orders.actor_user_id",
    "orders.actor_ref_id",
    "orders.status_note",
    "orders.actor_latitude",
    "orders.actor_longitude",
)


def _text(value):
    return "" if value is None else str(value)


@contextmanager
def status_actor(
    actor_type=ActorType.SYSTEM,
    user=None,
    actor_ref_id=None,
    note="",
    latitude=None,
    longitude=None,
    using="default",
):
    """Status changes made inside the block are recorded with this actor.

    Opens a transaction (or savepoint): the settings are transaction-local
    and are cleared again when the block ends."""
    user_id = getattr(user, "pk", user)
    values = (actor_type, user_id, actor_ref_id, note, latitude, longitude)
    with transaction.atomic(using=using):
        cursor = connections[using].cursor()
        with cursor:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(SETTINGS)),
                [item for pair in zip(SETTINGS, map(_text, values), strict=True) for item in pair],
            )
        yield
        # On an exception the savepoint/transaction rollback reverts the
        # settings; on success they are cleared for the rest of the transaction.
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, '', true)"] * len(SETTINGS)),
                list(SETTINGS),
            )
