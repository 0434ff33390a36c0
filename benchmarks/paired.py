"""Paired pgbench runs: the arithmetic behind bulk_writes.py's single-row figures.

Two modes (rules on and rules off, or two audit captures) are compared by
short pgbench runs in pairs on the same database, one mode right after the
other, the order swapped every pair (``on, off`` then ``off, on``...), after
a warm-up pair that is discarded. Each pair gives one ratio (mean latency of
the first mode over the second's; with a fixed number of clients that is the
second's tps over the first's): the two runs of a pair are seconds apart, so
a change of load on this shared machine weighs on both. The figure printed
is the median ratio of the pairs with its range (lowest and highest pair),
and per mode the median tps and the latency percentiles (p50, p95) of all
its runs' transactions, read from pgbench's per-transaction logs.

Pure functions only (no Django, no database), so tests can check them.
"""

import re
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path


def pair_orders(pairs: int, modes: Sequence[str] = ("on", "off")) -> list[tuple[str, ...]]:
    """The order the two ``modes`` run in each of ``pairs`` pairs: as given in
    odd pairs (the first, third...), swapped in even ones."""
    first, second = modes
    return [(first, second) if number % 2 == 0 else (second, first) for number in range(pairs)]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` (0-1) percentile of ``values``, interpolated linearly
    between the two nearest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction {fraction} is not between 0 and 1")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    """``(median, lowest, highest)`` of ``values``."""
    return statistics.median(values), min(values), max(values)


def pair_ratios(pairs: Iterable[dict[str, float]], numerator: str, denominator: str) -> list:
    """Per pair (a mapping of mode to mean latency), ``numerator``'s latency
    over ``denominator``'s."""
    return [pair[numerator] / pair[denominator] for pair in pairs]


def describe_ratio(ratios: Sequence[float]) -> str:
    """``"1.42x (1.31-1.55x, 5 pairs)"``: median and range."""
    median, low, high = spread(ratios)
    pairs = f"{len(ratios)} pair" + ("s" if len(ratios) != 1 else "")
    return f"{median:.2f}x ({low:.2f}-{high:.2f}x, {pairs})"


def parse_summary(output: str) -> tuple[float, float]:
    """``(tps, mean latency in ms)`` from pgbench's summary."""
    tps = re.search(r"^tps = ([0-9.]+)", output, re.MULTILINE)
    latency = re.search(r"^latency average = ([0-9.]+) ms", output, re.MULTILINE)
    if not tps or not latency:
        raise ValueError(f"no tps or latency average in pgbench's output:\n{output}")
    return float(tps.group(1)), float(latency.group(1))


def parse_log_lines(lines: Iterable[str]) -> list[float]:
    """Latencies in ms of the transactions of a pgbench per-transaction log
    (``-l``: client, transaction number, latency in microseconds, script,
    epoch seconds, microseconds...); skipped or failed transactions (whose
    latency field is a word) are left out."""
    latencies = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3 and fields[2].isdigit():
            latencies.append(int(fields[2]) / 1000)
    return latencies


def read_logs(paths: Iterable[Path]) -> list[float]:
    """Latencies in ms of every transaction in the pgbench logs ``paths``
    (one per pgbench thread)."""
    latencies = []
    for path in paths:
        with open(path) as log:
            latencies.extend(parse_log_lines(log))
    return latencies


def count_finished(paths: Iterable[Path], started: float, ended: float) -> int:
    """Transactions of the pgbench logs ``paths`` that finished between the
    epoch times ``started`` and ``ended`` (a log line's fifth and sixth
    fields: seconds and microseconds of the transaction's end)."""
    count = 0
    for path in paths:
        with open(path) as log:
            for line in log:
                fields = line.split()
                if len(fields) >= 6 and fields[2].isdigit():
                    finished = int(fields[4]) + int(fields[5]) / 1e6
                    count += started <= finished <= ended
    return count
