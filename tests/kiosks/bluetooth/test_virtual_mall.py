"""The demo's virtual mall: kiosks per shop, handhelds walking between them by themselves."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from customers.models import Customer, Share
from kiosks.bluetooth.virtual_mall import KioskSpec, WalkPace, run_virtual_mall
from kiosks.models import Kiosk
from tests.factories import ShopFactory, make_item, make_kiosk

pytestmark = pytest.mark.django_db(transaction=True)


def test_walkers_register_once_and_are_sighted_at_every_kiosk(
    live_server: Any, tmp_path: Path
) -> None:
    # Given two shops with a kiosk each, selling what the walkers may want
    kiosks = []
    for slug in ("north", "south"):
        shop = ShopFactory(slug=slug, x=0.0 if slug == "north" else 60.0)
        make_item(shop, "Teapot")
        make_item(shop, "Umbrella")
        kiosks.append(
            KioskSpec(name=f"kiosk-{slug}", key=make_kiosk(shop, name=f"kiosk-{slug}").key)
        )

    async def main() -> None:
        # With SQLite the live server's threads share one test database connection, and
        # requests from two kiosks at once can wedge it (a limit of the test server): the
        # kiosks share one HTTP connection here. The radios stay concurrent.
        one_connection = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=1))
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(3.0, stop.set)
        # When two walkers roam the virtual mall for three seconds
        await run_virtual_mall(
            server=live_server.url,
            kiosks=kiosks,
            products=["teapot", "umbrella"],
            queue_dir=tmp_path,
            walkers=2,
            pace=WalkPace(dwell=(0.05, 0.1), walk=(0.01, 0.05)),
            stop=stop,
            seed=7,
            http_transport=one_connection,
        )

    asyncio.run(main())
    _wait_for_live_server_requests()
    # Then each walker registered exactly once, and both kiosks saw shoppers
    assert Customer.objects.count() == 2
    assert all(kiosk.last_seen_at is not None for kiosk in Kiosk.objects.all())


def test_walkers_share_with_the_shop_of_the_kiosk_they_stand_at(
    live_server: Any, tmp_path: Path
) -> None:
    # Given a shop with a kiosk, and the mall's entrance kiosk (no shop)
    shop = ShopFactory(slug="north")
    make_item(shop, "Teapot")
    kiosks = [
        KioskSpec(name="kiosk-north", key=make_kiosk(shop, name="kiosk-north").key, shop="north"),
        KioskSpec(name="entrance", key=make_kiosk(name="entrance", floor=0, x=0, y=0).key),
    ]

    async def main() -> None:
        one_connection = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=1))
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(3.0, stop.set)
        # When a walker who always shares roams for three seconds
        await run_virtual_mall(
            server=live_server.url,
            kiosks=kiosks,
            products=["teapot"],
            queue_dir=tmp_path,
            walkers=1,
            pace=WalkPace(dwell=(0.05, 0.1), walk=(0.01, 0.05), share=1.0),
            stop=stop,
            seed=3,
            http_transport=one_connection,
        )

    asyncio.run(main())
    _wait_for_live_server_requests()
    # Then the shop's list has them, and no share went anywhere else
    assert list(Share.objects.values_list("shop__slug", flat=True)) == ["north"]


def _wait_for_live_server_requests(timeout: float = 10) -> None:
    """Let the live server finish the requests the stopped mall left in flight (the last
    departures). The database flush after the test would otherwise meet them on
    PostgreSQL, and one of the two is killed as a deadlock."""
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout)


def test_demo_command_offers_the_virtual_mall_switch():
    from django.core.management import load_command_class

    parser = load_command_class("demo", "demo").create_parser("manage.py", "demo")
    options = vars(parser.parse_args(["--no-virtual-mall", "--walkers", "5"]))

    assert options["no_virtual_mall"] is True
    assert options["walkers"] == 5
    assert options["virtual_radio"] == "127.0.0.1:7890"


def test_demo_without_virtual_mall_starts_nothing():
    from kiosks.bluetooth import virtual_mall

    started = virtual_mall.start_demo(
        demo=None, base_url="http://127.0.0.1:1", options={"no_virtual_mall": True}
    )

    assert started is None
