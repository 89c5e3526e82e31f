"""What every benchmark in ``bench/`` shares: one percentile (servers: ``bench.servers``)."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path


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


def django_in(work: Path) -> None:
    """Set Django up for a benchmark in the folder ``work``: its own SQLite file (unless
    ``DATABASE_URL`` is set), media, no registration throttle, warnings only."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["REGISTRATION_THROTTLE"] = "none"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
