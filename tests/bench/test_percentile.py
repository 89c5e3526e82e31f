"""``bench.common.percentile``: the one percentile of every benchmark (nearest rank)."""

import math

import pytest

from bench.common import percentile


@pytest.mark.parametrize(
    ("q", "expected"),
    [(50, 50), (95, 95), (99, 99), (100, 100), (1, 1), (0.5, 1)],
)
def test_percentile_of_1_to_100_is_the_value_of_that_rank(q, expected):
    assert percentile(list(range(100, 0, -1)), q) == expected


def test_percentile_is_a_measured_value_never_an_interpolation():
    # Nearest rank: p50 of 4 values is the 2nd smallest (no mean of 2nd and 3rd).
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.0
    assert percentile([10.0, 20.0], 99) == 20.0


def test_percentile_of_nothing_is_nan():
    assert math.isnan(percentile([], 99))
