"""From matching items to the shopper's list: one offer per shop, the first shops only.

Items come out of a *walk* in the shopper's order, and the walk stops as soon as enough
shops are seen, so its cost follows the shops shown, not the items matched:

- ``nearest``: shops by distance (sorted once per position), and within a run of shops at
  one distance their matching items by price; a shop with no match is skipped by one
  range count on the want's bitmap;
- ``cheapest``: price buckets in order, and within a bucket its matching items by price
  and distance.

Exact items are walked before similar ones. The count of shops with a match is the count
of the want's bitmap's containers (one per shop: see ``catalogue``), and a shop's count is
a range count: neither reads an item.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyroaring import BitMap

from matching import engine
from matching.index.catalogue import (
    PRICE_BUCKETS,
    SLOT_BITS,
    Catalogue,
    OfferedItem,
    OfferedShop,
    shop_range,
)

if TYPE_CHECKING:
    from mall.walking import Walking


@dataclass(frozen=True)
class Match:
    """A stock item matching one want, with its distance from the shopper."""

    desire_id: int
    item: OfferedItem
    distance_m: float
    #: Only similar to the want (DESIGN.md rule 7): ranked after every exact match.
    similar: bool = False


class ShopOffer:
    """One shop's answer to one want: its best item under the shopper's ranking, how many
    matching items it has, and (on demand) the first few of them."""

    def __init__(
        self,
        shop: OfferedShop,
        count: int,
        top: Callable[[int], list[Match]],
        best: Match | None = None,
    ) -> None:
        self.shop = shop
        self.count = count
        self._top = top
        self._best = best

    @property
    def best(self) -> Match:
        if self._best is None:
            self._best = self._top(1)[0]
        return self._best

    @property
    def more_here(self) -> int:
        return self.count - 1

    def top(self, k: int) -> list[Match]:
        """The shop's first ``k`` matching items, exact before similar, cheapest first."""
        return self._top(k)

    @property
    def matches(self) -> list[Match]:
        """Every matching item of the shop, best first."""
        return self._top(self.count)


@dataclass
class DesireOffers:
    """One want's list: the first shops in ranking order, and how many shops match."""

    shops: list[ShopOffer]
    total: int
    _lookup: Callable[[int], ShopOffer | None] = field(repr=False, default=lambda _: None)

    def shop(self, shop_id: int) -> ShopOffer | None:
        """The offer of ``shop_id`` (listed or not), None if it has no match."""
        return self._lookup(shop_id)


class Walk:
    """The items of a want's sets in the shopper's order, from one position."""

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        at: engine.Position | None,
        preference: str,
        floor_change_metres: float,
        walking: Walking | None = None,
    ) -> None:
        """With ``at`` None (a search from nowhere) every distance is 0: cheapest first.
        ``walking``: the corridors staff drew (``mall.walking``), None for straight lines."""
        self.catalogue = catalogue
        self.preference = "cheapest" if at is None else preference
        self._distances = _distances(catalogue, at, floor_change_metres, walking)

    def distance(self, slot: int) -> float:
        return self._distances[1][slot]

    def items(self, keys: BitMap) -> Iterator[tuple[int, float]]:
        """(key, distance) of ``keys`` in order."""
        if self.preference == "cheapest":
            return self._by_price(keys)
        return self._by_distance(keys)

    def _by_distance(self, keys: BitMap) -> Iterator[tuple[int, float]]:
        by_key = self.catalogue.by_key
        order, distances = self._distances
        for distance, run in itertools.groupby(order, key=lambda slot: distances[slot]):
            found = []
            for slot in run:
                start, end = shop_range(slot)
                if keys.range_cardinality(start, end):
                    for key in keys.iter_equal_or_larger(start):
                        if key >= end:
                            break
                        found.append((by_key[key].price, by_key[key].pk, key))
            found.sort()
            for _, _, key in found:
                yield key, distance

    def _by_price(self, keys: BitMap) -> Iterator[tuple[int, float]]:
        by_key, prices = self.catalogue.by_key, self.catalogue.prices
        distances = self._distances[1]
        left = len(keys)
        for bucket in range(PRICE_BUCKETS):
            if not left:
                return
            if not prices[bucket]:
                continue
            inside = keys & prices[bucket]
            if not inside:
                continue
            left -= len(inside)
            found = sorted(
                (by_key[key].price, distances[key >> SLOT_BITS], by_key[key].pk, key)
                for key in inside
            )
            for _, distance, _, key in found:
                yield key, distance


_distance_cache: dict[tuple, tuple[tuple[int, ...], tuple[float, ...]]] = {}


def _distances(
    catalogue: Catalogue,
    at: engine.Position | None,
    floor_change_metres: float,
    walking: Walking | None = None,
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """(slots nearest first, distance by slot) from ``at``: kiosks stand still, so each
    position's order is worked out once per catalogue, shop count and corridors' version
    (walking distances when staff drew corridors: ``shop_distance``)."""
    version = walking.serial if walking is not None and at is not None else 0
    key = (catalogue.serial, len(catalogue.shop_of_slot), at, floor_change_metres, version)
    found = _distance_cache.get(key)
    if found is None:
        distances = []
        for shop_id in catalogue.shop_of_slot:
            shop = catalogue.shops.get(shop_id)
            if at is None:
                distances.append(0.0)
            elif shop is None:
                distances.append(float("inf"))
            else:
                where = engine.Position(shop.floor, shop.x, shop.y)
                distances.append(shop_distance(at, where, floor_change_metres, walking))
        order = sorted(range(len(distances)), key=distances.__getitem__)
        if len(_distance_cache) >= 1024:
            _distance_cache.clear()
        # Kept as tuples of numbers, which the garbage collector stops tracking: as lists,
        # a full collection walked every number of every cached position (500,000 of them
        # with 500 kiosks and 500 shops), some 10-30 ms in the middle of a request.
        found = _distance_cache[key] = (tuple(order), tuple(distances))
    return found


def shop_distance(
    at: engine.Position,
    where: engine.Position,
    floor_change_metres: float,
    walking: Walking | None,
) -> float:
    """Metres from ``at`` to ``where``: the shortest walk on the corridors when staff drew
    them and both places reach them, else DESIGN's straight line plus the floor penalty."""
    if walking is not None and walking.drawn:
        walked = walking.distance((at.floor, at.x, at.y), (where.floor, where.x, where.y))
        if walked is not None:
            return walked
    return engine.distance(at, where, floor_change_metres)


def shop_count(keys: BitMap) -> int:
    """How many shops hold one of ``keys`` (one container per shop)."""
    return keys.get_statistics()["n_containers"] if keys else 0


def desire_offers(
    catalogue: Catalogue,
    exact: BitMap,
    similar: BitMap,
    *,
    desire_id: int,
    walk: Walk,
    limit: int,
) -> DesireOffers:
    """The first ``limit`` shops for a want whose matching items are ``exact`` and
    ``similar`` (any stock level): exact shops first, then shops with only similar ones."""
    exact = exact & catalogue.available
    similar = similar & catalogue.available
    by_key = catalogue.by_key
    shops = catalogue.shops

    made: dict[int, ShopOffer | None] = {}

    def offer(slot: int, best_key: int | None = None, kind: bool = False) -> ShopOffer | None:
        if slot in made:
            return made[slot]
        start, end = shop_range(slot)
        count = exact.range_cardinality(start, end) + similar.range_cardinality(start, end)
        if not count:
            made[slot] = None
            return None
        distance = walk.distance(slot)
        # The shop's items, ranked once (a shop holds a few of a want's items), as
        # (row, similar); a Match is made only when asked for: a card lists 5 of them.
        order: list[tuple[OfferedItem, bool]] = []
        ranked: list[Match] = []

        def top(k: int) -> list[Match]:
            if not order:
                for similar_kind, keys in ((False, exact), (True, similar)):
                    if not keys.range_cardinality(start, end):
                        continue
                    here = []
                    for key in keys.iter_equal_or_larger(start):
                        if key >= end:
                            break
                        row = by_key[key]
                        here.append((row.price, row.pk, row))  # ids are unique: rows never compared
                    here.sort()
                    order.extend((row, similar_kind) for *_, row in here)
            for row, similar_kind in order[len(ranked) : k]:
                ranked.append(Match(desire_id, row, distance, similar_kind))
            return ranked[:k]

        best = None if best_key is None else Match(desire_id, by_key[best_key], distance, kind)
        found = made[slot] = ShopOffer(shops[catalogue.shop_of_slot[slot]], count, top, best)
        return found

    first: list[int] = []
    for kind, keys in ((False, exact), (True, similar)):
        if len(first) >= limit:
            break
        for key, _ in walk.items(keys):
            slot = key >> SLOT_BITS
            if slot not in made:
                # The walk's first item of a shop is the shop's best (same order).
                offer(slot, key, kind)
                first.append(slot)
                if len(first) >= limit:
                    break

    def lookup(shop_id: int) -> ShopOffer | None:
        slot = catalogue.slot_of.get(shop_id)
        return offer(slot) if slot is not None else None

    return DesireOffers(
        # Each first slot was made from a matching item: an offer, never None.
        shops=[found for slot in first if (found := made[slot]) is not None],
        total=shop_count(exact | similar),
        _lookup=lookup,
    )


def items_ranked(
    catalogue: Catalogue,
    exact: BitMap,
    similar: BitMap,
    *,
    walk: Walk,
    offset: int,
    limit: int,
) -> tuple[int, list[tuple[OfferedItem, float, bool]]]:
    """Search: how many items are offered, and those from ``offset`` to ``offset + limit``
    in order (exact ones first, each part in the shopper's ranking) as (item, distance,
    similar). The walk stops at the page's end."""
    exact = exact & catalogue.available
    similar = similar & catalogue.available
    stream = itertools.chain(
        ((key, distance, False) for key, distance in walk.items(exact)),
        ((key, distance, True) for key, distance in walk.items(similar)),
    )
    page = itertools.islice(stream, offset, offset + limit)
    return len(exact) + len(similar), [
        (catalogue.by_key[key], distance, kind) for key, distance, kind in page
    ]
