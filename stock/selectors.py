"""Reads of stock: live holds, items by barcode."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from stock.models import Hold, StockItem


def holds_live(*, customer_id: int | None = None, shop_id: int | None = None) -> QuerySet[Hold]:
    """Holds not yet past their time (an expired one waits for ``purge`` to end it, and is
    shown to no one meanwhile), soonest to end first."""
    holds = Hold.objects.filter(until__gt=timezone.now()).select_related("item", "shop", "customer")
    if customer_id is not None:
        holds = holds.filter(customer_id=customer_id)
    if shop_id is not None:
        holds = holds.filter(shop_id=shop_id)
    return holds


def shop_items_by_barcode(*, shop_id: int, barcode: str) -> list[StockItem]:
    """The shop's items carrying ``barcode`` (more than one is an error to its caller)."""
    return list(StockItem.objects.filter(shop_id=shop_id, barcode=barcode)[:2])
