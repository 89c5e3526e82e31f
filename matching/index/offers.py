"""From matching items to the shopper's list: one offer per shop, the first few shops only.

One pass over the want's available items keeps, per shop, its best item and its count
(distance is the same for all items of a shop, so a shop's best item is its cheapest under
either ranking); the shops are then ordered by a top-k selection. Only the offers shown
are built: nothing is ranked, loaded or encoded for the shops behind them.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyroaring import BitMap

from matching import engine
from matching.index.catalogue import Catalogue, OfferedItem, OfferedShop


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

    def __init__(self, shop: OfferedShop, count: int, top: Callable[[int], list[Match]]) -> None:
        self.shop = shop
        self.count = count
        self._top = top
        self._best: Match | None = None

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


def _shop_key(preference: str, distance: float, price: Decimal, item_id: int) -> tuple:
    if preference == "cheapest":
        return (price, distance, item_id)
    return (distance, price, item_id)


def desire_offers(
    catalogue: Catalogue,
    exact: BitMap,
    similar: BitMap,
    *,
    desire_id: int,
    at: engine.Position,
    preference: str,
    floor_change_metres: float,
    limit: int,
    now: float | None = None,
) -> DesireOffers:
    """The first ``limit`` shops for a want whose matching items are ``exact`` and
    ``similar`` (any stock level): exact shops first, then shops with only similar ones."""
    now = time.time() if now is None else now
    items = catalogue.items
    # shop id -> [best exact (price, id), best similar (price, id), exact ids, similar ids]
    per_shop: dict[int, list[Any]] = {}
    for kind, ids in ((0, exact & catalogue.available), (1, similar & catalogue.available)):
        for item_id in ids:
            item = items[item_id]
            if item.expires_at <= now:
                continue
            entry = per_shop.get(item.shop_id)
            if entry is None:
                per_shop[item.shop_id] = entry = [None, None, [], []]
            entry[2 + kind].append(item_id)
            key = (item.price, item_id)
            if entry[kind] is None or key < entry[kind]:
                entry[kind] = key
    shops = catalogue.shops
    distances = {
        shop_id: engine.distance(
            at,
            engine.Position(shops[shop_id].floor, shops[shop_id].x, shops[shop_id].y),
            floor_change_metres,
        )
        for shop_id in per_shop
    }

    def order(shop_id: int) -> tuple:
        entry = per_shop[shop_id]
        kind = 0 if entry[0] is not None else 1
        price, item_id = entry[kind]
        return (kind, *_shop_key(preference, distances[shop_id], price, item_id))

    def offer(shop_id: int) -> ShopOffer | None:
        entry = per_shop.get(shop_id)
        if entry is None:
            return None
        distance = distances[shop_id]

        def top(k: int) -> list[Match]:
            found: list[Match] = []
            for kind in (0, 1):
                if len(found) >= k:
                    break
                best = heapq.nsmallest(
                    k - len(found), entry[2 + kind], key=lambda i: (items[i].price, i)
                )
                found += [Match(desire_id, items[i], distance, bool(kind)) for i in best]
            return found

        return ShopOffer(shops[shop_id], len(entry[2]) + len(entry[3]), top)

    first = heapq.nsmallest(limit, per_shop, key=order)
    return DesireOffers(
        shops=[offer(shop_id) for shop_id in first],  # type: ignore[misc]
        total=len(per_shop),
        _lookup=offer,
    )


def items_ranked(
    catalogue: Catalogue,
    exact: BitMap,
    similar: BitMap,
    *,
    at: engine.Position,
    preference: str,
    floor_change_metres: float,
    stop: int,
    now: float | None = None,
) -> tuple[int, list[tuple[OfferedItem, float, bool]]]:
    """Search: how many items are offered, and the first ``stop`` in order (exact ones
    first, each part in the shopper's ranking) as (item, distance, similar)."""
    now = time.time() if now is None else now
    items, shops = catalogue.items, catalogue.shops
    distances: dict[int, float] = {}
    total = 0
    keyed: list[tuple] = []
    for kind, ids in ((0, exact & catalogue.available), (1, similar & catalogue.available)):
        for item_id in ids:
            item = items[item_id]
            if item.expires_at <= now:
                continue
            total += 1
            distance = distances.get(item.shop_id)
            if distance is None:
                shop = shops[item.shop_id]
                distance = distances[item.shop_id] = engine.distance(
                    at, engine.Position(shop.floor, shop.x, shop.y), floor_change_metres
                )
            keyed.append((kind, *_shop_key(preference, distance, item.price, item_id)))
    first = heapq.nsmallest(stop, keyed)
    return total, [
        (items[key[-1]], distances[items[key[-1]].shop_id], bool(key[0])) for key in first
    ]
