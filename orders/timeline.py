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

    Opens a transaction (or savepoint); the settings are transaction-local.
    Blocks nest: the outer actor applies again after an inner block."""
    user_id = getattr(user, "pk", user)
    values = [_text(v) for v in (actor_type, user_id, actor_ref_id, note, latitude, longitude)]
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["coalesce(current_setting(%s, true), '')"] * len(SETTINGS)),
                list(SETTINGS),
            )
            previous = list(cursor.fetchone())
            _set(cursor, values)
        yield
        # On an exception the rollback of the savepoint or transaction
        # restores the settings; on success the outer values come back.
        with connections[using].cursor() as cursor:
            _set(cursor, previous)


def _set(cursor, values):
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(SETTINGS)),
        [item for pair in zip(SETTINGS, values, strict=True) for item in pair],
    )
