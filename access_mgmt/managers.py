"""The natural-key manager moved to ``gatimitra.db.managers`` (every domain
uses it); this name stays for code written against the old path."""

from gatimitra.db.managers import NaturalKeyManager

__all__ = ["NaturalKeyManager"]
