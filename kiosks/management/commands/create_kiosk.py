"""``manage.py create_kiosk NAME (--shop SLUG | --floor F --x X --y Y)``: a kiosk and its
API key. The key is shown once, alone on the last line, so a script can take it with
``tail -n 1``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from kiosks.services import kiosk_create
from mall.selectors import shop_by_slug


class Command(BaseCommand):
    help = (
        "Create a kiosk in a shop (--shop) or standing on its own (--floor, --x, --y, in "
        "metres) and print its API key once, alone on the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--shop", help="slug of the shop the kiosk stands in")
        parser.add_argument("--floor", type=int)
        parser.add_argument("--x", type=float)
        parser.add_argument("--y", type=float)

    def handle(self, *args: Any, **options: Any) -> None:
        position = (options["floor"], options["x"], options["y"])
        if options["shop"] and any(v is not None for v in position):
            raise CommandError("Give either --shop or --floor/--x/--y, not both.")
        if not options["shop"] and None in position:
            raise CommandError("Give --shop SLUG, or all of --floor, --x and --y.")
        try:
            shop = shop_by_slug(options["shop"]) if options["shop"] else None
            created = kiosk_create(
                name=options["name"],
                shop=shop,
                floor=options["floor"],
                x=options["x"],
                y=options["y"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        kiosk = created.kiosk
        where = f"in {shop.name}" if shop else f"on floor {kiosk.floor} at ({kiosk.x}, {kiosk.y})"
        self.stdout.write(f"Kiosk {kiosk.name!r} created {where}.")
        self.stdout.write("Its API key follows; it is shown only this once:")
        self.stdout.write(created.key)
