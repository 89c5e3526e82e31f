"""Reads of shoppers: by secret token, by code, and who may see them."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.utils import timezone

from core.errors import NotFound
from core.rows import PreparedRead
from core.throttles import code_lookup
from customers.models import Customer, DesiredProduct, Share, ShopRequest
from mall.models import Shop

UNKNOWN_TOKEN = "No shopper with this token (unknown, expired or erased)."


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The shopper with a token's hash, with or without their last kiosk and its shop. The
# hash is unique: no ORDER BY (``first()`` would sort by creation time). Prepared: a
# sighting runs this and ``desires_live``; the expiry is checked on the row.
_by_token_hash = PreparedRead(
    lambda digest: Customer.objects.filter(token_hash=digest).order_by()[:1], "\x00hash"
)
_by_token_hash_with_place = PreparedRead(
    lambda digest: (
        Customer.objects.select_related("last_kiosk__shop").filter(token_hash=digest).order_by()[:1]
    ),
    "\x00hash",
)
_desires_of = PreparedRead(
    lambda customer_id: DesiredProduct.objects.filter(customer_id=customer_id), -987_654_321
)


def customer_by_token(token: str, *, with_last_kiosk: bool = True) -> Customer:
    """The live shopper holding ``token`` (``NotFound`` otherwise, as every selector of one
    thing answers a miss).

    ``with_last_kiosk=False`` leaves out their last kiosk and its shop (where they are), for
    a caller about to replace it: a sighting, on the hottest path of the system.
    """
    if not token or len(token) > 200:
        raise NotFound(UNKNOWN_TOKEN, code="unknown_token")
    read = _by_token_hash_with_place if with_last_kiosk else _by_token_hash
    found = read.rows(token_hash(token))
    if not found or found[0].expires_at <= timezone.now():
        raise NotFound(UNKNOWN_TOKEN, code="unknown_token")
    return found[0]


def desires_live(customer: Customer) -> list[DesiredProduct]:
    """``customer``'s wants that have not expired, in their order (most wanted first)."""
    now = timezone.now()
    desires = [desire for desire in _desires_of.rows(customer.pk) if desire.expires_at > now]
    for desire in desires:
        DesiredProduct.customer.field.set_cached_value(desire, customer)
    return desires


#: The one answer to a code that is unknown and to one the shop may not see: a shop cannot
#: tell whether a code it guessed exists.
UNKNOWN_CODE = "No shopper with this code is visible to this shop."


def code_normalised(code: str) -> str:
    """A code as typed or scanned: case, spaces and dashes forgiven."""
    return "".join(ch for ch in str(code) if ch.isalnum()).upper()[:12]


def customer_by_code(code: str) -> Customer:
    """The live shopper with ``code`` (case, spaces and dashes forgiven), or NotFound."""
    customer = (
        Customer.objects.select_related("last_kiosk__shop")
        .filter(code=code_normalised(code), expires_at__gt=timezone.now())
        .first()
    )
    if customer is None:
        raise NotFound(UNKNOWN_CODE, code="unknown_customer")
    return customer


def customer_visible_by_code(*, code: str, shop_id: int) -> Customer:
    """The live shopper with ``code`` if the shop may see them (DESIGN.md, "Who may see a
    shopper"); else NotFound, the same answer whether the code exists or not."""
    customer = (
        Customer.objects.select_related("last_kiosk__shop")
        .filter(code=code_normalised(code), expires_at__gt=timezone.now())
        .first()
    )
    if customer is None or not customer_visible_to_shop(customer=customer, shop_id=shop_id):
        raise NotFound(UNKNOWN_CODE, code="unknown_customer")
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


def visible_customer(*, shop: Shop, code: str) -> Customer:
    """The shopper with ``code`` if ``shop`` sees them, else 404 (one answer for unknown
    and not visible); each code that finds no one counts against the shop's limit."""
    return code_lookup(
        shop_id=shop.pk, find=lambda: customer_visible_by_code(code=code, shop_id=shop.pk)
    )


def customer_shares(*, customer: Customer) -> list[Share]:
    """The shops ``customer`` shared with, with each shop."""
    return list(customer.shares.select_related("shop"))


def customer_requests(*, customer: Customer) -> list[ShopRequest]:
    """The requests ``customer`` sent to shops, newest first."""
    return list(customer.requests.select_related("shop", "customer"))


def shop_requests(*, shop_id: int, limit: int = 200) -> list[ShopRequest]:
    """The requests shoppers sent a shop, newest first."""
    return list(
        ShopRequest.objects.filter(shop_id=shop_id).select_related("shop", "customer")[:limit]
    )


def shop_request_of(*, shop_id: int, request_id: int) -> ShopRequest:
    """One request sent to a shop (``NotFound`` if there is none with that id)."""
    found = ShopRequest.objects.filter(pk=request_id, shop_id=shop_id).first()
    if found is None:
        raise NotFound("No such request for this shop.")
    return found


def customers_departed(*, now: datetime, grace_seconds: int) -> list[Customer]:
    """Shoppers out of range of every kiosk for longer than the grace period, and shoppers
    without a handheld in range (phones) whose last sighting or check-in is older than
    that: the purge erases them."""
    cutoff = now - timedelta(seconds=grace_seconds)
    out_of_range = Customer.objects.filter(out_of_range_since__lte=cutoff)
    phones = Customer.objects.filter(
        out_of_range_since__isnull=True, last_seen_at__lte=cutoff, presences__isnull=True
    )
    return list((out_of_range | phones).distinct())
