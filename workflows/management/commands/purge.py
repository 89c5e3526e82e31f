"""``manage.py purge [--every SECONDS]``: delete what is past its time (DESIGN.md, flow 7)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from workflows.purge import PurgeReport, data_purge, data_purge_repeat


class Command(BaseCommand):
    help = (
        "Delete expired wants, shoppers and stock, and shoppers gone from every kiosk for "
        "longer than DEPARTURE_GRACE (face photos included). Once, or every N seconds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, metavar="SECONDS", help="keep running, every SECONDS"
        )
        parser.add_argument(
            "--runs", type=int, help="with --every: stop after this many runs (default: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every, runs = options["every"], options["runs"]
        if every is None:
            if runs is not None:
                raise CommandError("--runs goes with --every.")
            self._print(data_purge(now=timezone.now()))
            return
        if every <= 0:
            raise CommandError("--every needs a positive number of seconds.")
        if runs is not None and runs < 1:
            raise CommandError("--runs needs a positive number.")
        try:
            data_purge_repeat(every=every, runs=runs, report=self._print)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _print(self, report: PurgeReport) -> None:
        self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {report}")
