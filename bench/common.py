"""What every benchmark in ``bench/`` shares: one percentile (servers: ``bench.servers``)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (``q`` in 0-100]: the smallest value with at
    least ``q`` % of the values at or below it. NaN for no values.

    Nearest-rank never interpolates: p99 of 2,000 samples is the 1,980th smallest, a time
    that was measured.
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
