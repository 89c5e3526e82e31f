"""Holds and alternatives: a clerk keeps units for a shopper or offers them another item;
the shopper accepts or dismisses; a hold ends (cancelled, sold, expired) and its units are
offered again (a restock)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, NotAvailable, NotFound
from customers.models import Customer
from customers.selectors import (
    UNKNOWN_CODE,
    customer_visible_to_shop,
)
from mall.models import Shop
from matching import realtime
from reports.models import AccessAction, ConversionEvent
from reports.services import access_log_record, conversion_count
from stock.models import Alternative, Hold, StockItem
from stock.payloads import alternative_payload
from stock.services import HOLD_DEFAULT, HOLD_MAX, alternative_of
from workflows.restock import items_restocked, shop_cards_refresh
from workflows.shoppers import holds_push


def hold_create(
    *,
    shop: Shop,
    customer: Customer,
    item_id: int,
    quantity: int = 1,
    until: datetime | None = None,
    clerk: User | None = None,
    check_visible: bool = True,
) -> Hold:
    """Keep ``quantity`` free units of a shop's item for a shopper the shop sees, until
    ``until`` (default in 2 hours, at most 24 hours ahead).

    The units come out of what is free by one conditional UPDATE (``StockItem.hold``), so
    holds and sales together never promise more than the shelf has; fewer free units than
    asked is ``NotAvailable`` (409) and nothing changes.
    """
    if quantity < 1:
        raise DomainError("Quantity must be at least 1.", code="invalid_quantity")
    now = timezone.now()
    until = until or now + HOLD_DEFAULT
    if until <= now:
        raise DomainError("A hold must end in the future.", code="invalid_until")
    if until > now + HOLD_MAX:
        raise DomainError("A hold lasts at most 24 hours.", code="invalid_until")
    if check_visible and not customer_visible_to_shop(customer=customer, shop_id=shop.pk):
        # The same answer as an unknown code: a shop cannot probe which codes exist.
        raise NotFound(UNKNOWN_CODE, code="unknown_customer")
    with transaction.atomic():
        item = StockItem.objects.filter(pk=item_id, shop=shop).first()
        if item is None:
            raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
        if not item.hold(quantity):
            item.refresh_from_db(fields=["quantity", "held"])
            raise NotAvailable(
                f"Only {max(item.free, 0)} of {item.name!r} free; cannot hold {quantity}."
            )
        hold = Hold.objects.create(
            item=item, shop=shop, customer=customer, quantity=quantity, until=until, clerk=clerk
        )
        conversion_count(shop_id=shop.pk, event=ConversionEvent.HOLD_MADE)
        access_log_record(
            action=AccessAction.HOLD,
            shop=shop,
            customer_code=customer.code,
            customer=customer,
            clerk=clerk,
        )
        holds_push(customer=customer, shop_id=shop.pk)
        if item.free == 0:
            # Offered to no one else now: the other shoppers' lists and cards follow.
            shop_cards_refresh(shop_id=shop.pk, besides=customer.pk)
    return hold


def hold_cancel(*, hold: Hold) -> bool:
    """End a hold without a sale (the clerk or the shopper cancelled it, or it expired):
    its units are free again, a restock for the shoppers who want them. False when it had
    ended meanwhile (nothing is given back twice)."""
    with transaction.atomic():
        if not Hold.objects.filter(pk=hold.pk).delete()[0]:
            return False
        item = StockItem.objects.get(pk=hold.item_id)
        was_free = item.free
        item.release(hold.quantity)
        holds_push(customer=hold.customer, shop_id=hold.shop_id)
        if was_free == 0 and item.free > 0:
            items_restocked(items=[item])
    return True


def holds_expired_purge(*, now: datetime) -> int:
    """End every hold past its time (``manage.py purge``). Returns how many ended."""
    ended = 0
    for hold in Hold.objects.filter(until__lte=now).select_related("customer"):
        if hold_cancel(hold=hold):
            ended += 1
            conversion_count(shop_id=hold.shop_id, event=ConversionEvent.HOLD_EXPIRED)
    return ended


def alternative_create(
    *, shop: Shop, customer: Customer, desire_id: int, item_id: int, note: str = ""
) -> Alternative:
    """Offer a shopper the shop sees another of its items for one of their wants."""
    if not customer_visible_to_shop(customer=customer, shop_id=shop.pk):
        raise NotFound(UNKNOWN_CODE, code="unknown_customer")
    desire = customer.desires.filter(pk=desire_id).first()
    if desire is None:
        raise NotFound("No such wanted product for this shopper.", code="unknown_desire")
    item = StockItem.objects.filter(pk=item_id, shop=shop).first()
    if item is None:
        raise NotFound(f"No item {item_id} in {shop.name}.", code="unknown_item")
    with transaction.atomic():
        alternative = Alternative.objects.create(
            desire=desire, customer=customer, item=item, shop=shop, note=note.strip()[:200]
        )
        realtime.push(
            realtime.customer_group(customer.pk),
            realtime.alternative_new_message(alternative_payload(alternative)),
        )
        holds_push(customer=customer, shop_id=None)
    return alternative


def alternative_accept(*, customer: Customer, alternative_id: int) -> Hold:
    """The shopper takes up an alternative: one unit is held for them (as a clerk's hold,
    for the default time) and the offer is gone. ``NotAvailable`` if none is free."""
    with transaction.atomic():
        alternative = alternative_of(customer=customer, alternative_id=alternative_id)
        hold = hold_create(
            shop=alternative.shop,
            customer=customer,
            item_id=alternative.item_id,
            quantity=1,
            check_visible=False,  # the shopper asks for it themselves
        )
        alternative.delete()
    return hold


def alternative_dismiss(*, customer: Customer, alternative_id: int) -> None:
    """The shopper does not want an alternative: it is gone."""
    with transaction.atomic():
        alternative_of(customer=customer, alternative_id=alternative_id).delete()
        holds_push(customer=customer, shop_id=None)
