"""The operations console's own pages and home-page building blocks (the
site itself is ``gatimitra.admin_site``). Imports no domain app."""
