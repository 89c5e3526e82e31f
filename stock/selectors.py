"""Reads of stock: live holds, items by barcode."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from core.errors import NotFound
from mall.models import Shop
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


def shop_items(*, shop_id: int, query: str = "", limit: int = 500) -> list[StockItem]:
    """A shop's items, those whose name holds ``query`` or whose barcode is ``query``."""
    items = StockItem.objects.filter(shop_id=shop_id)
    if query:
        items = items.filter(name__icontains=query) | items.filter(barcode=query)
    return list(items[:limit])


def shop_item(*, shop: Shop, item_id: int) -> StockItem:
    """One item of ``shop`` (``NotFound`` if it has none with that id)."""
    item = StockItem.objects.filter(pk=item_id, shop=shop).first()
    if item is None:
        raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
    return item


def shop_hold(*, shop_id: int, hold_id: int) -> Hold:
    """One hold a shop made (``NotFound`` if it has none with that id)."""
    hold = Hold.objects.filter(pk=hold_id, shop_id=shop_id).select_related("customer").first()
    if hold is None:
        raise NotFound("No such hold at this shop.", code="unknown_hold")
    return hold


def customer_hold(*, customer_id: int, hold_id: int) -> Hold:
    """One hold made for a shopper (``NotFound`` if they have none with that id)."""
    hold = Hold.objects.filter(pk=hold_id, customer_id=customer_id).first()
    if hold is None:
        raise NotFound("No such hold for you.", code="unknown_hold")
    return hold
