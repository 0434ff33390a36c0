"""The demo-data app: ``seed_demo`` (every table, at any scale) and ``start``
(the development database, seeded, and the admin). The only package that
imports every domain; nothing imports it (docs/demo_data.md)."""
