"""SQL of applied merchants migrations, frozen as they ran (docs/migrations.md)."""
