"""A model's time-partitioning spec (what models import).

A model opts in with a class attribute::

    class LocationLog(models.Model):
        partitioning = Partitioning(key="recorded_at", interval=DAY,
                                    retention="90 days drop", premake=7)

and a migration applying ``gatimitra.db.operations.PartitionByRange`` (check
``gatimitra.E006`` fails without it). The upkeep that reads these specs (``manage.py
partitions``) is operations tooling and lives in ``gatimitra.ops.partitions``.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.core.exceptions import ImproperlyConfigured

DAY = "day"
MONTH = "month"
INTERVALS = (DAY, MONTH)

DETACH = "detach"
DROP = "drop"
ACTIONS = (DETACH, DROP)

_RETENTION = re.compile(r"^\s*(\d+)\s*(day|month|year)s?\s*(?:\s(detach|drop))?\s*$", re.I)
_FOREVER = "forever"


@dataclass(frozen=True)
class Retention:
    """How long partitions are kept (``None`` count: forever) and what
    happens to older ones."""

    count: int | None
    unit: str = DAY
    action: str = DETACH

    @classmethod
    def parse(cls, value, where):
        text = str(value).strip()
        if text.lower() == _FOREVER:
            return cls(None)
        match = _RETENTION.match(text)
        if not match or int(match.group(1)) < 1:
            raise ImproperlyConfigured(
                f"{where}: {value!r} is not a retention; write '<n> days|months|years' "
                f"optionally followed by 'detach' or 'drop' (e.g. '90 days drop'), or 'forever'"
            )
        count, unit, action = match.groups()
        return cls(int(count), unit.lower(), (action or DETACH).lower())

    def cutoff(self, now):
        """Partitions ending at or before this instant are expired."""
        if self.count is None:
            return None
        today = _floor(now, DAY)
        if self.unit == DAY:
            return _add(today, DAY, -self.count)
        return _add(today, MONTH, -self.count * (12 if self.unit == "year" else 1))

    def __str__(self):
        if self.count is None:
            return _FOREVER
        return f"{self.count} {self.unit}{'s' if self.count > 1 else ''} {self.action}"


@dataclass(frozen=True)
class Partitioning:
    """A model's partitioning: ``key`` (a DateTimeField) and ``interval``
    (``day``/``month``, UTC boundaries), the default ``retention``
    (``'90 days drop'``, ``'13 months'``, ``'7 years'``; detach unless
    ``drop`` is said) and how many partitions past the current one to create
    ahead (``premake``)."""

    key: str
    interval: str
    retention: str
    premake: int = 2

    def __post_init__(self):
        if self.interval not in INTERVALS:
            raise ValueError(f"interval {self.interval!r} is not one of {INTERVALS}")
        Retention.parse(self.retention, f"Partitioning(key={self.key!r})")


# Time arithmetic (UTC) ----------------------------------------------------------


def _floor(moment, interval):
    moment = moment.astimezone(UTC)
    if interval == DAY:
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _add(start, interval, count=1):
    if interval == DAY:
        return start + timedelta(days=count)
    month = start.month - 1 + count
    year, month = start.year + month // 12, month % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, monthrange(year, month)[1]))
