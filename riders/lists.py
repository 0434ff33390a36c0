"""Old home of the riders CHECK-text lists, now in ``riders.choices``.

Kept only because ``demo/riders.py`` (changed on another branch) still
imports ``UNREGISTERED_VEHICLE_TYPES`` from here; no migration imports this
module. Delete it once ``demo/`` imports ``riders.choices``.
"""

from riders.choices import UNREGISTERED_VEHICLE_TYPES  # noqa: F401
