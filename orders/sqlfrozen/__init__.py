"""SQL of applied ``orders`` migrations, one module per migration, frozen as it ran."""
