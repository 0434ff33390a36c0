"""How much each scale builds: one table of volumes.

``small`` is the demo the README's main job loads (seconds, one
transaction); ``city`` is a city-sized platform for performance work. The
long tail of tables (tickets, ratings, payouts, settings...) is derived from
these volumes by the generators (a few per customer, store or rider, a
share of the orders). ``manage.py seed_demo --plan`` prints this table;
``seed_demo -v2`` prints the rows it wrote per table.
"""

from dataclasses import dataclass, fields, replace

#: ``(volume, small, city, what it is)``
VOLUMES = [
    ("days", 21, 120, "days of order history before --as-of"),
    ("staff", 24, 400, "staff users (access_mgmt.system_users)"),
    ("merchant_parents", 8, 2_500, "merchant brands and companies"),
    ("stores", 14, 10_000, "merchant stores (about 1 in 8 parcel pickup points)"),
    ("dishes_per_store", 12, 18, "menu items per food store"),
    ("riders", 60, 20_000, "riders (about 85% active and dispatchable)"),
    ("customers", 60, 100_000, "customers"),
    ("orders", 360, 1_000_000, "orders: 62% food, 20% parcel, 18% ride"),
    ("in_flight", 14, 2_000, "of the orders, placed in the last hour and not finished yet"),
    ("location_logs", 4_000, 10_000_000, "rider GPS pings (riders.location_logs)"),
    ("batch", 500, 5_000, "orders per COPY batch (a transaction each at city scale)"),
]


@dataclass(frozen=True)
class Plan:
    name: str
    days: int
    staff: int
    merchant_parents: int
    stores: int
    dishes_per_store: int
    riders: int
    customers: int
    orders: int
    in_flight: int
    location_logs: int
    batch: int
    factor: float = 1.0

    @property
    def small(self):
        """One transaction for everything (the README's demo)."""
        return self.name == "small"

    def scaled(self, factor):
        """The plan with every count multiplied by ``factor`` (at least 1;
        days, menu depth and batch size stay)."""
        keep = {"name", "days", "dishes_per_store", "batch", "factor", "in_flight"}
        changes = {
            f.name: max(1, round(getattr(self, f.name) * factor))
            for f in fields(self)
            if f.name not in keep
        }
        changes["in_flight"] = max(5, round(self.in_flight * factor))
        changes["stores"] = max(changes["stores"], 4)
        changes["merchant_parents"] = max(changes["merchant_parents"], 2)
        changes["riders"] = max(changes["riders"], 12)
        changes["customers"] = max(changes["customers"], 12)
        changes["staff"] = max(changes["staff"], 12)
        # Several batches even at a tiny scale, so the batch commits are exercised.
        changes["batch"] = max(100, min(self.batch, changes["orders"] // 5))
        return replace(self, name=f"{self.name}x{factor:g}", factor=factor, **changes)


PLANS = {
    scale: Plan(name=scale, **{name: values[column] for name, *values, _ in VOLUMES})
    for column, scale in enumerate(("small", "city"))
}


def describe():
    """The volume table as text."""
    lines = [f"{'volume':<18}{'small':>12}{'city':>14}  what"]
    for name, small, city, what in VOLUMES:
        lines.append(f"{name:<18}{small:>12,}{city:>14,}  {what}")
    lines.append(
        "Every other table gets rows in proportion (per customer, store or rider, or a "
        "share of the orders); seed_demo -v2 prints the rows written per table."
    )
    return "\n".join(lines)
