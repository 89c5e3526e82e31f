"""Postings structures compared on the shared-vocabulary catalogue (issue 18), in memory.

    .venv/bin/python bench/postings.py

Builds the postings of 200,000 items named as in ``bench/sighting.py --profile shared``
(keys grouped by shop, as ``matching.index.catalogue`` makes them), then times what a
sighting asks of them for a want of one attribute and one noun: the exact set
(attribute AND (noun OR keyword noun)), the similar set (the noun alone, less the exact
ones), and the count of shops holding either. Two structures:

- ``pyroaring.BitMap`` (CRoaring), the index's choice;
- sorted ``array('I')`` per term, intersected and merged in Python (set operations on the
  decoded arrays; a two-pointer merge in pure Python is slower still).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from array import array
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import percentile  # noqa: E402
from bench.sighting import SHARED_ATTRIBUTES, SHARED_NOUNS  # noqa: E402

SHOPS, PER_SHOP, WANTS = 500, 400, 300


def main() -> int:
    from pyroaring import BitMap

    rng = random.Random(18)
    lists: dict[str, list[int]] = defaultdict(list)
    for shop in range(SHOPS):
        for local in range(PER_SHOP):
            key = shop << 16 | local
            first, second = rng.sample(SHARED_ATTRIBUTES, 2)
            for word in {first, second, rng.choice(SHARED_NOUNS), f"k:{rng.choice(SHARED_NOUNS)}"}:
                lists[word].append(key)
    bitmaps = {word: BitMap(keys) for word, keys in lists.items()}
    for bitmap in bitmaps.values():
        bitmap.run_optimize()
    arrays = {word: array("I", keys) for word, keys in lists.items()}
    wants = [(rng.choice(SHARED_ATTRIBUTES), rng.choice(SHARED_NOUNS)) for _ in range(WANTS)]

    def with_bitmaps(attribute: str, noun: str) -> int:
        nouns = bitmaps[noun] | bitmaps[f"k:{noun}"]
        exact = bitmaps[attribute] & nouns
        similar = nouns - exact
        both = exact | similar
        return both.get_statistics()["n_containers"] + len(exact)

    def with_arrays(attribute: str, noun: str) -> int:
        nouns = set(arrays[noun]) | set(arrays[f"k:{noun}"])
        exact = nouns.intersection(arrays[attribute])
        similar = nouns - exact
        both = exact | similar
        return len({key >> 16 for key in both}) + len(exact)

    print(f"{SHOPS} shops x {PER_SHOP} items, {len(lists)} terms, {WANTS} wants")
    for label, ask, size in (
        ("pyroaring BitMap", with_bitmaps, sum(len(b.serialize()) for b in bitmaps.values())),
        ("sorted array('I')", with_arrays, sum(a.itemsize * len(a) for a in arrays.values())),
    ):
        seconds = []
        for attribute, noun in wants:
            started = time.perf_counter()
            ask(attribute, noun)
            seconds.append(time.perf_counter() - started)
        print(
            f"{label}: postings {size / 1e6:.1f} MB; a want's sets and shop count:"
            f" p50 {statistics.median(seconds) * 1e6:.0f} us,"
            f" p99 {percentile(seconds, 99) * 1e6:.0f} us"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
