"""Daily job: pause LIVE FOOD stores whose FSSAI licence has expired."""

from django.core.management import BaseCommand
from django.db import connection, transaction


def pause_expired_fssai_stores():
    """Run ``merchants.pause_expired_fssai_stores()`` and return how many
    stores it paused. The function marks lapsed licences EXPIRED, moves the
    LIVE FOOD stores left without a valid one to PAUSED (not accepting orders)
    and writes one availability log row per store (reason FSSAI_EXPIRED)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT merchants.pause_expired_fssai_stores()")
        return cursor.fetchone()[0]


class Command(BaseCommand):
    help = (
        "Pause LIVE FOOD stores without an unexpired VERIFIED FSSAI licence and log why. "
        "Safe to run any number of times; schedule it daily (e.g. 00:05 IST)."
    )

    def handle(self, *args, **options):
        paused = pause_expired_fssai_stores()
        self.stdout.write(f"Paused {paused} store(s) whose FSSAI licence expired.")
