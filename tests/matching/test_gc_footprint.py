"""What a worker keeps between requests stays out of the garbage collector's walk: a full
collection walks every tracked object and everything it refers to, in the middle of
whichever request triggers it (docs/decisions/0015)."""

from __future__ import annotations

import gc

from matching import engine
from matching.index.catalogue import Catalogue, OfferedShop
from matching.index.offers import Walk


def test_a_positions_cached_distances_are_not_tracked_by_the_collector():
    catalogue = Catalogue()
    for pk in range(1, 40):
        catalogue.shops[pk] = OfferedShop(pk, f"s{pk}", f"Shop {pk}", pk % 3, pk * 7.0, 5.0)
        catalogue.slot(pk)
    walk = Walk(
        catalogue, at=engine.Position(0, 12.5, 3.0), preference="nearest", floor_change_metres=30
    )
    order, distances = walk._distances
    assert len(order) == len(distances) == 39
    gc.collect()
    # Numbers only: once looked at, the collector stops tracking them (a list never is).
    assert not gc.is_tracked(order)
    assert not gc.is_tracked(distances)
    # Still the nearest-first order of the distances.
    assert [distances[slot] for slot in order] == sorted(distances)
