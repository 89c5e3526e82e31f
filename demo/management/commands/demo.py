"""``manage.py demo``: migrate, load the demo mall, print how to try it, and serve it."""

from __future__ import annotations

import json
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from demo.services import ENTRANCE_KIOSK, DemoMall, demo_extensions_arguments, demo_load, demo_serve
from kiosks.selectors import kiosk_checkin_path, kiosks_of_shop
from mall.selectors import shop_by_slug
from workflows.purge import PurgeReport


class Command(BaseCommand):
    help = (
        "Set up a demo mall (10 shops, a few hundred items, kiosks, a clerk and an admin "
        "login; idempotent) and serve it with daphne on 127.0.0.1:8000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="load and print, no server")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        demo_extensions_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        demo = demo_load()
        self._print(demo, options)
        if options["no_serve"]:
            return
        demo_serve(
            demo=demo,
            host=options["host"],
            port=options["port"],
            options=options,
            purge_report=self._purged,
        )

    def _print(self, demo: DemoMall, options: dict[str, Any]) -> None:
        host = "127.0.0.1" if options["host"] in ("0.0.0.0", "::") else options["host"]
        url = f"http://{host}:{options['port']}"
        key = demo.kiosk_keys[ENTRANCE_KIOSK]
        registration = {
            "desires": [{"name": demo.products[0], "keywords": [], "level": 4}],
            "payment_method": "card",
            "ranking": "nearest",
            "consent": False,
        }
        clerk, clerk_password, clerk_shop = demo.clerk
        admin, admin_password = demo.admin
        lines = [
            "",
            f"Demo mall: {len(demo.shops)} shops on 2 floors, {demo.items_total} stock items "
            f"({demo.items_created} new), {len(demo.kiosk_keys)} kiosks.",
            "",
            f"  Entrance kiosk (register)  {url}/kiosk/",
            f"  Shop dashboard (clerks)    {url}/shop/",
            f"  Admin (mall staff)         {url}/admin/",
            f"  API docs                   {url}/api/docs/",
            f"  Shop screen (check-in QR)  {url}/shop/{demo.clerk[2]}/screen/",
            f"  Phone check-in at {demo.clerk[2]}: {url}{_checkin_path(demo.clerk[2])}",
            "",
            f"  Clerk of {clerk_shop}: {clerk} / {clerk_password}",
            f"  Admin: {admin} / {admin_password}",
            "  (new passwords and kiosk keys on every run)",
            "",
            "Try the API with the entrance kiosk's key:",
            f"  KEY={key}",
            f"  TOKEN=$(curl -s {url}/api/customers/ -H 'Content-Type: application/json' \\",
            "    -d '" + json.dumps(registration) + "' \\",
            "    | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"token\"])')",
            f'  curl -s {url}/api/kiosk/sightings/ -H "Authorization: Api-Key $KEY" \\',
            '    -H \'Content-Type: application/json\' -d "{\\"token\\": \\"$TOKEN\\"}"',
            "",
        ]
        if not options["no_serve"]:
            lines.append(f"Serving on {url} (Ctrl-C stops); purge runs every 30 s.")
        self.stdout.write("\n".join(lines))

    def _purged(self, report: PurgeReport) -> None:
        if report.wants or report.customers_expired or report.customers_departed or report.stock:
            self.stdout.write(f"{timezone.now():%H:%M:%S} {report}")


def _checkin_path(shop_slug: str) -> str:
    """Where a phone checks in at ``shop_slug``'s kiosk (the QR code on its screen)."""
    kiosk = next(iter(kiosks_of_shop(shop_by_slug(shop_slug).pk)), None)
    return kiosk_checkin_path(kiosk) if kiosk is not None else "(no kiosk)"
