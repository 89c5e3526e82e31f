"""Push benchmark: shop screens on real websockets, kiosk sightings over HTTP, daphne.

    .venv/bin/python bench/push.py                       # in-memory layer, then Redis
    .venv/bin/python bench/push.py --layer memory --screens 500 --rate 50 --seconds 20

For each layer: a fresh SQLite database with ``--screens`` shops, products each stocked by
``--shops-per-sighting`` shops, one shopper per sighting (so every card is new), and a staff
session; then daphne in a subprocess, one websocket per shop screen (cookie + Origin, as a
browser), and sightings posted to ``/api/kiosk/sightings/`` at ``--rate`` per second. It
measures, per expected card, the time from posting the sighting to the ``card.show``
arriving on that shop's screen, and counts the cards that never arrived (lost).

With the in-memory layer the sightings must be served by the same daphne process as the
sockets (the layer lives in one process): one worker serves both. With ``--layer redis``
the pushes go through ``--redis-url`` (default ``redis://127.0.0.1:6379/2``, a database of
its own: it is emptied before the run), and ``--redis-workers`` daphne processes (2) share
the screens and take the sightings in turn, as a mall on Redis runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the project, also when run as bench/push.py
from bench.common import percentile  # noqa: E402
from bench.servers import daphne_workers, redis_database_empty  # noqa: E402

# Seeding (runs in a child process, with the server's environment) ---------------------------


def seed(screens: int, shoppers: int, per_sighting: int) -> dict:
    """Shops, stock, shoppers, a kiosk and a staff session, written through the services."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from customers.services import DesireInput
    from kiosks.services import kiosk_create
    from mall.models import Shop
    from stock.services import StockInput
    from workflows.restock import stock_items_import
    from workflows.shoppers import customer_register

    shops = Shop.objects.bulk_create(
        [
            Shop(slug=f"s{n:04d}", name=f"Shop {n}", floor=n % 3, x=(n * 7) % 200, y=n % 50)
            for n in range(screens)
        ]
    )
    products = screens // per_sighting
    stock_items_import(
        rows=[
            (
                shops[product * per_sighting + offset],
                StockInput(
                    name=f"widget{product}",
                    keywords=[],
                    quantity=1000,
                    price=Decimal(10 + offset),
                ),
            )
            for product in range(products)
            for offset in range(per_sighting)
        ]
    )
    tokens = {}
    for n in range(shoppers):
        registration = customer_register(
            desires=[DesireInput(name=f"widget{n % products}", keywords=[], level=3)],
            payment_method="card",
            ranking="nearest",
            consent=False,
        )
        tokens[registration.customer.code] = registration.token
    kiosk = kiosk_create(name="entrance", floor=0, x=0, y=0)
    staff = User.objects.create(username="bench-staff", is_staff=True)
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.save()
    return {
        "slugs": [shop.slug for shop in shops],
        "tokens": tokens,
        "kiosk_key": kiosk.key,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "per_sighting": per_sighting,
    }


# Measuring -----------------------------------------------------------------------------------


@dataclass
class Run:
    sent_at: dict[str, float] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    arrived: set[tuple[str, str]] = field(default_factory=set)
    http_errors: int = 0
    http_times: list[float] = field(default_factory=list)
    socket_errors: int = 0


async def screen(url: str, slug: str, cookie: str, run: Run, ready: asyncio.Event) -> None:
    """One shop screen: waits for its snapshot, then timestamps every ``card.show``."""
    host = url.split("//", 1)[1]
    try:
        async with connect(
            f"ws://{host}/ws/shops/{slug}/",
            additional_headers={"Cookie": cookie},
            origin=f"http://{host}",
            max_queue=None,
            open_timeout=60,
        ) as websocket:
            first = json.loads(await websocket.recv())
            assert first["type"] == "cards.snapshot", first
            ready.set()
            async for raw in websocket:
                now = time.monotonic()
                message = json.loads(raw)
                if message["type"] != "card.show":
                    continue
                code = message["card"]["customer"]
                if code in run.sent_at and (code, slug) not in run.arrived:
                    run.arrived.add((code, slug))
                    run.latencies.append(now - run.sent_at[code])
    except asyncio.CancelledError:
        raise
    except Exception as error:  # counted and reported; the run goes on
        run.socket_errors += 1
        print(f"screen {slug}: {error!r}", file=sys.stderr)
        ready.set()


async def sight(
    client: httpx.AsyncClient, url: str, code: str, token: str, key: str, run: Run
) -> None:
    started = time.monotonic()
    run.sent_at[code] = started
    try:
        response = await client.post(
            f"{url}/api/kiosk/sightings/",
            json={"token": token},
            headers={"Authorization": f"Api-Key {key}"},
        )
        run.http_times.append(time.monotonic() - started)
        if response.status_code != 200:
            run.http_errors += 1
            return
        run.expected[code] = len(
            {o["shop"]["slug"] for o in response.json()["results"][0]["offers"]}
        )
    except httpx.HTTPError:
        run.http_errors += 1


async def measure(urls: list[str], seeded: dict, rate: float, seconds: float) -> dict:
    """Screens spread over the workers of ``urls``, sightings sent to each in turn."""
    run = Run()
    events = [asyncio.Event() for _ in seeded["slugs"]]
    started = time.monotonic()
    # Connect in waves: 500 handshakes at once would measure the accept queue, not pushes.
    tasks = []
    for index, slug in enumerate(seeded["slugs"]):
        url = urls[index % len(urls)]
        tasks.append(asyncio.create_task(screen(url, slug, seeded["cookie"], run, events[index])))
        if index % 50 == 49:
            await asyncio.gather(*(event.wait() for event in events[: index + 1]))
    await asyncio.gather(*(event.wait() for event in events))
    connect_seconds = time.monotonic() - started
    shoppers = list(seeded["tokens"].items())[: int(rate * seconds)]
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        begin = time.monotonic()
        posts = []
        for n, (code, token) in enumerate(shoppers):
            delay = begin + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            url = urls[n % len(urls)]
            post = sight(client, url, code, token, seeded["kiosk_key"], run)
            posts.append(asyncio.create_task(post))
        await asyncio.gather(*posts)
        send_seconds = time.monotonic() - begin
    expected_total = sum(run.expected.values())
    deadline = time.monotonic() + 10
    while len(run.arrived) < expected_total and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ms = [latency * 1000 for latency in run.latencies]
    return {
        "workers": len(urls),
        "screens": len(seeded["slugs"]),
        "sockets_failed": run.socket_errors,
        "connect_s": round(connect_seconds, 1),
        "sightings": len(shoppers),
        "sent_over_s": round(send_seconds, 1),
        "http_errors": run.http_errors,
        "http_p50_ms": round(percentile(run.http_times, 50) * 1000, 1),
        "http_p95_ms": round(percentile(run.http_times, 95) * 1000, 1),
        "cards_expected": expected_total,
        "cards_received": len(run.arrived),
        "lost": expected_total - len(run.arrived),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1) if ms else None,
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
    }


# Orchestration ---------------------------------------------------------------------------------


def bench_layer(layer: str, args: argparse.Namespace) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-push-{layer}-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        REGISTRATION_THROTTLE="none",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if layer == "redis":
        env["REDIS_URL"] = args.redis_url
        redis_database_empty(args.redis_url)
    shoppers = int(args.rate * args.seconds)
    run = {"cwd": ROOT, "env": env, "check": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    seed_cmd = [sys.executable, __file__, "--seed", str(args.screens), str(shoppers)]
    seed_cmd.append(str(args.shops_per_sighting))
    seeded = json.loads(subprocess.run(seed_cmd, capture_output=True, text=True, **run).stdout)
    # The in-memory layer lives in one process: the screens and the sightings share it.
    count = args.redis_workers if layer == "redis" else 1
    with daphne_workers(count, env=env, logs=folder, inherit=False) as workers:
        urls = [worker.http for worker in workers]
        result = asyncio.run(measure(urls, seeded, args.rate, args.seconds))
    shutil.rmtree(folder, ignore_errors=True)
    return {"layer": layer, **result}


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--seed":
        screens, shoppers, per_sighting = map(int, sys.argv[2:])
        print(json.dumps(seed(screens, shoppers, per_sighting)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layer", choices=["memory", "redis", "both"], default="both")
    parser.add_argument("--screens", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50, help="sightings per second")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--shops-per-sighting", type=int, default=3)
    parser.add_argument(
        "--redis-workers",
        type=int,
        default=2,
        help="daphne workers with Redis (screens spread over them, sightings in turn)",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/2",
        help="a Redis database for the benchmark alone: it is emptied first",
    )
    args = parser.parse_args()
    layers = ["memory", "redis"] if args.layer == "both" else [args.layer]
    for layer in layers:
        print(json.dumps(bench_layer(layer, args)), flush=True)


if __name__ == "__main__":
    main()
