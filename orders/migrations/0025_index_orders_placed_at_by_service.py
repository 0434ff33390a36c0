from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """The console's chart of orders per hour over the last day by service
    read each of the day's orders from the heap for its service (an Index
    Scan of ``orders_placed_at_idx``: ~13k rows at city scale, scattered by
    the status updates); with the service in the index, and the city as an
    included column for city-scoped staff, it is an Index Only Scan. Built
    CONCURRENTLY: orders are written all day, and a plain CREATE INDEX would
    block them for the whole build."""

    atomic = False

    dependencies = [
        ("orders", "0024_check_order_stops_shape_on_delete_only"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(
                fields=["placed_at", "service_type"],
                include=("city",),
                name="orders_placed_at_service_idx",
            ),
        ),
    ]
