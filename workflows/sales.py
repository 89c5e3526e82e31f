"""A sale: stock taken (held units first), and with a shopper's code their wants the item
matches fulfilled, their card released, the shopper erased once nothing is left to want;
the shop's other cards refreshed when the item runs out."""

from __future__ import annotations

from django.db import transaction

from core.errors import DomainError, NotFound, OutOfStock
from customers.models import Customer
from customers.selectors import (
    customer_visible_by_code,
)
from mall.models import Shop
from matching.selectors import desires_matched_by
from reports.models import ConversionEvent
from reports.services import conversion_count
from stock.models import Sale, StockItem
from stock.services import holds_consume
from workflows.cards import card_release, customer_refresh
from workflows.restock import shop_cards_refresh
from workflows.shoppers import customer_delete, holds_push


def sale_record(
    *, shop: Shop, item_id: int, quantity: int, customer_code: str | None = None
) -> Sale:
    """Sell ``quantity`` of an item of ``shop``; with a shopper's code, fulfil their wants.

    Stock goes down by one conditional UPDATE, so it never goes below zero even under
    concurrent sales; a sale of more than is free is refused (``OutOfStock``). Units held
    for this shopper are theirs: the sale takes them first and ends those holds. Wants the
    item matches are deleted; a shopper left with none is deleted; the card is released.
    A code is only taken from a shopper the shop may see (a live card or a share): any other
    code is refused (``NotFound``, as for an unknown code) before any stock is taken.
    """
    if quantity < 1:
        raise DomainError("Quantity must be at least 1.", code="invalid_quantity")
    customer = None
    if customer_code:
        customer = customer_visible_by_code(code=customer_code, shop_id=shop.pk)
    with transaction.atomic():
        item = StockItem.objects.filter(pk=item_id, shop=shop).first()
        if item is None:
            raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
        from_held = 0
        if customer is not None:
            from_held = holds_consume(item=item, customer=customer, quantity=quantity)
        if not item.take(quantity, from_held=from_held):
            item.refresh_from_db(fields=["quantity", "held"])
            raise OutOfStock(
                f"Only {item.free + from_held} of {item.name!r} free; cannot sell {quantity}."
            )
        fulfilled = 0
        if customer is not None:
            card_release(shop_id=shop.pk, customer=customer)
            if from_held:
                holds_push(customer=customer, shop_id=shop.pk)
            fulfilled = _desires_fulfil(customer=customer, item=item)
        sale = Sale.objects.create(
            shop=shop,
            item=item,
            item_name=item.name,
            quantity=quantity,
            unit_price=item.price,
            wants_fulfilled=fulfilled,
        )
        if customer is not None:
            conversion_count(shop_id=shop.pk, event=ConversionEvent.SALE_WITH_CODE)
        if from_held:
            conversion_count(shop_id=shop.pk, event=ConversionEvent.HOLD_SOLD)
        if item.free == 0:
            shop_cards_refresh(shop_id=shop.pk)
    return sale


def _desires_fulfil(*, customer: Customer, item: StockItem) -> int:
    """The shopper's wants that ``item`` matches are fulfilled (deleted); a shopper left with
    none is erased, the others matched again. Returns how many wants."""
    matched = desires_matched_by(item=item, desires=list(customer.desires.all()))
    customer.desires.filter(pk__in=matched).delete()
    if not customer.desires.exists():
        customer_delete(customer=customer)
    else:
        customer_refresh(customer=customer)
    return len(matched)
