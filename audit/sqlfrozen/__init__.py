"""SQL of applied audit migrations, frozen as they ran (docs/migrations.md)."""
