"""Reads of shoppers: by secret token, by code, and who may see them."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from customers.models import Customer, Share
from mall.errors import NotFound


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def customer_by_token(token: str, *, with_last_kiosk: bool = True) -> Customer | None:
    """The live shopper holding ``token``, or None.

    ``with_last_kiosk=False`` leaves out their last kiosk and its shop (where they are), for
    a caller about to replace it: a sighting, on the hottest path of the system.
    """
    if not token or len(token) > 200:
        return None
    customers = Customer.objects.filter(token_hash=token_hash(token), expires_at__gt=timezone.now())
    if with_last_kiosk:
        customers = customers.select_related("last_kiosk__shop")
    # The hash is unique: no ORDER BY (``first()`` would sort by creation time).
    return next(iter(customers.order_by()[:1]), None)


def customer_by_code(code: str) -> Customer:
    """The live shopper with ``code`` (case and spaces forgiven), or NotFound."""
    normalised = "".join(str(code).split()).upper()[:8]
    customer = (
        Customer.objects.select_related("last_kiosk__shop")
        .filter(code=normalised, expires_at__gt=timezone.now())
        .first()
    )
    if customer is None:
        raise NotFound(f"No shopper with code {normalised!r}.", code="unknown_customer")
    return customer


def customer_visible_to_shop(*, customer: Customer, shop_id: int) -> bool:
    """A shop may read a shopper after a share, or while it holds their live card or keeps
    an item for them (a hold made while it saw them)."""
    return (
        Share.objects.filter(customer=customer, shop_id=shop_id).exists()
        or customer.cards.filter(shop_id=shop_id).exists()
        or customer.holds.filter(shop_id=shop_id).exists()
    )


def shop_shares(*, shop_id: int, limit: int = 200) -> list[Share]:
    """The live shoppers who shared with a shop, newest share first, with their wants."""
    return list(
        Share.objects.filter(shop_id=shop_id, customer__expires_at__gt=timezone.now())
        .select_related("customer")
        .prefetch_related("customer__desires")[:limit]
    )
