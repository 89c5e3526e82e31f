"""The shapes of stock's answers, shared by its HTTP APIs, the shopper's ``/api/me/`` and
the live pushes (``matching.realtime`` wraps them in its messages): a hold, an alternative.
"""

from __future__ import annotations

from typing import Any

from mall.models import Shop
from stock.models import Alternative, Hold
from stock.selectors import holds_live


def shop_place(shop: Shop) -> dict[str, Any]:
    """A shop as the shopper's list names it: where to go."""
    return {"slug": shop.slug, "name": shop.name, "floor": shop.floor, "x": shop.x, "y": shop.y}


def hold_payload(hold: Hold) -> dict[str, Any]:
    """Units of an item kept for a shopper (``stock.models.Hold``), as the shop and the
    shopper both see it."""
    item = hold.item
    return {
        "id": hold.pk,
        "customer": hold.customer.code,
        "shop": shop_place(hold.shop),
        "item": {
            "id": item.pk,
            "name": item.name,
            "price": f"{item.price:.2f}",
            "barcode": item.barcode,
        },
        "quantity": hold.quantity,
        "until": hold.until.isoformat(),
        "created_at": hold.created_at.isoformat(),
    }


def alternative_payload(alternative: Alternative) -> dict[str, Any]:
    """Another item a shop offers for one of the shopper's wants."""
    item = alternative.item
    return {
        "id": alternative.pk,
        "customer": alternative.customer.code,
        "desire": {"id": alternative.desire_id, "name": alternative.desire.name},
        "shop": shop_place(alternative.shop),
        "item": {
            "id": item.pk,
            "name": item.name,
            "price": f"{item.price:.2f}",
            "quantity": item.quantity - item.held,
        },
        "note": alternative.note,
        "created_at": alternative.created_at.isoformat(),
    }


def customer_holds_payload(*, customer_id: int, shop_id: int | None = None) -> list[dict]:
    """``hold_payload`` of each live hold of a shopper (at one shop, or everywhere)."""
    return [hold_payload(hold) for hold in holds_live(customer_id=customer_id, shop_id=shop_id)]


def customer_alternatives_payload(*, customer_id: int) -> list[dict[str, Any]]:
    """``alternative_payload`` of each alternative a shop offered the shopper."""
    alternatives = Alternative.objects.filter(customer_id=customer_id).select_related(
        "item", "shop", "customer", "desire"
    )
    return [alternative_payload(alternative) for alternative in alternatives]
