"""Looks: a shop (a clerk, or its kiosk by key) reaching a shopper's data, and a shopper's
own share, each logged in the access log (``reports``) as it happens (README, "Trust").

The doors call these instead of pairing a read or a write with ``access_log_record``
themselves: a door imports its own app, the floors below it and the workflows only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from core.errors import NotFound
from core.throttles import code_lookup, code_lookup_check, code_lookup_count
from customers.models import Customer, Share
from customers.selectors import customer_by_code, shop_shares, visible_customer
from kiosks.models import Kiosk
from mall.models import Shop
from matching.models import Card
from matching.selectors import shop_cards_snapshot
from reports.models import AccessAction
from reports.services import access_log_record, access_log_snapshot
from stock.models import Sale
from workflows.cards import card_take
from workflows.sales import sale_record
from workflows.shoppers import share_create

#: Who looks: a signed-in clerk, a session without one, or nobody (a kiosk, the shopper).
Clerk = User | AnonymousUser | None


def shopper_for_shop(*, shop: Shop, code: str) -> Customer:
    """The shopper with ``code`` if ``shop`` sees them (``visible_customer``: else 404, and
    counted against the shop's look-up limit): whom a hold or an alternative is for."""
    return visible_customer(shop=shop, code=code)


def shopper_wants_look(*, shop: Shop, code: str, clerk: Clerk, kiosk: Kiosk | None) -> Customer:
    """A clerk or the shop's kiosk reads the shopper with ``code`` (their wants): logged."""
    customer = visible_customer(shop=shop, code=code)
    _log(action=AccessAction.WANTS_READ, shop=shop, customer=customer, clerk=clerk, kiosk=kiosk)
    return customer


def shopper_face_look(*, shop: Shop, code: str, clerk: Clerk, kiosk: Kiosk | None) -> Customer:
    """A clerk or the shop's kiosk sees the shopper's photo (``NotFound`` if there is
    none, then nothing is logged)."""
    customer = visible_customer(shop=shop, code=code)
    if not customer.face_image:
        raise NotFound("This shopper has no photo.")
    _log(action=AccessAction.FACE_VIEW, shop=shop, customer=customer, clerk=clerk, kiosk=kiosk)
    return customer


def shop_shares_look(*, shop: Shop, clerk: Clerk) -> list[Share]:
    """Who shared with ``shop``, with their wants: every shopper listed is a look."""
    shares = shop_shares(shop_id=shop.pk)
    access_log_snapshot(shop=shop, clerk=clerk, codes=[s.customer.code for s in shares])
    return shares


def shop_cards_look(*, shop: Shop, clerk: Clerk) -> list[dict[str, Any]]:
    """A screen or dashboard of ``shop`` opens on every live card (``cards.snapshot``):
    each is a look, logged."""
    cards = shop_cards_snapshot(shop_id=shop.pk)
    access_log_snapshot(shop=shop, clerk=clerk, codes=[card["customer"] for card in cards])
    return cards


def share_by_shopper(*, customer: Customer, shop: Shop) -> Share:
    """The shopper lets ``shop`` read their wants: logged as theirs."""
    share = share_create(customer=customer, shop=shop)
    _log(action=AccessAction.SHARE, shop=share.shop, customer=customer)
    return share


def share_by_code(*, shop: Shop, code: str, clerk: Clerk, kiosk: Kiosk | None) -> Customer:
    """A clerk typed or scanned the shopper's code (the shopper showed it): a share,
    logged as the clerk's; the shopper who shared. Every share by code counts against the
    shop's look-up limit: it is the one way a code makes a shopper visible."""
    code_lookup_check(shop_id=shop.pk)
    code_lookup_count(shop_id=shop.pk)
    customer = customer_by_code(code)
    share_create(customer=customer, shop=shop)
    _log(action=AccessAction.SHARE, shop=shop, customer=customer, clerk=clerk, kiosk=kiosk)
    return customer


def sale_to_code(
    *,
    shop: Shop,
    item_id: int,
    quantity: int,
    code: str | None,
    clerk: Clerk,
    kiosk: Kiosk | None,
) -> Sale:
    """``workflows.sales.sale_record``; a sale to a shopper's code is logged after it (the
    shopper may be gone by then: their last want fulfilled). A code the shop cannot see
    counts against its look-up limit."""

    def record() -> Sale:
        return sale_record(shop=shop, item_id=item_id, quantity=quantity, customer_code=code)

    sale = code_lookup(shop_id=shop.pk, find=record) if code else record()
    if code:
        access_log_record(
            action=AccessAction.SALE, shop=shop, customer_code=code, clerk=clerk, kiosk=kiosk
        )
    return sale


def card_take_look(*, shop: Shop, code: str, clerk: User) -> Card:
    """A clerk takes the card of the shopper with ``code`` (``workflows.cards.card_take``):
    logged."""
    customer = visible_customer(shop=shop, code=code)
    card = card_take(shop_id=shop.pk, customer=customer, clerk=clerk)
    _log(action=AccessAction.CARD_TAKEN, shop=shop, customer=card.customer, clerk=clerk)
    return card


def _log(
    *, action: str, shop: Shop, customer: Customer, clerk: Clerk = None, kiosk: Kiosk | None = None
) -> None:
    access_log_record(
        action=action,
        shop=shop,
        customer_code=customer.code,
        customer=customer,
        clerk=clerk,
        kiosk=kiosk,
    )
