"""Walking distances: what corridors cost a sighting (docs/decisions/0014-walking-distance.md).

One process, one database (SQLite in a temporary folder, or ``DATABASE_URL``, which must
then be empty): the shops, stock, shoppers and kiosks of ``bench/sighting.py`` (smaller by
default), and its corridors (a grid on each floor, stairs and lifts). Then, in blocks that
alternate so that a busy machine slows both alike:

- ``with corridors``: the ways drawn; every kiosk's distances are worked out before the
  block (the steady state: kiosks stand still);
- ``straight line``: the ways deleted (the points stay: no corridor is drawn);

each block ``--block`` in-process sightings (``customer_sight``: match, rank, cards,
answer). Also timed: a kiosk's distances from nothing (after staff change the corridors:
the Dijkstra table and a walk to every shop), and one route as a map asks for it.

    .venv/bin/python bench/walking.py
    .venv/bin/python bench/walking.py --shops 100 --items 10 --blocks 2
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project, also when run as bench/walking.py
from bench.common import django_in  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shops", type=int, default=500)
    parser.add_argument("--items", type=int, default=40, help="stock items per shop")
    parser.add_argument("--shoppers", type=int, default=500)
    parser.add_argument("--blocks", type=int, default=6, help="blocks per mode")
    parser.add_argument("--block", type=int, default=200, help="sightings per block")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="mall-walk-bench-"))
    django_in(work)
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> int:
    from django.core.management import call_command

    from bench.sighting import (
        create_kiosks,
        draw_corridors,
        register_shoppers,
        report,
        time_walking_tables,
        timed,
        write_shops,
        write_stock,
        write_synonyms,
    )
    from customers.selectors import customer_by_token
    from kiosks.selectors import kiosk_by_key
    from mall.models import CorridorEdge, Shop
    from mall.walking import walk_route, walking_kept
    from matching.engine import Position
    from matching.index.memo import catalogue_current
    from matching.index.offers import _distances
    from workflows.sightings import customer_sight

    print(f"database: {os.environ['DATABASE_URL']}")
    call_command("migrate", verbosity=0)
    if Shop.objects.exists():
        print("DATABASE_URL points at a database with shops in it; use an empty one.")
        return 2
    shops_csv, stock_csv, synonyms = work / "shops.csv", work / "stock.csv", work / "syn.txt"
    slugs = write_shops(shops_csv, args.shops)
    rows = write_stock(stock_csv, slugs, args.items)
    write_synonyms(synonyms)
    call_command("import_shops", str(shops_csv), verbosity=0)
    call_command("import_synonyms", str(synonyms), verbosity=0)
    call_command("import_stock", str(stock_csv), verbosity=0)
    tokens = register_shoppers(args.shoppers, wants=None)
    keys = create_kiosks()
    points, ways = draw_corridors()
    drawn = list(CorridorEdge.objects.values_list("start_id", "end_id", "kind", "cost_m"))
    kiosks = [kiosk_by_key(key) for key in keys]
    print(
        f"loaded: {len(slugs)} shops, {rows} stock rows, {len(tokens)} shoppers x 3 wants,"
        f" {len(kiosks)} kiosks, corridors: {points} points, {ways} ways"
    )

    from django.conf import settings

    def warm() -> None:
        """Every kiosk's distances worked out (the steady state)."""
        catalogue = catalogue_current()
        for kiosk in kiosks:
            _distances(
                catalogue,
                Position(*kiosk.position),
                settings.FLOOR_CHANGE_METRES,
                walking_kept(),
            )

    def sight(i: int) -> None:
        customer = customer_by_token(tokens[i % len(tokens)])
        customer_sight(kiosk=kiosks[(i * 7) % len(kiosks)], customer=customer)

    def corridors(on: bool) -> None:
        CorridorEdge.objects.all().delete()
        if on:
            CorridorEdge.objects.bulk_create(
                CorridorEdge(start_id=s, end_id=e, kind=k, cost_m=c) for s, e, k, c in drawn
            )

    cold = time_walking_tables(keys)
    times: dict[bool, list[float]] = {True: [], False: []}
    for i in range(args.block):
        sight(i)  # warm-up: caches, query plans
    for block in range(args.blocks * 2):
        on = block % 2 == 0
        corridors(on)
        warm()
        times[on].extend(timed(lambda i, b=block: sight(b * args.block + i), args.block))

    corridors(True)
    warm()
    rng = random.Random(3)
    shops = list(Shop.objects.all())

    def route(i: int) -> None:
        kiosk, shop = kiosks[i % len(kiosks)], rng.choice(shops)
        walk_route(kiosk.position, (shop.floor, shop.x, shop.y))

    routes = timed(route, 200)

    print()
    report("kiosk's distances from nothing (Dijkstra + every shop)", cold)
    report("sighting in-process, with corridors", times[True])
    report("sighting in-process, straight line", times[False])
    report("a route for a map (one shortest path)", routes)
    started = time.perf_counter()
    warm()
    print(f"every kiosk's distances again, warm: {(time.perf_counter() - started) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
