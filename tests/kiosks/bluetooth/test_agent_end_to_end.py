"""Handheld -> virtual radio -> kiosk agent -> HTTP -> the real mall server (live_server).

Each test is synchronous: it builds the mall with the services, runs the radio part in
``asyncio.run`` (the server answers from pytest-django's live server thread), then reads
the database to check what the server recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from customers.models import Customer, Share
from customers.selectors import customer_by_token
from kiosks.bluetooth.agent import RunningKiosk, running_kiosk
from kiosks.bluetooth.departures import Backoff
from kiosks.bluetooth.protocol import (
    MAX_FRAME_BYTES,
    Desire,
    Error,
    Hello,
    Register,
    Registered,
    ShareWith,
    Shops,
    Update,
)
from kiosks.bluetooth.virtual import VirtualLink
from kiosks.models import Presence
from mall.models import Shop
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.kiosks.bluetooth.helpers import NetworkSwitch, connect_handheld, jpeg_of_size
from workflows.holds import hold_create

pytestmark = pytest.mark.django_db(transaction=True)

FAST = Backoff(first=0.05, cap=0.3, jitter=0.0)


def http_connections() -> int:
    """How many requests the kiosk may have in flight against the live server.

    With SQLite the live server's threads share one in-memory test database, and two
    requests at once collide on its table locks (a limit of the test server, not of a
    kiosk): one connection at a time there. The radio sessions stay concurrent.
    """
    from django.db import connection

    return 1 if connection.vendor == "sqlite" else 10


@dataclass
class Mall:
    """A small mall: two shoe shops (one near, one cheap) and a kiosk in the near one."""

    server: str
    key: str
    near_slug: str
    cheap_slug: str


@pytest.fixture
def mall(live_server: Any) -> Mall:
    near = ShopFactory(slug="near-shoes", floor=0, x=0.0, y=0.0)
    cheap = ShopFactory(slug="cheap-shoes", floor=0, x=80.0, y=0.0)
    make_item(near, "Running Shoes", price="90.00")
    make_item(cheap, "Running Shoes", price="40.00")
    make_item(near, "Tennis Racket", price="120.00")
    kiosk = make_kiosk(near, name="kiosk-near")
    return Mall(server=live_server.url, key=kiosk.key, near_slug=near.slug, cheap_slug=cheap.slug)


def run_with_kiosk(
    mall: Mall,
    queue_dir: Path,
    scenario: Callable[[RunningKiosk, VirtualLink], Awaitable[Any]],
    *,
    server: str | None = None,
) -> Any:
    """Start a virtual kiosk for ``mall`` and run ``scenario`` against it."""

    connections = http_connections()

    async def main() -> Any:
        link = VirtualLink()
        async with running_kiosk(
            server=server or mall.server,
            key=mall.key,
            transport="virtual",
            queue_dir=queue_dir,
            link=link,
            backoff=FAST,
            max_connections=connections,
        ) as kiosk:
            return await scenario(kiosk, link)

    return asyncio.run(main())


def offer_slugs(shops: Shops) -> list[str]:
    return [offer["shop"]["slug"] for result in shops.results for offer in result["offers"]]


def test_hello_returns_the_ranked_shop_list_for_the_shoppers_wants(
    mall: Mall, tmp_path: Path
) -> None:
    # Given a shopper who wants running shoes, cheapest first
    shopper = make_customer("running shoes", ranking="cheapest")

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> Any:
        radio, frames = await connect_handheld(link, kiosk.server.address)
        # When their handheld says hello to the kiosk
        reply = await frames.request(Hello(token=shopper.token), timeout=10)
        await frames.close()
        await radio.close()
        return reply

    reply = run_with_kiosk(mall, tmp_path, scenario)
    # Then the kiosk answers with the shops that have them, cheapest first
    assert isinstance(reply, Shops)
    assert offer_slugs(reply) == [mall.cheap_slug, mall.near_slug]
    # and the server knows the shopper is at this kiosk
    assert Presence.objects.filter(customer=shopper.customer).count() == 1


def test_register_with_a_50_kb_jpeg_creates_a_shopper_with_a_photo(
    mall: Mall, tmp_path: Path
) -> None:
    # Given a 50 KB photo and consent
    photo = jpeg_of_size(50_000)
    assert 50_000 <= len(photo) < 60_000

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> Any:
        radio, frames = await connect_handheld(link, kiosk.server.address)
        # When the handheld registers with it
        reply = await frames.request(
            Register(
                desires=(Desire(name="running shoes", level=5),),
                payment_method="mobile",
                ranking="nearest",
                consent=True,
                face_jpeg=photo,
            ),
            timeout=15,
        )
        await frames.close()
        await radio.close()
        return reply

    reply = run_with_kiosk(mall, tmp_path, scenario)
    # Then it gets a code and token, and the server holds the shopper with the photo
    assert isinstance(reply, Registered)
    customer = customer_by_token(reply.token)
    assert customer is not None and customer.code == reply.code
    assert customer.payment_method == "mobile"
    assert customer.face_image
    assert [(d.name, d.level) for d in customer.desires.all()] == [("running shoes", 5)]


def test_update_replaces_the_wants_and_returns_the_new_list(mall: Mall, tmp_path: Path) -> None:
    # Given a shopper who wants running shoes
    shopper = make_customer("running shoes")

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> Any:
        radio, frames = await connect_handheld(link, kiosk.server.address)
        # When the handheld changes the wants to a tennis racket
        reply = await frames.request(
            Update(token=shopper.token, desires=(Desire(name="tennis racket", level=2),)),
            timeout=10,
        )
        await frames.close()
        await radio.close()
        return reply

    reply = run_with_kiosk(mall, tmp_path, scenario)
    # Then the list now offers the racket, and the server holds only the new want
    assert isinstance(reply, Shops)
    assert [result["desire"]["name"] for result in reply.results] == ["tennis racket"]
    assert offer_slugs(reply) == [mall.near_slug]
    assert list(shopper.customer.desires.values_list("name", flat=True)) == ["tennis racket"]


def test_share_frame_shares_with_the_shop_and_answers_the_list(mall: Mall, tmp_path: Path) -> None:
    # Given a shopper who wants running shoes
    shopper = make_customer("running shoes")

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> Any:
        radio, frames = await connect_handheld(link, kiosk.server.address)
        # When their handheld shares with the cheap shop
        reply = await frames.request(ShareWith(token=shopper.token, shop=mall.cheap_slug))
        unknown = await frames.request(ShareWith(token=shopper.token, shop="no-such-shop"))
        await frames.close()
        await radio.close()
        return reply, unknown

    reply, unknown = run_with_kiosk(mall, tmp_path, scenario)
    # Then the shop now sees them, and the handheld gets its list; an unknown shop is an error
    assert isinstance(reply, Shops)
    assert mall.cheap_slug in offer_slugs(reply)
    assert Share.objects.get(customer=shopper.customer).shop.slug == mall.cheap_slug
    assert isinstance(unknown, Error) and unknown.code == "unknown_shop"


def test_shops_frame_carries_the_shoppers_holds(mall: Mall, tmp_path: Path) -> None:
    # Given a shopper for whom the near shop holds a racket
    shopper = make_customer("running shoes")
    near = Shop.objects.get(slug=mall.near_slug)
    Share.objects.create(customer=shopper.customer, shop=near)
    racket = near.stock.get(name="Tennis Racket")
    hold_create(shop=near, customer=shopper.customer, item_id=racket.pk)

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> Any:
        radio, frames = await connect_handheld(link, kiosk.server.address)
        # When the handheld says hello
        reply = await frames.request(Hello(token=shopper.token), timeout=10)
        await frames.close()
        await radio.close()
        return reply

    reply = run_with_kiosk(mall, tmp_path, scenario)
    # Then the list comes with the hold
    assert isinstance(reply, Shops)
    assert [(h["item"]["name"], h["shop"]["slug"]) for h in reply.holds] == [
        ("Tennis Racket", mall.near_slug)
    ]
    assert reply.alternatives == ()


@pytest.mark.parametrize(
    ("bad_bytes", "code"),
    [
        (
            (MAX_FRAME_BYTES + 1).to_bytes(4, "big") + b"x" * (MAX_FRAME_BYTES + 1),
            "frame_too_large",
        ),
        (len(b"{not json").to_bytes(4, "big") + b"{not json", "bad_json"),
        (len(b'{"type":"teleport"}').to_bytes(4, "big") + b'{"type":"teleport"}', "unknown_type"),
    ],
    ids=["oversized", "bad-json", "unknown-type"],
)
def test_bad_frame_gets_an_error_and_the_kiosk_keeps_serving(
    mall: Mall, tmp_path: Path, bad_bytes: bytes, code: str
) -> None:
    # Given a registered shopper
    shopper = make_customer("running shoes")

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> Any:
        radio, frames = await connect_handheld(link, kiosk.server.address)
        # When the handheld sends a bad frame, then a good hello on the same link
        frames.send_bytes(bad_bytes)
        error = await frames.receive(timeout=15)
        after = await frames.request(Hello(token=shopper.token), timeout=10)
        await frames.close()
        await radio.close()
        # and another handheld connects afterwards
        radio, frames = await connect_handheld(link, kiosk.server.address, "pda-2")
        other = await frames.request(Hello(token=shopper.token), timeout=10)
        await frames.close()
        await radio.close()
        return error, after, other

    error, after, other = run_with_kiosk(mall, tmp_path, scenario)
    # Then the bad frame got a typed error, and both later hellos got the list
    assert isinstance(error, Error) and error.code == code
    assert isinstance(after, Shops) and offer_slugs(after)
    assert isinstance(other, Shops) and offer_slugs(other)


def test_unknown_token_gets_the_servers_error_and_the_kiosk_keeps_serving(
    mall: Mall, tmp_path: Path
) -> None:
    # Given a token the server never issued, and a real shopper
    shopper = make_customer("running shoes")

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> Any:
        radio, frames = await connect_handheld(link, kiosk.server.address)
        # When the handheld says hello with the unknown token, then with the real one
        unknown = await frames.request(Hello(token="no-such-token"), timeout=10)
        known = await frames.request(Hello(token=shopper.token), timeout=10)
        await frames.close()
        await radio.close()
        return unknown, known

    unknown, known = run_with_kiosk(mall, tmp_path, scenario)
    # Then the server's error is relayed, and the next hello is served
    assert isinstance(unknown, Error) and unknown.code == "unknown_token"
    assert isinstance(known, Shops)


def test_seven_handhelds_at_once_each_get_their_own_list(mall: Mall, tmp_path: Path) -> None:
    # Given seven shoppers, odd ones wanting rackets, even ones shoes
    shoppers = [
        make_customer("tennis racket" if index % 2 else "running shoes") for index in range(7)
    ]

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> Any:
        async def session(index: int) -> Any:
            radio, frames = await connect_handheld(link, kiosk.server.address, f"pda-{index}")
            reply = await frames.request(Hello(token=shoppers[index].token), timeout=20)
            await frames.close()
            await radio.close()
            return reply

        # When all seven handhelds connect and say hello at the same time
        return await asyncio.wait_for(asyncio.gather(*(session(i) for i in range(7))), 30)

    replies = run_with_kiosk(mall, tmp_path, scenario)
    # Then each gets the list for its own wants
    names = [[result["desire"]["name"] for result in reply.results] for reply in replies]
    assert names == [["tennis racket"] if index % 2 else ["running shoes"] for index in range(7)]


def test_link_drop_reports_the_departure_to_the_server(mall: Mall, tmp_path: Path) -> None:
    # Given a shopper whose handheld was sighted by the kiosk
    shopper = make_customer("running shoes")

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> None:
        radio, frames = await connect_handheld(link, kiosk.server.address)
        await frames.request(Hello(token=shopper.token), timeout=10)
        # When the handheld goes out of range (its radio link drops, no bye)
        link.drop(radio.controller)
        await kiosk.agent.wait_until_delivered(timeout=10, at_least=1)
        await radio.close()

    run_with_kiosk(mall, tmp_path, scenario)
    # Then the server has recorded the departure: no presence, the grace clock started
    customer = Customer.objects.get(pk=shopper.customer.pk)
    assert not Presence.objects.filter(customer=customer).exists()
    assert customer.out_of_range_since is not None


def test_departure_during_an_outage_is_delivered_when_the_server_returns(
    mall: Mall, tmp_path: Path
) -> None:
    # Given a kiosk reaching the server through a network that can be cut
    shopper = make_customer("running shoes")
    parts = urlsplit(mall.server)
    network = NetworkSwitch(parts.hostname or "localhost", parts.port or 80)

    async def scenario(kiosk: RunningKiosk, link: VirtualLink) -> int:
        await network.on()
        radio, frames = await connect_handheld(link, kiosk.server.address)
        await frames.request(Hello(token=shopper.token), timeout=10)
        # When the network goes down, then the handheld leaves
        await network.off()
        link.drop(radio.controller)
        await asyncio.sleep(0.5)
        failed_while_down = len(kiosk.agent.queue)
        # and the network comes back
        await network.on()
        await kiosk.agent.wait_until_delivered(timeout=10, at_least=1)
        await network.off()
        await radio.close()
        return failed_while_down

    failed_while_down = run_with_kiosk(mall, tmp_path, scenario, server=network.url)
    # Then the departure waited in the queue, and reached the server once it was back
    assert failed_while_down == 1
    assert Customer.objects.get(pk=shopper.customer.pk).out_of_range_since is not None


def test_departure_queued_during_an_outage_is_delivered_after_a_kiosk_restart(
    mall: Mall, tmp_path: Path
) -> None:
    # Given a kiosk that lost a shopper's handheld while the server was unreachable
    shopper = make_customer("running shoes")
    parts = urlsplit(mall.server)
    network = NetworkSwitch(parts.hostname or "localhost", parts.port or 80)

    async def before_restart(kiosk: RunningKiosk, link: VirtualLink) -> None:
        await network.on()
        radio, frames = await connect_handheld(link, kiosk.server.address)
        await frames.request(Hello(token=shopper.token), timeout=10)
        await network.off()
        link.drop(radio.controller)
        await asyncio.sleep(0.3)
        await radio.close()
        # When the kiosk stops with the departure undelivered
        assert len(kiosk.agent.queue) == 1

    run_with_kiosk(mall, tmp_path, before_restart, server=network.url)
    assert Customer.objects.get(pk=shopper.customer.pk).out_of_range_since is None

    # and starts again, with the server reachable, on the same queue directory
    async def after_restart(kiosk: RunningKiosk, link: VirtualLink) -> None:
        await kiosk.agent.wait_until_delivered(timeout=10, at_least=1)

    run_with_kiosk(mall, tmp_path, after_restart)
    # Then the departure reaches the server
    assert Customer.objects.get(pk=shopper.customer.pk).out_of_range_since is not None
