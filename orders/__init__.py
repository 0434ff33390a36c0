"""Orders of all three services, payments, dispatch, pricing, cities and zones."""
