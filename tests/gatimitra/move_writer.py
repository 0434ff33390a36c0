"""Writes riders (each with its KYC document and audit entries) one
transaction at a time until the database refuses: run as a separate process
by test_move_schema while a schema move copies and cuts over. Prints one
JSON line per committed rider and a last line with the refusal."""

import json
import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")
django.setup()

from django.db import DatabaseError, router, transaction  # noqa: E402

from audit.context import acting_as  # noqa: E402
from gatimitra.enums import ActorType  # noqa: E402
from riders.factories import KycRiderFactory  # noqa: E402
from riders.models import Rider  # noqa: E402

#: What an application retries: a deadlock or serialization victim.
RETRIED = ("40P01", "40001")


def main(limit_seconds, label, start):
    alias = router.db_for_write(Rider)
    deadline = time.monotonic() + limit_seconds
    number = start
    while time.monotonic() < deadline:
        # Numbers of its own: factory sequences restart in every process.
        number += 1
        try:
            with (
                acting_as(actor_type=ActorType.SYSTEM, label=label, using=alias),
                transaction.atomic(using=alias),
            ):
                rider = KycRiderFactory(
                    mobile=f"+9171{number:08d}", referral_code=f"GMR{number:06d}"
                )
        except DatabaseError as exc:
            cause = exc.__cause__
            if getattr(cause, "sqlstate", None) in RETRIED:
                continue
            diag = getattr(cause, "diag", None)
            print(
                json.dumps(
                    {
                        "refused": getattr(cause, "sqlstate", None),
                        "constraint": getattr(diag, "constraint_name", None),
                        "message": str(exc),
                    }
                ),
                flush=True,
            )
            return
        print(json.dumps({"rider": rider.pk, "alias": alias}), flush=True)
    print(json.dumps({"refused": None}), flush=True)


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
