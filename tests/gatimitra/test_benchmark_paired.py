"""The arithmetic of bulk_writes.py's paired pgbench runs (benchmarks/paired.py):
the order of each pair, percentiles, ratios and pgbench's output read back.
No timings: the figures themselves are printed by the benchmark, never asserted."""

import pytest

from tests.fixtures.gatimitra import benchmark_module

paired = benchmark_module("paired")


def test_pairs_alternate_which_mode_runs_first():
    assert paired.pair_orders(4) == [("on", "off"), ("off", "on"), ("on", "off"), ("off", "on")]
    assert paired.pair_orders(1, ("now", "earlier")) == [("now", "earlier")]
    assert paired.pair_orders(0) == []


def test_percentile_interpolates_between_ranks():
    values = [4.0, 1.0, 3.0, 2.0]  # unsorted on purpose
    assert paired.percentile(values, 0) == 1.0
    assert paired.percentile(values, 1) == 4.0
    assert paired.percentile(values, 0.5) == pytest.approx(2.5)
    assert paired.percentile(list(range(1, 101)), 0.95) == pytest.approx(95.05)
    assert paired.percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError):
        paired.percentile([], 0.5)
    with pytest.raises(ValueError):
        paired.percentile([1.0], 1.5)


def test_ratios_per_pair_and_their_median_and_range():
    pairs = [{"on": 3.0, "off": 2.0}, {"on": 2.4, "off": 2.0}, {"on": 4.0, "off": 2.0}]
    ratios = paired.pair_ratios(pairs, "on", "off")
    assert ratios == pytest.approx([1.5, 1.2, 2.0])
    assert paired.spread(ratios) == pytest.approx((1.5, 1.2, 2.0))
    assert paired.describe_ratio(ratios) == "1.50x (1.20-2.00x, 3 pairs)"
    # An even number of pairs: the median is the mean of the middle two.
    assert paired.describe_ratio([1.0, 1.2, 1.4, 3.0]) == "1.30x (1.00-3.00x, 4 pairs)"
    assert paired.describe_ratio([1.25]) == "1.25x (1.25-1.25x, 1 pair)"


PGBENCH_15 = """\
pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: /tmp/bulk_writes_x/script.sql
scaling factor: 1
query mode: simple
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 2 s
number of transactions actually processed: 5130
number of failed transactions: 0 (0.000%)
latency average = 1.559 ms
initial connection time = 9.812 ms
tps = 2565.470103 (without initial connection time)
"""


def test_summary_read_from_pgbench_output():
    assert paired.parse_summary(PGBENCH_15) == (2565.470103, 1.559)
    with pytest.raises(ValueError):
        paired.parse_summary("pgbench: error: connection to server failed")


def test_per_transaction_log_latencies_in_ms(tmp_path):
    lines = [
        "0 0 1520 0 1733590000 123456",
        "1 0 980 0 1733590000 124001",
        "2 5 skipped 0 1733590001 5",
        "3 7 failed 0 1733590001 9 0",
        "",
    ]
    assert paired.parse_log_lines(lines) == [1.52, 0.98]
    (tmp_path / "txn.1").write_text("\n".join(lines[:2]) + "\n")
    (tmp_path / "txn.1.1").write_text("0 1 2500 0 1733590002 1\n")
    assert paired.read_logs(sorted(tmp_path.glob("txn.*"))) == [1.52, 0.98, 2.5]


def test_transactions_counted_by_the_time_they_finished(tmp_path):
    (tmp_path / "txn.1").write_text(
        "0 0 1500 0 100 900000\n"  # 100.9 s: before the window
        "0 1 1500 0 101 0\n"  # on its first edge
        "1 0 1500 0 101 500000\n"
        "1 1 failed 0 101 600000\n"  # failed: not counted
        "0 2 1500 0 102 0\n"  # on its last edge
        "1 2 1500 0 102 1\n"  # just after
    )
    (tmp_path / "txn.1.1").write_text("2 0 1500 0 101 700000\n")
    assert paired.count_finished(sorted(tmp_path.glob("txn.*")), 101.0, 102.0) == 4
