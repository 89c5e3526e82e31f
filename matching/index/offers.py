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
import math
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
from matching.index.phrases import memo_epoch

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

    def items(self, keys: BitMap, bucket: Bucket | None = None) -> Iterator[tuple[int, float]]:
        """(key, distance) of the offered items of ``keys`` (in ``available``) in order.
        ``bucket``: ``keys`` of one price bucket, as a want remembers them
        (``WantWalks.bucket``); worked out when None."""
        if self.preference == "cheapest":
            prices = self.catalogue.prices
            return self._by_price(keys, bucket or (lambda number: keys & prices[number]))
        return self._by_distance(keys)

    def shop_bests(self, keys: BitMap, bucket: Bucket | None = None) -> Iterator[tuple[int, float]]:
        """(key, distance) of each shop's best offered item of ``keys``, shops in order:
        ``items`` with every shop's later items left out. A list needs no more; nearest
        first, a shop's other items are not sorted in (a shop of its kind of goods may
        hold dozens of a want's items)."""
        if self.preference == "cheapest":
            return _first_of_each_shop(self.items(keys, bucket))
        return self._by_distance(keys, bests=True)

    def _by_distance(self, keys: BitMap, *, bests: bool = False) -> Iterator[tuple[int, float]]:
        by_key, available = self.catalogue.by_key, self.catalogue.available
        order, distances = self._distances
        for distance, run in itertools.groupby(order, key=distances.__getitem__):
            found = []
            for slot in run:
                start, end = shop_range(slot)
                if not keys.range_cardinality(start, end):
                    continue  # most shops: no call at all
                rows = [(by_key[key], key) for key in _in_stock(keys, start, end, available)]
                here = [(row.price, row.pk, key) for row, key in rows]
                if bests and here:
                    found.append(min(here))
                else:
                    found += here
            found.sort()
            for _, _, key in found:
                yield key, distance

    def _by_price(self, keys: BitMap, bucket: Bucket) -> Iterator[tuple[int, float]]:
        by_key, prices = self.catalogue.by_key, self.catalogue.prices
        available, distances = self.catalogue.available, self._distances[1]
        left = len(keys)
        for number in range(PRICE_BUCKETS):
            if not left:
                return
            if not prices[number]:
                continue
            inside = bucket(number)
            if not inside:
                continue
            left -= len(inside)
            found = sorted(
                (by_key[key].price, distances[key >> SLOT_BITS], by_key[key].pk, key)
                for key in inside
                if key in available
            )
            for _, distance, _, key in found:
                yield key, distance


def _first_of_each_shop(items: Iterator[tuple[int, float]]) -> Iterator[tuple[int, float]]:
    seen = set()
    for key, distance in items:
        if key >> SLOT_BITS not in seen:
            seen.add(key >> SLOT_BITS)
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
        distances: list[float]
        if at is None:
            distances = [0.0] * len(catalogue.shop_of_slot)
        elif walking is None or not walking.drawn:
            # ``engine.distance``'s sum, inlined over every shop (a kiosk's first sighting
            # pays it: 0.4 -> 0.1 ms at 500 shops); tests/matching/test_offers_property.py
            # ranks with ``engine.distance`` itself.
            hypot, floor, x, y = math.hypot, at.floor, at.x, at.y
            distances = [
                math.inf
                if shop is None
                else hypot(x - shop.x, y - shop.y) + abs(floor - shop.floor) * floor_change_metres
                for shop in map(catalogue.shops.get, catalogue.shop_of_slot)
            ]
        else:
            distances = []
            for shop_id in catalogue.shop_of_slot:
                shop = catalogue.shops.get(shop_id)
                if shop is None:
                    distances.append(math.inf)
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


#: The keys of one price bucket (by its number) among a set's.
Bucket = Callable[[int], "BitMap | tuple[int, ...]"]


@dataclass(eq=False)
class WantWalks:
    """What sightings learnt of a want's items (``want_items``: exact, similar), kept
    while no item enters or leaves ``available`` or changes price bucket."""

    #: Shops offering one of the items in stock (None: not counted yet).
    shops: int | None = None
    #: Of the exact and the similar items: those of each price bucket, as walks met them.
    by_price: tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]] = field(
        default_factory=lambda: ({}, {})
    )
    #: Keys kept in ``by_price``, at most ``KEYS_REMEMBERED_A_WANT``.
    kept: int = 0

    def bucket(self, similar: bool, keys: BitMap, prices: list[BitMap]) -> Bucket:
        """The keys of ``keys`` (the want's exact or ``similar`` items) in a price bucket,
        kept as tuples (a few numbers, where a small bitmap holds kilobytes) while the want
        has room."""
        found = self.by_price[similar]

        def inside(number: int) -> BitMap | tuple[int, ...]:
            kept = found.get(number)
            if kept is not None:
                return kept
            keys_in = keys & prices[number]
            if self.kept + len(keys_in) > KEYS_REMEMBERED_A_WANT:
                return keys_in
            self.kept += len(keys_in)
            found[number] = kept = tuple(keys_in)
            return kept

        return inside


#: Wants remembered per process, at most; all are forgotten when it is reached.
WANTS_REMEMBERED = 5_000
#: Keys of price buckets kept for one want, at most (about 40 bytes each as tuples): a
#: sighting's cheapest walk reads a few dozen; a want offered by few shops walks every
#: bucket, and those past this are intersected again at each sighting.
KEYS_REMEMBERED_A_WANT = 256
#: (catalogue serial, the phrases' memo epoch, offering) -> {(id(exact), id(similar)):
#: (exact, similar, walks)}; replaced as a whole when any of the three changes: kept no
#: longer than ``phrases`` keeps the sets themselves.
_walks: tuple[tuple[int, int, int], dict[tuple[int, int], tuple[BitMap, BitMap, WantWalks]]] = (
    (0, -1, -1),
    {},
)


def want_walks(catalogue: Catalogue, exact: BitMap, similar: BitMap) -> WantWalks:
    """What sightings learnt of the want whose items are ``exact`` and ``similar``.

    ``want_items`` gives a shopper's want the same two sets at every sighting. Operations
    on sets that span every shop (500 containers at 500 shops) were a third of the
    matching's time (py-spy, line_profiler: ``bench/sighting.py --profile shared``): the
    shop count and the price buckets' are kept here, a few numbers and small sets per
    want; the stock is checked item by item, on the few items a list shows. The sets are
    kept with their entry, so an id is never taken for another set's."""
    global _walks
    version = (catalogue.serial, memo_epoch(), catalogue.offering)
    if _walks[0] != version:
        _walks = (version, {})
    remembered = _walks[1]
    found = remembered.get((id(exact), id(similar)))
    if found is not None and found[0] is exact and found[1] is similar:
        return found[2]
    walks = WantWalks()
    if len(remembered) >= WANTS_REMEMBERED:
        remembered.clear()
    remembered[id(exact), id(similar)] = (exact, similar, walks)
    return walks


def _in_stock(keys: BitMap, start: int, end: int, available: BitMap) -> list[int]:
    """The keys of ``keys`` from ``start`` to ``end`` (one shop's) that are offered."""
    if not keys.range_cardinality(start, end):
        return []
    found = []
    for key in keys.iter_equal_or_larger(start):
        if key >= end:
            break
        if key in available:
            found.append(key)
    return found


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
    walks = want_walks(catalogue, exact, similar)
    by_key, available = catalogue.by_key, catalogue.available
    shops = catalogue.shops

    made: dict[int, ShopOffer | None] = {}

    def offer(slot: int, best_key: int | None = None, kind: bool = False) -> ShopOffer | None:
        if slot in made:
            return made[slot]
        start, end = shop_range(slot)
        # The shop's items in stock, ranked once when asked for (a shop holds a few of a
        # want's items), as (row, similar); a Match is made only when asked for: a card
        # lists 5 of them.
        parts = [_in_stock(keys, start, end, available) for keys in (exact, similar)]
        count = len(parts[0]) + len(parts[1])
        if not count:
            made[slot] = None
            return None
        distance = walk.distance(slot)
        order: list[tuple[OfferedItem, bool]] = []
        ranked: list[Match] = []

        def top(k: int) -> list[Match]:
            if not order:
                for similar_kind, keys in ((False, parts[0]), (True, parts[1])):
                    rows = sorted((by_key[key].price, by_key[key].pk, key) for key in keys)
                    order.extend((by_key[key], similar_kind) for *_, key in rows)
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
        for key, _ in walk.shop_bests(keys, walks.bucket(kind, keys, catalogue.prices)):
            slot = key >> SLOT_BITS
            if slot not in made:  # an exact shop is not listed again for a similar item
                offer(slot, key, kind)
                first.append(slot)
                if len(first) >= limit:
                    break

    def lookup(shop_id: int) -> ShopOffer | None:
        slot = catalogue.slot_of.get(shop_id)
        return offer(slot) if slot is not None else None

    if walks.shops is None:
        walks.shops = shop_count((exact | similar) & available)
    return DesireOffers(
        # Each first slot was made from a matching item: an offer, never None.
        shops=[found for slot in first if (found := made[slot]) is not None],
        total=walks.shops,
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
    # Nothing remembered: a page far down a broad search would fill a want's memo.
    stream = itertools.chain(
        ((key, distance, False) for key, distance in walk.items(exact)),
        ((key, distance, True) for key, distance in walk.items(similar)),
    )
    page = itertools.islice(stream, offset, offset + limit)
    available = catalogue.available
    total = exact.intersection_cardinality(available) + similar.intersection_cardinality(available)
    return total, [(catalogue.by_key[key], distance, kind) for key, distance, kind in page]
