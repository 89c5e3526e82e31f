"""Websocket consumers: shop screens (``/ws/shops/<slug>/``) and phone pages (``/ws/me/``).

Thin on purpose (STYLE.md): ``connect`` authorises and joins the groups named by
``matching.realtime``; every other method forwards a pushed message as it is. Services
decide what to push and when (on commit); nothing here writes.

A refused socket is accepted and then closed with code 4403, so that a browser sees why
(a handshake refusal only reaches page scripts as an anonymous 1006).

What a socket may see is checked again every ``SOCKET_RECHECK_SECONDS`` (default 5): the
session read afresh from its store, the user's membership, the phone's pairing. A clerk
who logged out or lost the membership, or a shopper who was erased, loses the socket
(closed with 4403) within that time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any

from channels.auth import get_user
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.base import SessionBase

from core.errors import DomainError, Forbidden
from customers.models import Customer
from customers.pairing import paired_customer
from mall.models import Shop
from mall.selectors import user_is_clerk_of
from matching import realtime
from matching.selectors import customer_results
from workflows.looks import shop_cards_look

#: What ``authorise`` answers: the groups to join, and how to read the first message.
Subscription = tuple[list[str], Callable[[], Awaitable[dict[str, Any]]]]
#: Close code for "not allowed" (4000-4999 are free for applications; 403 as in HTTP).
CLOSE_FORBIDDEN = 4403


def error_message(error: DomainError) -> dict[str, Any]:
    """The one place where a domain error becomes a message to a socket (the JSON error
    shape of the HTTP API, with a ``type``)."""
    return {"type": "error", "error": {"code": error.code, "message": error.message}}


class _ForwardingConsumer(AsyncJsonWebsocketConsumer):
    """Joins the groups chosen by ``authorise`` and forwards what services push."""

    groups_joined: list[str]
    _recheck: asyncio.Task[None] | None = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels runs Django's close_old_connections before every handler, on the thread
        # that runs the HTTP views: under load each pushed card waited there behind the
        # requests in flight, and the cards of a worker fell seconds behind its answers
        # (bench/scale.py). A push (anything but the socket's own websocket.* events) is
        # only forwarded and touches no database; what does goes through
        # database_sync_to_async, which cleans up itself. So pushes skip that turn.
        pushed = not message["type"].startswith("websocket.")
        handler = getattr(self, get_handler_name(message), None) if pushed else None
        if handler is None:
            await super().dispatch(message)  # and an unknown push fails there, as in channels
        else:
            await handler(message)

    async def authorise(self) -> Subscription:
        """The groups to join and the first message to send; raises ``Forbidden``."""
        raise NotImplementedError

    async def connect(self) -> None:
        self.groups_joined = []
        await self.accept()
        try:
            groups, first = await self.authorise()
        except DomainError as error:
            await self.send_json(error_message(error))
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Join before reading the first state: a push racing with the read then arrives
        # after it (messages are handled one at a time), and showing a card twice or
        # withdrawing an absent one is harmless to a client.
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.send_json(await first())
        self._recheck = asyncio.get_running_loop().create_task(self._recheck_every())

    async def still_allowed(self) -> bool:
        """Whether the socket may still see what it receives (session read afresh)."""
        raise NotImplementedError

    async def _recheck_every(self) -> None:
        while True:
            await asyncio.sleep(float(settings.SOCKET_RECHECK_SECONDS))
            if not await self.still_allowed():
                await self._leave_groups()
                await self.send_json(
                    error_message(Forbidden("This socket may no longer see these messages."))
                )
                await self.close(code=CLOSE_FORBIDDEN)
                return

    async def _leave_groups(self) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

    async def disconnect(self, code: int) -> None:
        if self._recheck is not None:
            self._recheck.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recheck
        await self._leave_groups()

    def fresh_session(self) -> SessionBase | None:
        """The socket's session as its store holds it now (None: it has none)."""
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        if not key:
            return None
        return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)

    async def receive(self, text_data: Any = None, bytes_data: Any = None, **kwargs: Any) -> None:
        # Screens and phones only listen; writes go through the HTTP API. Whatever a client
        # sends is answered unread: a frame that is not JSON, or is nested too deep to
        # decode, gets the same answer as any other.
        await self.send_json(
            error_message(DomainError("This socket only sends.", code="read_only"))
        )

    async def forward(self, message: dict[str, Any]) -> None:
        await self.send_json(message)


class ShopConsumer(_ForwardingConsumer):
    """A shop's screen or dashboard: ``cards.snapshot``, then ``card.show``,
    ``card.withdraw``, ``card.taken``, ``hold.update``, ``request.new``, ``share.new`` and
    ``share.withdraw``. Only clerks of the shop (or mall staff)."""

    async def authorise(self) -> Subscription:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        shop = await _shop_of_clerk(self.scope.get("user"), slug)

        user = self.scope.get("user")

        async def snapshot() -> dict[str, Any]:
            # Opening a screen or dashboard shows every live card: each is a look, logged.
            cards = await database_sync_to_async(shop_cards_look)(shop=shop, clerk=user)
            return realtime.cards_snapshot_message(cards)

        self.shop_id = shop.pk
        return [realtime.shop_group(shop.pk)], snapshot

    async def still_allowed(self) -> bool:
        session = await database_sync_to_async(self.fresh_session)()
        if session is None:
            return False
        user = await get_user({"session": session})
        return await database_sync_to_async(user_is_clerk_of)(user, self.shop_id)

    async def card_show(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def card_withdraw(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def request_new(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def share_new(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def share_withdraw(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def card_taken(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def hold_update(self, message: dict[str, Any]) -> None:
        await self.forward(message)


class MeConsumer(_ForwardingConsumer):
    """A paired phone: ``shops.update`` now and whenever the list changes, replies to the
    shopper's requests, ``holds.update`` and ``alternative.new`` from shops, and
    ``me.erased`` when their data is gone."""

    async def authorise(self) -> Subscription:
        customer = await _paired_customer(self.scope.get("session"))

        async def current() -> dict[str, Any]:
            results = await database_sync_to_async(customer_results)(customer=customer)
            return realtime.shops_update_message(results)

        self.customer_id = customer.pk
        return [realtime.customer_group(customer.pk)], current

    async def still_allowed(self) -> bool:
        def paired() -> bool:
            session = self.fresh_session()
            customer = paired_customer(session) if session is not None else None
            return customer is not None and customer.pk == self.customer_id

        return await database_sync_to_async(paired)()

    async def shops_update(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def request_reply(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def holds_update(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def alternative_new(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def me_erased(self, message: dict[str, Any]) -> None:
        await self.forward(message)
        await self.close()


@database_sync_to_async
def _shop_of_clerk(user: User | AnonymousUser | None, slug: str) -> Shop:
    shop = Shop.objects.filter(slug=str(slug)[:50]).first()
    # One answer for an unknown shop and a shop of someone else: no probing of slugs.
    if shop is None or user is None or not user_is_clerk_of(user, shop.pk):
        raise Forbidden("Only clerks of this shop may watch its cards.")
    return shop


@database_sync_to_async
def _paired_customer(session: SessionBase | None) -> Customer:
    customer = paired_customer(session) if session is not None else None
    if customer is None:
        raise Forbidden("This phone is not paired with a shopper (scan the kiosk's QR code).")
    return customer
