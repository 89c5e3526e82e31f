"""Benchmark of scale-out: sightings per second and push latency with 1, 2, ... daphne
workers on PostgreSQL + Redis (issue 5).

    .venv/bin/python bench/scale.py                       # 1 and 2 workers, the full run
    .venv/bin/python bench/scale.py --workers 1 2 4 --requests 1000 --concurrency 16
    .venv/bin/python bench/scale.py --rounds 3            # 3 paired rounds, medians judged

Creates a database of its own (``--database-url``, dropped at the end unless ``--keep``),
loads ``--shops`` shops of ``--items`` items (each shop carries one of ten product
families, so a want matches a few shops, not all), ``--shoppers`` shoppers with three
wants, a kiosk per shop, and one mall-staff session. Then, for each worker count:

- starts that many ``python -m daphne config.asgi:application`` processes;
- opens one shop screen (``/ws/shops/<slug>/``) per shop, spread over the workers;
- sends ``--requests`` ``POST /api/kiosk/sightings/`` from ``--concurrency`` clients,
  alternating the workers request by request (no proxy: the client balances), each from
  a random kiosk, so every sighting moves the shopper and pushes cards;
- times each sighting (HTTP) and, for each, the first ``card.show`` of that shopper to
  reach any screen, from the moment the request was sent ("push latency": match,
  commit, Redis, the other worker, the socket).

The client runs on the same machine as the workers, PostgreSQL and Redis: on a small
machine it competes with them for the CPU, and the table shows CPU seconds per process
group so that a reader can tell a CPU-bound run from a scaling problem.

On a small shared machine one run's rate moves by 20% from one minute to the next, with
nothing changed. ``--rounds N`` runs every worker count N times, in rounds that alternate
the order (1, 2 then 2, 1, ...), prints every run, and judges the targets on the medians:
each round's speed-up against its own 1-worker run, and each count's push p95.

Then, for push latency where the workers are not saturated (a saturating load times the
queue in front of them, not the push path): ``--light`` sightings one at a time, and
``--paced-count`` sightings sent on a clock at ``--paced`` (default 0.7) of the rate just
measured, each whether or not the one before was answered.

Targets (issue 5): 2 workers >= 1.6x the sightings per second of 1; push p95 <= 100 ms,
one at a time and paced.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

sys.path.insert(0, str(ROOT))  # the project, also when run as bench/NAME.py
from bench.common import percentile  # noqa: E402
from bench.servers import Worker, daphne_workers, redis_database_empty  # noqa: E402

FAMILIES = 10
#: Product words per family; a word with a digit is matched as it is (no typo, no plural).
WORDS_PER_FAMILY = 12
ADJECTIVES = ["red", "blue", "green", "black", "white", "large", "small", "classic", "pro"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--shops", type=int, default=40)
    parser.add_argument("--items", type=int, default=200, help="stock items per shop")
    parser.add_argument("--shoppers", type=int, default=400)
    parser.add_argument("--requests", type=int, default=2000, help="timed sightings per run")
    parser.add_argument("--warmup", type=int, default=200, help="untimed sightings first")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--light", type=int, default=200, help="sightings one at a time, for push latency"
    )
    parser.add_argument(
        "--paced",
        type=float,
        default=0.7,
        help="then sightings on a clock at this share of the measured rate (0: none)",
    )
    parser.add_argument("--paced-count", type=int, default=300, help="sightings sent on a clock")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/mall_bench_scale"
    )
    # Database 1: away from the tests' pushes on database 0.
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/1",
        help="a Redis database for the benchmark alone: it is emptied first",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and the workers' logs"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of each worker count, order alternated"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not 0 <= args.paced < 1:
        parser.error("--paced must be at least 0 and below 1 (a share of the measured rate)")
    if args.paced_count < 1:
        parser.error("--paced-count must be at least 1 (--paced 0 turns the paced load off)")

    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a PostgreSQL URL")
    database_recreate(args.database_url)
    redis_database_empty(args.redis_url)
    media = Path(tempfile.mkdtemp(prefix="mall-bench-scale-"))
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "MEDIA_ROOT": str(media),
            "REGISTRATION_THROTTLE": "none",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": HOST,
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    try:
        mall = load(args)
        rounds: list[list[Row]] = []
        for number in range(args.rounds):
            # Every other round backwards: a machine that slows down (or warms up) during
            # the run then favours neither count.
            order = args.workers if number % 2 == 0 else args.workers[::-1]
            rows = []
            for count in order:
                with daphne_workers(count, env={}, logs=media) as workers:
                    rows.append(asyncio.run(measure(args, mall, workers)))
            rows.sort(key=lambda row: row.workers)
            if args.rounds > 1:
                print(f"\nround {number + 1} of {args.rounds}")
            report(rows)
            rounds.append(rows)
        return 0 if targets_met(rounds) else 1
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept the database and {media} (the workers' logs)")
        else:
            database_drop(args.database_url)
            shutil.rmtree(media, ignore_errors=True)


# --- Database and data -----------------------------------------------------------------


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def database_recreate(url: str) -> None:
    """Drop and create the benchmark's database."""
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_drop(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Mall:
    """What the load needs: kiosk keys, shopper tokens and codes, screens to open."""

    kiosk_keys: list[str]
    tokens: list[tuple[str, str]]  # (token, customer code)
    slugs: list[str]
    cookie: str


def word(family: int, index: int) -> str:
    return f"gadget{family}x{index}"


def load(args: argparse.Namespace) -> Mall:
    """Migrate and fill the database through the services."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from customers.services import DesireInput
    from kiosks.services import kiosk_create
    from mall.models import Shop
    from stock.services import StockInput
    from workflows.restock import stock_items_import
    from workflows.shoppers import customer_register

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    shops = [
        Shop.objects.create(
            slug=f"shop-{i:03d}",
            name=f"Shop {i}",
            floor=i % 3,
            x=round(rng.uniform(0, 300), 1),
            y=round(rng.uniform(0, 100), 1),
        )
        for i in range(args.shops)
    ]
    rows = []
    for i, shop in enumerate(shops):
        family = i % FAMILIES
        for j in range(args.items):
            noun = word(family, j % WORDS_PER_FAMILY)
            adjective = ADJECTIVES[(j // WORDS_PER_FAMILY) % len(ADJECTIVES)]
            price = Decimal(rng.randrange(500, 20000)) / 100
            rows.append(
                (
                    shop,
                    StockInput(
                        f"{adjective} {noun} {j}", [], 1000, price.quantize(Decimal("0.01"))
                    ),
                )
            )
    stock_items_import(rows=rows)
    keys = [kiosk_create(name=f"kiosk-{shop.slug}", shop=shop).key for shop in shops]
    tokens = []
    for _ in range(args.shoppers):
        wants = {word(rng.randrange(FAMILIES), rng.randrange(WORDS_PER_FAMILY)) for _ in range(3)}
        registration = customer_register(
            desires=[DesireInput(name=w, keywords=[], level=rng.randint(1, 5)) for w in wants],
            payment_method="card",
            ranking=rng.choice(["nearest", "cheapest"]),
            consent=False,
        )
        tokens.append((registration.token, registration.customer.code))
    staff = get_user_model().objects.create_user("bench-staff", password=None, is_staff=True)
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.save()
    print(
        f"loaded in {time.perf_counter() - started:.0f} s: {len(shops)} shops, {len(rows)} items,"
        f" {len(tokens)} shoppers, {len(keys)} kiosks"
    )
    return Mall(
        kiosk_keys=keys,
        tokens=tokens,
        slugs=[s.slug for s in shops],
        cookie=f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    )


# --- Workers ---------------------------------------------------------------------------


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of processes (and their reaped children) so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / CLOCK_TICKS


def service_pids(name: str) -> list[int]:
    """PIDs of running processes whose command starts with ``name`` (postgres, redis)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/comm"):
        try:
            if stat.read_text().strip().startswith(name):
                pids.append(int(stat.parent.name))
        except OSError:
            continue
    return pids


# --- Load ------------------------------------------------------------------------------


@dataclass
class Row:
    workers: int
    requests: int
    seconds: float
    http: list[float]
    push: list[float]
    light_http: list[float]
    light_push: list[float]
    paced_rate: float
    paced_http: list[float]
    paced_push: list[float]
    errors: int
    lost_pushes: int
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


async def measure(args: argparse.Namespace, mall: Mall, workers: list[Worker]) -> Row:
    """Open the screens, warm up, then time ``args.requests`` sightings."""
    import httpx
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    pending: dict[str, float] = {}
    push: list[float] = []
    last_message = loop.time()  # when a screen last got anything

    async def screen(worker: Worker, slug: str, ready: asyncio.Event) -> None:
        nonlocal last_message
        async with connect(
            f"{worker.ws}/ws/shops/{slug}/",
            origin=worker.http,  # type: ignore[arg-type]
            additional_headers={"Cookie": mall.cookie},
            proxy=None,
            max_queue=None,
        ) as socket_:
            json.loads(await socket_.recv())  # the snapshot
            ready.set()
            async for raw in socket_:
                last_message = loop.time()
                message = json.loads(raw)
                if message.get("type") != "card.show":
                    continue
                sent = pending.pop(message["card"]["customer"], None)
                if sent is not None:
                    push.append(loop.time() - sent)

    async def quiet(seconds: float, limit: float) -> None:
        """Wait until no message has reached a screen for ``seconds`` (at most ``limit``)."""
        deadline = loop.time() + limit
        while loop.time() - last_message < seconds and loop.time() < deadline:
            await asyncio.sleep(0.1)

    screens = []
    for index, slug in enumerate(mall.slugs):
        ready = asyncio.Event()
        screens.append(asyncio.create_task(screen(workers[index % len(workers)], slug, ready)))
        await asyncio.wait_for(ready.wait(), 10)

    rng = random.Random(len(workers))
    shoppers = itertools.cycle(mall.tokens)
    turns = itertools.count()
    http: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=args.concurrency * 2)
    async with httpx.AsyncClient(trust_env=False, limits=limits, timeout=30) as client:

        async def sightings(count: int, timed: bool) -> None:
            nonlocal errors
            for _ in range(count):
                token, code = next(shoppers)
                worker = workers[next(turns) % len(workers)]
                key = rng.choice(mall.kiosk_keys)
                started = loop.time()
                if timed:
                    pending[code] = started
                response = await client.post(
                    f"{worker.http}/api/kiosk/sightings/",
                    json={"token": token},
                    headers={"Authorization": f"Api-Key {key}"},
                )
                if response.status_code != 200:
                    errors += 1
                if timed:
                    http.append(loop.time() - started)

        async def run(total: int, timed: bool, clients: int = args.concurrency) -> None:
            share, extra = divmod(total, clients)
            await asyncio.gather(*(sightings(share + (i < extra), timed) for i in range(clients)))

        await run(args.warmup, timed=False)
        await asyncio.sleep(0.5)
        push.clear()
        pids = {
            "workers": [w.process.pid for w in workers],
            "postgres": service_pids("postgres"),
            "redis": service_pids("redis-server"),
            "client": [os.getpid()],
        }
        before = {name: cpu_seconds(group) for name, group in pids.items()}
        started = time.perf_counter()
        await run(args.requests, timed=True)
        seconds = time.perf_counter() - started
        after = {name: cpu_seconds(group) for name, group in pids.items()}
        # The last pushes: the load leaves a backlog on the workers; wait until the screens
        # have been quiet for a second, so that the next phase does not time the backlog.
        await quiet(seconds=1.0, limit=30.0)
        lost = len(pending)
        pending.clear()
        # Push latency where the workers are not saturated: one sighting at a time (a
        # closed loop of --concurrency clients measures queueing, not the push path).
        throughput_push, push = list(push), []
        light_from = len(http)
        await run(min(args.requests, args.light), timed=True, clients=1)
        await asyncio.sleep(1.0)
        # Push latency under a steady load the workers can carry: sightings sent on a clock
        # at --paced of the rate just measured, each whether or not the one before was
        # answered (as shoppers walk past kiosks).
        light_push, push = push, []
        paced_from = len(http)
        paced_rate = args.paced * args.requests / seconds
        if args.paced > 0:
            start, sent = loop.time(), []
            for n in range(args.paced_count):
                await asyncio.sleep(max(0.0, start + n / paced_rate - loop.time()))
                sent.append(asyncio.create_task(sightings(1, timed=True)))
            await asyncio.gather(*sent)
            await quiet(seconds=1.0, limit=30.0)
    for task in screens:
        task.cancel()
    await asyncio.gather(*screens, return_exceptions=True)
    return Row(
        workers=len(workers),
        requests=args.requests,
        seconds=seconds,
        http=http[: args.requests],
        push=throughput_push,
        light_http=http[light_from:paced_from],
        light_push=light_push,
        paced_rate=paced_rate if args.paced > 0 else 0.0,
        paced_http=http[paced_from:],
        paced_push=push,
        errors=errors,
        lost_pushes=lost + len(pending),
        cpu={name: after[name] - before[name] for name in pids},
    )


# --- Report ----------------------------------------------------------------------------


def pair(values: list[float], digits: int = 1) -> str:
    """``p50 / p95`` of ``values`` (seconds) in milliseconds."""
    p50, p95 = (percentile(values, q) * 1000 for q in (50, 95))
    return f"{p50:.{digits}f} / {p95:.{digits}f}"


def report(rows: list[Row]) -> None:
    base = rows[0].rate
    print()
    print(
        "workers | sightings/s | speed-up | HTTP p50 / p95 ms (saturated) | push p50 / p95 ms"
        " (saturated) | paced at /s | HTTP p50 / p95 ms (paced) | push p50 / p95 ms (paced)"
        " | HTTP p50 / p95 ms (one at a time) | push p50 / p95 ms (one at a time) | errors"
        " | CPU s: workers / postgres / redis / client"
    )
    print("---|---|---|---|---|---|---|---|---|---|---|---")
    for row in rows:
        cpu = " / ".join(
            f"{row.cpu[name]:.1f}" for name in ("workers", "postgres", "redis", "client")
        )
        print(
            f"{row.workers} | {row.rate:.0f} | {row.rate / base:.2f}x | {pair(row.http)} |"
            f" {pair(row.push, 0)} | {row.paced_rate:.0f} | {pair(row.paced_http)} |"
            f" {pair(row.paced_push)} | {pair(row.light_http)} | {pair(row.light_push)} |"
            f" {row.errors} | {cpu} (in {row.seconds:.1f} s)"
        )
    print(
        f"\nmachine: {os.cpu_count()} CPUs; pushes without a card seen: "
        + ", ".join(f"{r.workers} workers {r.lost_pushes}" for r in rows)
    )


def targets_met(rounds: list[list[Row]]) -> bool:
    """The targets on the medians over the rounds (one round: that round's figures)."""
    counts = sorted({row.workers for rows in rounds for row in rows})
    ok = all(row.errors == 0 for rows in rounds for row in rows)
    print()
    if len(rounds) > 1:
        print(f"medians over {len(rounds)} rounds")
    for count in counts:
        runs = [row for rows in rounds for row in rows if row.workers == count]
        rate = statistics.median(row.rate for row in runs)
        push = statistics.median(percentile(row.light_push, 95) for row in runs)
        line = (
            f"{count} workers: {rate:.0f} sightings/s, push p95 {push * 1000:.1f} ms one at a time"
        )
        ok = ok and push <= 0.100
        if all(row.paced_push for row in runs):
            paced = statistics.median(percentile(row.paced_push, 95) for row in runs)
            line += f", {paced * 1000:.1f} ms paced"
            ok = ok and paced <= 0.100
        print(line)
    if 1 in counts and 2 in counts:
        ratios = []
        for rows in rounds:
            by_workers = {row.workers: row for row in rows}
            ratios.append(by_workers[2].rate / by_workers[1].rate)
        ratio = statistics.median(ratios)
        spread = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"speed-up of 2 workers over 1: median {ratio:.2f}x (rounds: {spread})")
        ok = ok and ratio >= 1.6
    print(
        "targets met"
        if ok
        else "TARGETS MISSED (2 workers >= 1.6x of 1; push p95 <= 100 ms, one at a time and paced)"
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
