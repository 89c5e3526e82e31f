"""Reads of stock: holds and alternatives, and what a shop's card shows of them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from matching import realtime
from matching.models import Card
from stock.models import Alternative, Hold, StockItem


def holds_live(*, customer_id: int | None = None, shop_id: int | None = None) -> QuerySet[Hold]:
    """Holds not yet past their time (an expired one waits for ``purge`` to end it, and is
    shown to no one meanwhile), soonest to end first."""
    holds = Hold.objects.filter(until__gt=timezone.now()).select_related("item", "shop", "customer")
    if customer_id is not None:
        holds = holds.filter(customer_id=customer_id)
    if shop_id is not None:
        holds = holds.filter(shop_id=shop_id)
    return holds


def customer_holds_payload(*, customer_id: int, shop_id: int | None = None) -> list[dict]:
    """``hold_payload`` of each live hold of a shopper (at one shop, or everywhere)."""
    return [
        realtime.hold_payload(hold) for hold in holds_live(customer_id=customer_id, shop_id=shop_id)
    ]


def customer_alternatives_payload(*, customer_id: int) -> list[dict[str, Any]]:
    """``alternative_payload`` of each alternative a shop offered the shopper."""
    alternatives = Alternative.objects.filter(customer_id=customer_id).select_related(
        "item", "shop", "customer", "desire"
    )
    return [realtime.alternative_payload(alternative) for alternative in alternatives]


def cards_serving(*, customer_id: int) -> dict[int, tuple[str | None, list[dict[str, Any]]]]:
    """For each shop with a card of the shopper that is taken or holds something: the clerk
    serving them and the shop's holds (``card_payload``'s ``taken_by`` and ``holds``).

    Two small indexed reads per sighting; shops absent from the answer have neither.
    """
    serving: dict[int, tuple[str | None, list[dict[str, Any]]]] = {
        shop_id: (username, [])
        for shop_id, username in Card.objects.filter(
            customer_id=customer_id, taken_by__isnull=False
        ).values_list("shop_id", "taken_by__username")
    }
    for hold in holds_live(customer_id=customer_id):
        clerk, holds = serving.get(hold.shop_id, (None, []))
        holds.append(realtime.hold_payload(hold))
        serving[hold.shop_id] = (clerk, holds)
    return serving


def shop_items_by_barcode(*, shop_id: int, barcode: str) -> list[StockItem]:
    """The shop's items carrying ``barcode`` (more than one is an error to its caller)."""
    return list(StockItem.objects.filter(shop_id=shop_id, barcode=barcode)[:2])
