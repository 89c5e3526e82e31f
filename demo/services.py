"""The demo mall behind ``manage.py demo``: loading it (idempotent), and serving it.

``demo_load`` fills the database through the same services as the real commands: ten
shops on two floors, a few hundred stock items from ``demo.catalogue``, the synonym
list, a kiosk per shop and one at the entrance, corridors on both floors (walking
distances and routes on the maps), a clerk and an admin login. Run again, it
adds only what is missing (expired stock comes back) and issues fresh passwords and kiosk
keys, since only hashes of the old ones are kept.

Other parts of the system join the demo through ``DEMO_EXTENSIONS`` (see there).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from demo.catalogue import CATEGORIES, SYNONYMS, item_specs
from kiosks.models import Kiosk
from kiosks.services import kiosk_create, kiosk_key_rotate
from mall.models import CorridorEdge, CorridorNode, Shop
from mall.services import ShopInput, clerk_create, shops_import
from matching.models import SynonymGroup
from matching.services import synonyms_replace
from reports.demo import MISSING, demo_history_fill
from stock.models import StockItem
from stock.services import StockInput
from workflows.purge import PurgeReport, data_purge_repeat
from workflows.restock import stock_items_import

logger = logging.getLogger(__name__)

#: (slug, name, floor, x, y): two floors along one corridor; each shop sells the
#: category of the same position in ``CATEGORIES``.
DEMO_SHOPS: tuple[tuple[str, str, int, float, float], ...] = (
    ("sole-mates", "Sole Mates", 0, 10.0, 5.0),
    ("thread-needle", "Thread & Needle", 0, 30.0, 5.0),
    ("gadget-garden", "Gadget Garden", 0, 50.0, 5.0),
    ("toy-box", "Toy Box", 0, 70.0, 25.0),
    ("page-turner", "Page Turner", 0, 40.0, 25.0),
    ("kitchen-corner", "Kitchen Corner", 1, 10.0, 5.0),
    ("sport-stop", "Sport Stop", 1, 30.0, 5.0),
    ("glow-beauty", "Glow Beauty", 1, 50.0, 5.0),
    ("silver-lining", "Silver Lining", 1, 70.0, 25.0),
    ("home-nest", "Home Nest", 1, 40.0, 25.0),
)
#: The corridors (docs/decisions/0014): (name, floor, x, y) of each point, then the ways
#: between them by name "floor:name" (kind, cost in metres or None for the straight
#: length). Page Turner's door opens on the north gallery, reached past Gadget Garden: its
#: walk from the entrance is longer than the straight line, and the maps show it.
DEMO_POINTS: tuple[tuple[str, int, float, float], ...] = (
    ("entrance", 0, 0.0, 15.0),
    ("west", 0, 10.0, 15.0),
    ("stairs", 0, 20.0, 15.0),
    ("centre", 0, 30.0, 15.0),
    ("east", 0, 50.0, 15.0),
    ("lift", 0, 60.0, 15.0),
    ("far east", 0, 70.0, 15.0),
    ("north gallery east", 0, 55.0, 22.0),
    ("north gallery", 0, 40.0, 22.0),
    ("west", 1, 10.0, 15.0),
    ("stairs", 1, 20.0, 15.0),
    ("centre", 1, 30.0, 15.0),
    ("middle", 1, 40.0, 15.0),
    ("east", 1, 50.0, 15.0),
    ("lift", 1, 60.0, 15.0),
    ("far east", 1, 70.0, 15.0),
)
DEMO_WAYS: tuple[tuple[str, str, str, float | None], ...] = (
    ("0:entrance", "0:west", "corridor", None),
    ("0:west", "0:stairs", "corridor", None),
    ("0:stairs", "0:centre", "corridor", None),
    ("0:centre", "0:east", "corridor", None),
    ("0:east", "0:lift", "corridor", None),
    ("0:lift", "0:far east", "corridor", None),
    ("0:east", "0:north gallery east", "corridor", None),
    ("0:north gallery east", "0:north gallery", "corridor", None),
    ("1:west", "1:stairs", "corridor", None),
    ("1:stairs", "1:centre", "corridor", None),
    ("1:centre", "1:middle", "corridor", None),
    ("1:middle", "1:east", "corridor", None),
    ("1:east", "1:lift", "corridor", None),
    ("1:lift", "1:far east", "corridor", None),
    ("0:stairs", "1:stairs", "stairs", 12.0),
    ("0:lift", "1:lift", "lift", 25.0),
)
ITEMS_PER_SHOP = 36
ENTRANCE_KIOSK = "Entrance"
CLERK_USERNAME = "clerk"
ADMIN_USERNAME = "admin"
#: Seconds between purges while the demo serves.
PURGE_EVERY = 30.0

#: Modules that add to the demo, imported when they exist. Each may define
#: ``add_demo_arguments(parser)`` to add its own options to ``manage.py demo`` (such as
#: ``--no-virtual-mall``), and ``start_demo(*, demo, base_url, options)``, called once the
#: mall is loaded and just before the server starts, with the ``DemoMall``, the server's
#: URL and the command's options; it returns a callable that stops what it started, or
#: None. A module that is missing or defines neither is skipped.
DEMO_EXTENSIONS: list[str] = ["kiosks.bluetooth.virtual_mall"]


@dataclass
class DemoMall:
    """What ``demo_load`` made, with the secrets it can show this once."""

    shops: list[Shop]
    items_created: int
    items_total: int
    #: Kiosk name -> API key, issued on this run.
    kiosk_keys: dict[str, str]
    clerk: tuple[str, str, str]  # username, password, shop slug
    admin: tuple[str, str]  # username, password
    #: Product names a shopper of this mall might want (for walkers, examples).
    products: list[str] = field(default_factory=list)


def demo_load() -> DemoMall:
    """Load the demo mall, adding only what is missing; new passwords and kiosk keys."""
    with transaction.atomic():
        shops_import(rows=[ShopInput(*row) for row in DEMO_SHOPS])
        shops = list(Shop.objects.filter(slug__in=[row[0] for row in DEMO_SHOPS]))
        by_slug = {shop.slug: shop for shop in shops}
        shops = [by_slug[row[0]] for row in DEMO_SHOPS]
        created = _stock_load(shops)
        if not SynonymGroup.objects.exists():
            synonyms_replace(lines=SYNONYMS)
        keys = _kiosks_load(shops)
        _corridors_load()
        clerk_password = _password()
        clerk_create(username=CLERK_USERNAME, shop=shops[0], password=clerk_password)
        admin_password = _password()
        _superuser_ensure(username=ADMIN_USERNAME, password=admin_password)
        demo_history_fill(shops=shops, kiosks=list(Kiosk.objects.filter(name__in=keys)))
    return DemoMall(
        shops=shops,
        items_created=created,
        items_total=StockItem.objects.filter(shop__in=shops).count(),
        kiosk_keys=keys,
        clerk=(CLERK_USERNAME, clerk_password, shops[0].slug),
        admin=(ADMIN_USERNAME, admin_password),
        # A few that no shop sells: the reports' unmet demand fills live as they walk.
        products=[*_products(), *MISSING[:4]],
    )


def _stock_load(shops: list[Shop]) -> int:
    """The catalogue items each shop lacks (by name); returns how many were created."""
    rows: list[tuple[Shop, StockInput]] = []
    for position, (shop, category) in enumerate(zip(shops, CATEGORIES, strict=False)):
        have = set(StockItem.objects.filter(shop=shop).values_list("name", flat=True))
        for spec in item_specs(category, ITEMS_PER_SHOP, seed=position):
            if spec.name not in have:
                rows.append(
                    (
                        shop,
                        StockInput(
                            name=spec.name,
                            keywords=list(spec.keywords),
                            quantity=spec.quantity,
                            price=spec.price,
                            barcode=spec.barcode,
                        ),
                    )
                )
    return stock_items_import(rows=rows) if rows else 0


def _corridors_load() -> None:
    """Draw the demo's corridors, unless staff have drawn some (theirs are kept)."""
    if CorridorNode.objects.exists():
        return
    points = {
        f"{floor}:{name}": CorridorNode.objects.create(name=name, floor=floor, x=x, y=y)
        for name, floor, x, y in DEMO_POINTS
    }
    for start, end, kind, cost in DEMO_WAYS:
        CorridorEdge.objects.create(start=points[start], end=points[end], kind=kind, cost_m=cost)


def _products() -> list[str]:
    """Wants that match something in the demo mall: a few per shop."""
    wants: list[str] = []
    for position, category in enumerate(CATEGORIES[: len(DEMO_SHOPS)]):
        for spec in item_specs(category, 3, seed=position):
            wants.append(spec.want)
    return list(dict.fromkeys(wants))


def _kiosks_load(shops: list[Shop]) -> dict[str, str]:
    """A kiosk per shop and one at the entrance; existing ones get a new key."""
    wanted: list[tuple[str, dict[str, Any]]] = [
        (f"{shop.name} kiosk", {"shop": shop}) for shop in shops
    ]
    wanted.append((ENTRANCE_KIOSK, {"floor": 0, "x": 0.0, "y": 15.0}))
    existing = {
        kiosk.name: kiosk for kiosk in Kiosk.objects.filter(name__in=[n for n, _ in wanted])
    }
    keys: dict[str, str] = {}
    for name, where in wanted:
        if name in existing:
            keys[name] = kiosk_key_rotate(kiosk=existing[name]).key
        else:
            keys[name] = kiosk_create(name=name, **where).key
    # The entrance page (/kiosk/) registers shoppers at the entrance kiosk: a sighting.
    Kiosk.objects.filter(name=ENTRANCE_KIOSK).update(is_entrance=True)
    return keys


def _superuser_ensure(*, username: str, password: str) -> None:
    """Mall staff login for the admin: created, or given ``password`` if it exists."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()


def _password() -> str:
    return secrets.token_urlsafe(9)


def demo_extensions() -> list[ModuleType]:
    """The importable modules of ``DEMO_EXTENSIONS``."""
    found = []
    for path in DEMO_EXTENSIONS:
        try:
            module = importlib.import_module(path)
        except ImportError:
            continue
        if hasattr(module, "add_demo_arguments") or hasattr(module, "start_demo"):
            found.append(module)
    return found


def demo_extensions_arguments(parser: argparse.ArgumentParser) -> None:
    """Let each extension add its options to ``manage.py demo``."""
    for module in demo_extensions():
        if hasattr(module, "add_demo_arguments"):
            module.add_demo_arguments(parser)


def demo_serve(
    *,
    demo: DemoMall,
    host: str,
    port: int,
    options: dict[str, Any],
    purge_report: Callable[[PurgeReport], None],
) -> None:
    """Serve ``config.asgi:application`` with daphne until interrupted, with the purge
    running every ``PURGE_EVERY`` seconds and the extensions started beside it."""
    from daphne.cli import CommandLineInterface

    stop = threading.Event()
    purger = threading.Thread(
        target=data_purge_repeat,
        kwargs={"every": PURGE_EVERY, "report": purge_report, "stop": stop},
        name="demo-purge",
        daemon=True,
    )
    purger.start()
    base_url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    stoppers = []
    for module in demo_extensions():
        if hasattr(module, "start_demo"):
            stopper = module.start_demo(demo=demo, base_url=base_url, options=options)
            if stopper is not None:
                stoppers.append(stopper)
    try:
        CommandLineInterface().run(["-b", host, "-p", str(port), "config.asgi:application"])
    finally:
        stop.set()
        purger.join(timeout=10)
        for stopper in stoppers:
            try:
                stopper()
            except Exception:
                logger.exception("a demo extension failed to stop")
