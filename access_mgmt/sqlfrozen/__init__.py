"""SQL of applied access_mgmt migrations, frozen as they ran (docs/migrations.md)."""
