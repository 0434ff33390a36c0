"""SQL of applied gatimitra migrations, frozen as they ran (docs/migrations.md)."""
