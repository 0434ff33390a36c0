"""SQL of applied riders migrations, frozen as they ran (docs/migrations.md)."""
