"""SQL of applied customers migrations, frozen as they ran (docs/migrations.md)."""
