"""``manage.py pda``: a shopper's Bluetooth handheld in a terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiosks.bluetooth.pda import PdaError, PdaOptions, default_token_file, run_pda
from kiosks.bluetooth.protocol import PAYMENT_METHODS, RANKINGS


class Command(BaseCommand):
    help = (
        "A handheld in a terminal: register your wants, then walk up to a kiosk to get the "
        "ranked list of shops that have them. Keeps your token in --token-file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            default="hello",
            choices=["hello", "register", "update", "erase", "login", "forget"],
            help="hello: get the list (default); register: new shopper; update: replace "
            "wants (none: cancel them all); erase: delete everything about you; login CODE "
            "KEY: carry the code and key the entrance page showed; forget: delete the saved "
            "token",
        )
        parser.add_argument(
            "login", nargs="*", metavar="CODE KEY", help="with login: the code and secret key"
        )
        parser.add_argument(
            "--want",
            action="append",
            default=[],
            help="NAME[:LEVEL[:KEYWORD,...]], e.g. 'running shoes:4' (repeatable)",
        )
        parser.add_argument("--payment", choices=PAYMENT_METHODS, default="cash")
        parser.add_argument("--ranking", choices=RANKINGS, default="nearest")
        parser.add_argument("--photo", type=Path, help="a JPEG of your face (needs --consent)")
        parser.add_argument(
            "--consent", action="store_true", help="I agree that shops see my photo"
        )
        parser.add_argument(
            "--transport",
            default="tcp-client:127.0.0.1:7890",
            help="Bluetooth transport spec (default: %(default)s, the kiosk's virtual radio)",
        )
        parser.add_argument("--token-file", type=Path, default=default_token_file())
        parser.add_argument("--kiosk", help="connect to this Bluetooth address, no inquiry")
        parser.add_argument("--scan-seconds", type=float, default=5.0)
        parser.add_argument(
            "--stay", action="store_true", help="stay in range until Enter, then say bye"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pda = PdaOptions(
            action=options["action"],
            login=tuple(options["login"]),
            transport=options["transport"],
            token_file=options["token_file"],
            wants=options["want"],
            payment=options["payment"],
            ranking=options["ranking"],
            photo=options["photo"],
            consent=options["consent"],
            kiosk=options["kiosk"],
            scan_seconds=options["scan_seconds"],
            stay=options["stay"],
        )
        try:
            asyncio.run(run_pda(pda, out=self.stdout))
        except (PdaError, OSError) as error:
            raise CommandError(str(error)) from error
