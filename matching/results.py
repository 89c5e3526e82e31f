"""The shopper's list (DESIGN.md, "The sighting answer"): per want, one line per shop. The
same shape answers a sighting over HTTP and is pushed to the phone as ``shops.update``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from customers.models import DesiredProduct
from mall.selectors import place_directions
from matching.index.catalogue import OfferedShop
from matching.index.offers import (
    DesireOffers,
    Match,
    ShopOffer,
)
from matching.ranking import desire_shop_offers

#: Offers listed per want: enough to choose from on a phone, bounded for the radio link.
OFFERS_PER_DESIRE = 20


def shop_payload(shop: OfferedShop) -> dict[str, Any]:
    return {
        "slug": shop.slug,
        "name": shop.name,
        "floor": shop.floor,
        "x": shop.x,
        "y": shop.y,
        # Words for a screen with no map (the handheld): "Floor 1, 12 m left of the lift".
        "directions": place_directions(floor=shop.floor, x=shop.x, y=shop.y),
    }


def offer_payload(offer: ShopOffer) -> dict[str, Any]:
    """One line of the shopper's list (DESIGN.md, "The sighting answer")."""
    match = offer.best
    item = match.item
    return {
        "shop": shop_payload(offer.shop),
        "item": {
            "id": item.pk,
            "name": item.name,
            "price": f"{item.price:.2f}",
            "quantity": item.quantity,
        },
        "distance_m": round(match.distance_m, 1),
        "similar": match.similar,
        "more_here": offer.more_here,
    }


def results_payload(
    desires: Iterable[DesiredProduct], matches: dict[int, list[Match]], preference: str
) -> list[dict[str, Any]]:
    """The ``results`` list from every match of each want (``matches_for_desires``)."""
    return desire_results(desires, desire_shop_offers(desires, matches, preference))


def desire_results(
    desires: Iterable[DesiredProduct], offers: dict[int, DesireOffers]
) -> list[dict[str, Any]]:
    """The ``results`` list of the sighting answer and of ``shops.update`` (DESIGN.md):
    per want, one offer per shop, at most ``OFFERS_PER_DESIRE`` shops."""
    empty = DesireOffers([], 0)
    return [
        {
            "desire": {"id": desire.pk, "name": desire.name},
            "shops_total": offers.get(desire.pk, empty).total,
            "offers": [
                offer_payload(o) for o in offers.get(desire.pk, empty).shops[:OFFERS_PER_DESIRE]
            ],
        }
        for desire in desires
    ]
