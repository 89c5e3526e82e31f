"""Every live push: group names, payloads, and sending them after the transaction commits.
The shapes of holds, alternatives and shares are their apps' (``stock.payloads``,
``customers.payloads``), shared with the HTTP answers; a push wraps them in its message.

Only services call ``push``; consumers (``matching.consumers``) only join groups and
forward. Pushing on commit means a rolled-back write never shows on a screen.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse

if TYPE_CHECKING:
    from customers.models import Customer
    from mall.models import Shop
    from matching.index.catalogue import OfferedShop
    from matching.models import Card
    from matching.services import CardRow

logger = logging.getLogger(__name__)


def shop_group(shop_id: int) -> str:
    """Every screen and dashboard of one shop."""
    return f"shop.{shop_id}"


def customer_group(customer_id: int) -> str:
    """Every phone page paired with one shopper."""
    return f"me.{customer_id}"


def card_face_url(customer: Customer, shop: Shop | OfferedShop) -> str | None:
    """Where ``shop``'s clerks fetch ``customer``'s photo: an authorised view, never a
    public media URL (DESIGN.md, "Live pushes"). None when there is no photo."""
    if not customer.face_image:
        return None
    return reverse("shop-customer-face", kwargs={"slug": shop.slug, "code": customer.code})


def card_payload(
    card: Card | CardRow,
    *,
    face_url: str | None,
    taken_by: str | None = None,
    holds: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The customer card a shop sees (DESIGN.md, "Live pushes"); ``taken_by`` is the clerk
    serving them, ``holds`` what this shop holds for them (``stock.payloads.hold_payload``)."""
    customer = card.customer
    kiosk = customer.last_kiosk
    desires = card.desires
    return {
        "customer": customer.code,
        "face_url": face_url,
        "desires": [{key: value for key, value in d.items() if key != "items"} for d in desires],
        # This shop's matching items for each want, best first (DESIGN.md, "Live pushes").
        "items": [{"desire": d["id"], **item} for d in desires for item in d.get("items", ())],
        "payment_method": customer.payment_method,
        "seen_at_kiosk": kiosk.name if kiosk else None,
        "distance_m": round(card.distance_m, 1),
        "seen_at": card.seen_at.isoformat(),
        "taken_by": taken_by,
        "holds": holds or [],
    }


def card_show_message(card: dict[str, Any]) -> dict[str, Any]:
    return {"type": "card.show", "card": card}


def card_withdraw_message(customer_code: str) -> dict[str, Any]:
    return {"type": "card.withdraw", "customer": customer_code}


def cards_snapshot_message(cards: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "cards.snapshot", "cards": cards}


def request_new_message(request: dict[str, Any]) -> dict[str, Any]:
    return {"type": "request.new", "request": request}


def shops_update_message(results: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "shops.update", "results": results}


def share_new_message(share: dict[str, Any]) -> dict[str, Any]:
    return {"type": "share.new", "share": share}


def share_withdraw_message(customer_code: str) -> dict[str, Any]:
    """The shopper withdrew their share: the shop's screens drop it."""
    return {"type": "share.withdraw", "customer": customer_code}


def card_taken_message(customer_code: str, clerk: str | None) -> dict[str, Any]:
    """A clerk took the card (``clerk`` None: released)."""
    return {"type": "card.taken", "customer": customer_code, "clerk": clerk}


def hold_update_message(customer_code: str, holds: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything the shop now holds for one shopper (replaces what the card showed)."""
    return {"type": "hold.update", "customer": customer_code, "holds": holds}


def holds_update_message(
    holds: list[dict[str, Any]], alternatives: list[dict[str, Any]]
) -> dict[str, Any]:
    """The shopper's holds and alternatives, all of them (replaces what the phone showed)."""
    return {"type": "holds.update", "holds": holds, "alternatives": alternatives}


def alternative_new_message(alternative: dict[str, Any]) -> dict[str, Any]:
    return {"type": "alternative.new", "alternative": alternative}


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.warning("push to %s failed", group, exc_info=True)


def push(group: str, message: dict[str, Any]) -> None:
    """Send ``message`` to ``group`` once the current transaction commits."""
    transaction.on_commit(lambda: _send(group, message))


def push_many(pushes: list[tuple[str, dict[str, Any]]]) -> None:
    """``push`` each (group, message) once the transaction commits, through one trip to the
    channel layer: a sighting pushes a card to dozens of shops, and one ``async_to_sync``
    per message was most of its time. Each group gets its messages in order."""
    if pushes:
        transaction.on_commit(lambda: _send_many(list(pushes)))


#: Groups sent to at once by ``_send_many`` on a layer without ``group_send_many``.
SEND_CONCURRENCY = 8


def _send_many(pushes: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send_many = getattr(layer, "group_send_many", None)
    if send_many is not None:
        # core.layers' layers: every message in one pass (in memory) or in two round trips
        # (Redis).
        try:
            async_to_sync(send_many)(pushes)
        except Exception:
            logger.warning("push to %d groups failed", len({g for g, _ in pushes}), exc_info=True)
        return
    by_group: dict[str, list[dict[str, Any]]] = {}
    for group, message in pushes:
        by_group.setdefault(group, []).append(message)
    # Any other layer: the groups at once, each group's messages one after another.
    slots = asyncio.Semaphore(SEND_CONCURRENCY)

    async def send_group(group: str, messages: list[dict[str, Any]]) -> None:
        async with slots:
            for message in messages:
                try:
                    await layer.group_send(group, message)
                except Exception:
                    logger.warning("push to %s failed", group, exc_info=True)

    async def send_all() -> None:
        await asyncio.gather(*(send_group(group, ms) for group, ms in by_group.items()))

    async_to_sync(send_all)()


def erased_message() -> dict[str, Any]:
    """To the shopper's phone: their data is gone (purchase, departure, expiry)."""
    return {"type": "me.erased"}


def request_reply_message(request: dict[str, Any]) -> dict[str, Any]:
    """To the shopper's phone: a shop answered one of their requests."""
    return {"type": "request.reply", "request": request}
