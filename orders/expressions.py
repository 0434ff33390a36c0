"""Kept for orders 0002, which names ``orders.expressions.TsTzRange``:
applied migrations are never edited (``verify_migrations``). The expression
lives in ``gatimitra.db.expressions``."""

from gatimitra.db.expressions import TsTzRange

__all__ = ["TsTzRange"]
