"""``manage.py kiosk``: run a shop's kiosk agent (RFCOMM server for handhelds)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiosks.bluetooth.agent import default_queue_dir, serve_kiosk_forever
from kiosks.bluetooth.transport import TransportError


class Command(BaseCommand):
    help = (
        "Run the kiosk agent: a Bluetooth RFCOMM server for shoppers' handhelds that talks "
        "to the mall server's HTTP API with this kiosk's key. Transports: hci-socket:0, "
        "usb:0, serial:/dev/ttyUSB0, or virtual:HOST:PORT (a virtual radio that "
        "`manage.py pda --transport tcp-client:HOST:PORT` can join from another terminal)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--server", required=True, help="mall server URL, e.g. http://127.0.0.1:8000"
        )
        parser.add_argument(
            "--key", required=True, help="this kiosk's API key (create_kiosk prints it)"
        )
        parser.add_argument(
            "--transport",
            default="virtual:127.0.0.1:7890",
            help="Bluetooth transport spec (default: %(default)s)",
        )
        parser.add_argument(
            "--queue-dir",
            type=Path,
            default=None,
            help="directory for undelivered departures (default: ~/.local/state/mall-kiosk)",
        )
        parser.add_argument("--name", default="mall-kiosk", help="Bluetooth device name")

    def handle(self, *args: Any, **options: Any) -> None:
        if not logging.getLogger().handlers:
            logging.basicConfig(
                level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
            )
        # One line per event: the agent logs each request, httpx need not repeat it.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        try:
            asyncio.run(
                serve_kiosk_forever(
                    server=options["server"],
                    key=options["key"],
                    transport=options["transport"],
                    queue_dir=options["queue_dir"] or default_queue_dir(),
                    name=options["name"],
                )
            )
        except TransportError as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            self.stdout.write("Kiosk stopped.")
