"""``manage.py import_stock FILE``: load a stock CSV, all of it or nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stock.imports import stock_csv_parse
from stock.services import stock_items_import

#: Files with at least this many rows show a progress line while they load.
PROGRESS_MIN_ROWS = 5000


class Command(BaseCommand):
    help = (
        "Import stock from a CSV file: shop,name,keywords,quantity,price[,barcode,valid_days] "
        "(keywords separated by ';', header optional). Every line is checked first; a file "
        "with a bad line imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        started = time.perf_counter()
        parsed = stock_csv_parse(data)
        if parsed.errors:
            for error in parsed.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(f"{len(parsed.errors)} bad line(s) in {path}; nothing was imported.")
        total = len(parsed.rows)
        progress = _Progress(self.stderr, total) if total >= PROGRESS_MIN_ROWS else None
        count = stock_items_import(rows=parsed.rows, progress=progress)
        if progress:
            progress.done()
        shops = len({shop.pk for shop, _ in parsed.rows})
        self.stdout.write(
            f"Imported {count} stock items for {shops} shop(s) "
            f"in {time.perf_counter() - started:.1f} s."
        )


class _Progress:
    """A plain-text progress line on stderr, rewritten in place: ``  120000/200000 rows``."""

    def __init__(self, out: Any, total: int) -> None:
        self.out = out
        self.total = total
        self.count = 0
        # On a terminal the line is rewritten; in a log file each update is its own line.
        self.ending = "" if out.isatty() else "\n"

    def __call__(self, added: int) -> None:
        self.count += added
        self.out.write(f"\r  {self.count}/{self.total} rows", ending=self.ending)
        self.out.flush()

    def done(self) -> None:
        if not self.ending:
            self.out.write("")
