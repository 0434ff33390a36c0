"""Merchant parents, stores, menus, offers, payouts."""
