"""A virtual mall for the demo: one virtual kiosk per shop, handhelds walking between them.

Every kiosk runs the real agent on a shared :class:`VirtualLink`; each walker is a real
Bumble handheld that registers once (over the radio, like a PDA), then walks from kiosk to
kiosk: it connects and says ``hello`` (a sighting: cards appear on the shop screens), now
and then shares with the kiosk's shop (its "Shared with us" list moves), stays
a while, says ``bye`` and leaves (a departure), and walks on. Nobody has to touch anything.

The first kiosk can also serve the link over TCP (``serve_at``), so ``manage.py pda
--transport tcp-client:HOST:PORT`` joins the same virtual mall from another terminal.
No Django here: the demo command passes in the kiosks' keys and the product names.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Required, TypedDict

import httpx

from kiosks.bluetooth.agent import RunningKiosk, start_kiosk
from kiosks.bluetooth.protocol import Bye, Desire, Hello, Register, Registered, ShareWith
from kiosks.bluetooth.transport import Handheld, TransportError, open_radio
from kiosks.bluetooth.virtual import VirtualLink

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from mall.models import Shop

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KioskSpec:
    """A kiosk of the virtual mall: its name and API key."""

    name: str
    key: str
    #: The slug of the shop the kiosk stands in (None: a kiosk of the mall, e.g. the entrance).
    shop: str | None = None


@dataclass(frozen=True)
class WalkPace:
    """Seconds a walker stays in range of a kiosk, and walks between two kiosks."""

    dwell: tuple[float, float] = (6.0, 12.0)
    walk: tuple[float, float] = (2.0, 5.0)
    #: Chance that a walker at a shop's kiosk shares with that shop (so the shop's
    #: "Shared with us" list moves in the demo).
    share: float = 0.25


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _walker(
    index: int,
    stop: asyncio.Event,
    link: VirtualLink,
    kiosks: list[RunningKiosk],
    products: Sequence[str],
    pace: WalkPace,
    rng: random.Random,
    shops: dict[int, str] | None = None,
) -> None:
    radio = await open_radio("virtual", name=f"walker-{index}", link=link)
    handheld = Handheld(radio.device)
    token: str | None = None
    here: RunningKiosk | None = None
    try:
        while not stop.is_set():
            here = rng.choice([kiosk for kiosk in kiosks if kiosk is not here] or kiosks)
            try:
                frames = await handheld.connect(here.server.address)
                if token is None:
                    wants = rng.sample(list(products), k=min(len(products), rng.randint(1, 3)))
                    reply = await frames.request(
                        Register(
                            desires=tuple(
                                Desire(name=want, level=rng.randint(1, 5)) for want in wants
                            ),
                            payment_method=rng.choice(("cash", "card", "mobile")),
                            ranking=rng.choice(("nearest", "cheapest")),
                        )
                    )
                    if isinstance(reply, Registered):
                        token = reply.token
                        logger.info("walker %d registered as %s", index, reply.code)
                if token is not None:
                    await frames.request(Hello(token=token))
                    shop = (shops or {}).get(id(here))
                    if shop is not None and rng.random() < pace.share:
                        await frames.request(ShareWith(token=token, shop=shop))
                        logger.info("walker %d shared with %s", index, shop)
                await _pause(stop, rng.uniform(*pace.dwell))
                with contextlib.suppress(TransportError):
                    frames.send(Bye())
                await frames.close()
            except (TransportError, TimeoutError) as error:
                logger.info("walker %d: %s", index, error)
            await _pause(stop, rng.uniform(*pace.walk))
    finally:
        await radio.close()


async def run_virtual_mall(
    *,
    server: str,
    kiosks: Sequence[KioskSpec],
    products: Sequence[str],
    queue_dir: Path | str,
    walkers: int = 3,
    pace: WalkPace | None = None,
    serve_at: str | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
    stop: asyncio.Event | None = None,
    seed: int | None = None,
) -> None:
    """Run the virtual mall until ``stop`` is set (or the task is cancelled)."""
    if not kiosks or not products:
        raise ValueError("a virtual mall needs kiosks and products")
    link = VirtualLink()
    rng = random.Random(seed)
    stop = stop or asyncio.Event()
    # Walkers finish their step (bye, disconnect) rather than being cancelled mid-way:
    # cancelling a Bumble disconnect half-way can leave it waiting for good.
    leaving = asyncio.Event()
    running: list[RunningKiosk] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        for position, spec in enumerate(kiosks):
            transport = f"virtual:{serve_at}" if serve_at and position == 0 else "virtual"
            running.append(
                await start_kiosk(
                    server=server,
                    key=spec.key,
                    transport=transport,
                    queue_dir=Path(queue_dir) / spec.name,
                    name=spec.name,
                    link=link,
                    http_transport=http_transport,
                )
            )
            logger.info("virtual kiosk %s at %s", spec.name, running[-1].server.address)
        shops = {
            id(kiosk): spec.shop for kiosk, spec in zip(running, kiosks, strict=True) if spec.shop
        }
        tasks = [
            asyncio.create_task(
                _walker(index, leaving, link, running, products, pace or WalkPace(), rng, shops),
                name=f"walker-{index}",
            )
            for index in range(walkers)
        ]
        await stop.wait()
    finally:
        leaving.set()
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=15)
            for task in late:
                task.cancel()
        for kiosk in running:
            await kiosk.close()


class VirtualMallOptions(TypedDict, total=False):
    """:func:`run_virtual_mall`'s arguments but ``stop``."""

    server: Required[str]
    kiosks: Required[Sequence[KioskSpec]]
    products: Required[Sequence[str]]
    queue_dir: Required[Path | str]
    walkers: int
    pace: WalkPace | None
    serve_at: str | None
    http_transport: httpx.AsyncBaseTransport | None
    seed: int | None


def start_virtual_mall_thread(
    **options: Unpack[VirtualMallOptions],
) -> tuple[threading.Thread, threading.Event]:
    """Run :func:`run_virtual_mall` in a daemon thread with its own event loop.

    For a command that serves HTTP in the main thread. Returns the thread and an event
    that stops the mall when set.
    """
    stop_request = threading.Event()

    def main() -> None:
        async def watch_and_run() -> None:
            stop = asyncio.Event()

            async def watch() -> None:
                await asyncio.to_thread(stop_request.wait)
                stop.set()

            watcher = asyncio.create_task(watch())
            try:
                await run_virtual_mall(stop=stop, **options)
            finally:
                # Release the waiting worker thread, or the loop could not shut down.
                stop_request.set()
                watcher.cancel()

        try:
            asyncio.run(watch_and_run())
        except Exception:
            logger.exception("virtual mall stopped")

    thread = threading.Thread(target=main, name="virtual-mall", daemon=True)
    thread.start()
    return thread, stop_request


# --- manage.py demo extension (see demo.services.DEMO_EXTENSIONS) ----------------------------


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    """``manage.py demo`` options for the virtual mall."""
    parser.add_argument(
        "--no-virtual-mall",
        action="store_true",
        help="no virtual kiosks and walking handhelds (cards then move only through the API)",
    )
    parser.add_argument(
        "--virtual-radio",
        default="127.0.0.1:7890",
        metavar="HOST:PORT",
        help="where the virtual mall's radio link is served, for `manage.py pda` "
        "(default 127.0.0.1:7890)",
    )
    parser.add_argument("--walkers", type=int, default=3, help="walking handhelds (default 3)")


class DemoMall(Protocol):
    """What the demo command loaded (``demo.services.DemoMall``) that the virtual mall uses."""

    @property
    def shops(self) -> Sequence[Shop]: ...
    @property
    def kiosk_keys(self) -> dict[str, str]: ...
    @property
    def products(self) -> Sequence[str]: ...


def start_demo(
    *, demo: DemoMall, base_url: str, options: dict[str, Any]
) -> Callable[[], None] | None:
    """Start the virtual mall beside the demo server; returns what stops it."""
    if options.get("no_virtual_mall"):
        return None
    shop_of_kiosk = {f"{shop.name} kiosk": shop.slug for shop in demo.shops}
    kiosks = [
        KioskSpec(name=name, key=key, shop=shop_of_kiosk.get(name))
        for name, key in demo.kiosk_keys.items()
    ]
    queue_dir = Path(tempfile.mkdtemp(prefix="mall-virtual-kiosks-"))
    thread, stop = start_virtual_mall_thread(
        server=base_url,
        kiosks=kiosks,
        products=demo.products,
        queue_dir=queue_dir,
        walkers=options.get("walkers", 3),
        serve_at=options.get("virtual_radio") or None,
    )
    print(
        f"Virtual mall: {len(kiosks)} virtual kiosks, {options.get('walkers', 3)} walking "
        f"handhelds; `manage.py pda` joins it through tcp-client:{options.get('virtual_radio')}."
    )

    def stop_mall() -> None:
        stop.set()
        thread.join(timeout=20)
        shutil.rmtree(queue_dir, ignore_errors=True)

    return stop_mall
