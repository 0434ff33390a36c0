"""Delivery partners and drivers, KYC, vehicles, duty, wallet ledger."""
