"""Benchmark: several virtual handhelds reaching one kiosk at once, round after round.

Each round, every handheld connects to the kiosk (ACL link, pairing, SDP lookup of the
service UUID, RFCOMM channel), says ``hello``, and waits for the ranked list; then says
``bye`` and leaves (a departure). Reported: connect -> list latency, p50/p95/max, split
into the radio part (connected and channel open) and the request part (hello -> shops).

Radio paging and inquiry times are NOT simulated: a virtual controller connects at once,
where a real BR/EDR page takes about 0.1-1.3 s. The numbers measure our stack (Bumble's
host, our protocol, the agent and the server), not the air.

By default everything runs in this process: a temporary SQLite database, Django served
through ``httpx.ASGITransport`` (``config.asgi:application``), one virtual kiosk. With
``--server URL --key KEY`` the kiosk agent talks to a running server instead (shoppers
are registered through its API first).

    .venv/bin/python bench/handheld.py [--rounds 20] [--handhelds 7]
    .venv/bin/python bench/handheld.py --server http://127.0.0.1:8000 --key KEY
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import percentile  # noqa: E402


@dataclass
class Timings:
    """Per-session latencies in seconds."""

    total: list[float] = field(default_factory=list)
    radio: list[float] = field(default_factory=list)
    request: list[float] = field(default_factory=list)
    errors: int = 0


def setup_in_process(workdir: Path, handhelds: int) -> tuple[str, list[str], Any]:
    """A throwaway mall in SQLite; returns (kiosk key, shopper tokens, ASGI app)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["REGISTRATION_THROTTLE"] = "none"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from customers.services import DesireInput
    from kiosks.services import kiosk_create
    from mall.models import Shop
    from mall.services import ShopInput, shops_import
    from stock.services import StockInput
    from workflows.restock import stock_item_create
    from workflows.shoppers import customer_register

    shops_import(
        rows=[
            ShopInput(
                slug=f"shop-{index}", name=f"Shop {index}", floor=index % 3, x=index * 10.0, y=5.0
            )
            for index in range(12)
        ]
    )
    products = ["running shoes", "tennis racket", "rain jacket", "phone charger", "teapot"]
    for index, shop in enumerate(Shop.objects.order_by("slug")):
        for offset in range(3):
            name = products[(index + offset) % len(products)]
            stock_item_create(
                shop=shop,
                data=StockInput(
                    name=name.title(),
                    keywords=[],
                    quantity=5,
                    price=Decimal(20 + index * 3 + offset),
                ),
            )
    key = kiosk_create(name="bench-kiosk", shop=Shop.objects.get(slug="shop-0")).key
    tokens = [
        customer_register(
            desires=[
                DesireInput(name=products[index % len(products)], keywords=[], level=4),
                DesireInput(name=products[(index + 2) % len(products)], keywords=[], level=2),
            ],
            payment_method="card",
            ranking="nearest" if index % 2 else "cheapest",
            consent=False,
        ).token
        for index in range(handhelds)
    ]
    from config.asgi import application

    return key, tokens, application


async def register_over_http(server: str, count: int) -> list[str]:
    """Shoppers for a benchmark against a running server, through its public API."""
    import httpx

    tokens = []
    async with httpx.AsyncClient(base_url=server) as client:
        for index in range(count):
            response = await client.post(
                "/api/customers/",
                json={
                    "desires": [{"name": "running shoes", "keywords": [], "level": 3 + index % 3}],
                    "payment_method": "card",
                    "ranking": "nearest",
                },
            )
            response.raise_for_status()
            tokens.append(response.json()["token"])
    return tokens


async def run(args: argparse.Namespace) -> Timings:
    import httpx

    from kiosks.bluetooth.agent import running_kiosk
    from kiosks.bluetooth.protocol import Bye, Hello, Shops
    from kiosks.bluetooth.transport import Handheld, open_radio
    from kiosks.bluetooth.virtual import VirtualLink

    workdir = Path(tempfile.mkdtemp(prefix="bench-handheld-"))
    if args.server:
        server, key, http_transport = args.server, args.key, None
        tokens = await register_over_http(server, args.handhelds)
    else:
        key, tokens, app = await asyncio.to_thread(setup_in_process, workdir, args.handhelds)
        server, http_transport = "http://localhost", httpx.ASGITransport(app=app)

    # One line per event is right for a kiosk, too much for thousands of sessions.
    for name in ("kiosks", "httpx", "django"):
        logging.getLogger(name).setLevel(logging.WARNING)
    link = VirtualLink()
    timings = Timings()
    async with running_kiosk(
        server=server,
        key=key,
        transport="virtual",
        queue_dir=workdir / "queue",
        link=link,
        http_transport=http_transport,
    ) as kiosk:
        radios = [
            await open_radio("virtual", name=f"pda-{index}", link=link)
            for index in range(args.handhelds)
        ]

        async def session(index: int) -> None:
            started = time.perf_counter()
            try:
                frames = await Handheld(radios[index].device).connect(kiosk.server.address)
                opened = time.perf_counter()
                reply = await frames.request(Hello(token=tokens[index]), timeout=30)
                done = time.perf_counter()
                frames.send(Bye())
                await frames.close()
            except Exception as error:  # a failed session is counted, not fatal
                print(f"  session {index} failed: {error}", file=sys.stderr)
                timings.errors += 1
                return
            if not isinstance(reply, Shops):
                print(f"  session {index}: kiosk answered {reply}", file=sys.stderr)
                timings.errors += 1
                return
            timings.total.append(done - started)
            timings.radio.append(opened - started)
            timings.request.append(done - opened)

        for round_number in range(args.rounds + args.warmup):
            if round_number == args.warmup:
                timings.total.clear(), timings.radio.clear(), timings.request.clear()
            await asyncio.gather(*(session(index) for index in range(args.handhelds)))
            # Departures go to the server between rounds, so rounds do not overlap.
            await kiosk.agent.wait_until_delivered(timeout=30)
        for radio in radios:
            await radio.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--handhelds", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1, help="rounds not counted")
    parser.add_argument("--server", help="URL of a running mall server (default: in-process)")
    parser.add_argument("--key", help="API key of a kiosk on that server")
    args = parser.parse_args()
    if bool(args.server) != bool(args.key):
        parser.error("--server and --key go together")

    logging.basicConfig(level=logging.WARNING)
    timings = asyncio.run(run(args))
    ms = 1000.0
    print(
        f"{args.handhelds} handhelds x {args.rounds} rounds against one kiosk "
        f"({'server ' + args.server if args.server else 'in-process server, SQLite, ASGI'}); "
        "radio paging time is not simulated."
    )
    if not timings.total:
        print("no successful session")
        sys.exit(1)
    for label, values in (
        ("connect -> list", timings.total),
        ("  radio: connect, pair, SDP, RFCOMM", timings.radio),
        ("  request: hello -> shops", timings.request),
    ):
        print(
            f"{label:38} p50 {statistics.median(values) * ms:6.1f} ms   "
            f"p95 {percentile(values, 95) * ms:6.1f} ms   max {max(values) * ms:6.1f} ms"
        )
    print(f"sessions: {len(timings.total)} ok, {timings.errors} failed")


if __name__ == "__main__":
    main()
