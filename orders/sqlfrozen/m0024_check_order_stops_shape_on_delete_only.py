"""The SQL of orders 0024_check_order_stops_shape_on_delete_only, frozen as
written.

``order_stops_shape`` (0003) queued the whole order-shape check (six
queries) for every stop inserted, at commit: 20,000 of the 54,000 shape
checks of the demo order step's bulk load (benchmarks/row_triggers.py,
benchmarks/README.md "Per-row triggers"). A new stop cannot break the
shape: the rule on stops is "at least one PICKUP and one DROP", and adding
a stop only adds to those counts; the order's own INSERT trigger
(``orders_service_shape``) checks a new order once, with every stop
written before the check runs. So stops are checked when one is deleted
(this trigger) or changes order or type (``order_stops_shape_upd``,
unchanged): the refusals and their messages are the same. The reverse puts
back 0003's trigger.
"""

STOPS_SHAPE_ON_DELETE = [
    'DROP TRIGGER order_stops_shape ON "orders"."order_stops"',
    'CREATE CONSTRAINT TRIGGER order_stops_shape AFTER DELETE ON "orders"."order_stops" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
    '"orders".orders_shape_trigger()',
]

STOPS_SHAPE_ON_INSERT_OR_DELETE = [
    'DROP TRIGGER order_stops_shape ON "orders"."order_stops"',
    'CREATE CONSTRAINT TRIGGER order_stops_shape AFTER INSERT OR DELETE ON "orders"."order_stops" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
    '"orders".orders_shape_trigger()',
]
