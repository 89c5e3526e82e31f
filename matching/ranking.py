"""A want's matches in the shopper's order (nearest or cheapest, exact before similar), one
offer per shop, and the shops that get the shopper's card (DESIGN.md, "Ranking", flow 3)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from customers.models import DesiredProduct
from matching import engine
from matching.index.offers import (
    DesireOffers,
    Match,
    ShopOffer,
)


def ranked(matches: list[Match], preference: str) -> list[Match]:
    """``matches`` in the shopper's order (``engine.rank``), exact matches first."""
    by_item = {m.item.pk: m for m in matches}
    offers = [
        engine.Offer(m.item.pk, m.item.shop_id, Decimal(m.item.price), m.distance_m)
        for m in matches
    ]
    order = [by_item[o.item_id] for o in engine.rank(offers, preference)]
    # A stable sort: the shopper's order is kept within the exact and the similar ones.
    return sorted(order, key=lambda m: m.similar)


def shop_offers(matches: list[Match], preference: str) -> list[ShopOffer]:
    """``matches`` of one want as one offer per shop, in the shopper's order of each shop's
    best item (so shops with an exact match come before shops with only similar ones).
    Every match is ranked: for tests and reports (sightings use ``desires_offers``)."""
    by_shop: dict[int, list[Match]] = {}
    for match in ranked(matches, preference):
        by_shop.setdefault(match.item.shop_id, []).append(match)
    return [_shop_offer(ms) for ms in by_shop.values()]


def _shop_offer(matches: list[Match]) -> ShopOffer:
    return ShopOffer(matches[0].item.offered_shop(), len(matches), lambda k: matches[:k])


def desire_shop_offers(
    desires: Iterable[DesiredProduct], matches: dict[int, list[Match]], preference: str
) -> dict[int, DesireOffers]:
    """Each want's offers from every match of it (``shop_offers``)."""
    found = {}
    for desire in desires:
        offers = shop_offers(matches.get(desire.pk, []), preference)
        by_shop = {offer.shop.pk: offer for offer in offers}
        found[desire.pk] = DesireOffers(offers, len(offers), by_shop.get)
    return found


def card_shops(
    offers: dict[int, DesireOffers], *, kiosk_shop_id: int | None, per_desire: int
) -> list[int]:
    """The shops that get the shopper's card (DESIGN.md, flow 3): for each want, the first
    ``per_desire`` shops of its list, then the shop of the kiosk that saw them if it has a
    match for any want. In that order, each shop once."""
    shown = {o.shop.pk: None for found in offers.values() for o in found.shops[:per_desire]}
    if kiosk_shop_id is not None and any(
        found.shop(kiosk_shop_id) is not None for found in offers.values()
    ):
        shown[kiosk_shop_id] = None
    return list(shown)
