"""Customer profiles, addresses, wallet and loyalty ledgers, tickets."""
