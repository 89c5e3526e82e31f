"""``manage.py import_stock FILE``: load a stock CSV, all of it or nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from core.errors import DomainError
from mall.management.checked_file import CheckedFileCommand
from stock.imports import stock_csv_parse
from workflows.restock import stock_items_sync

#: Files with at least this many rows show a progress line while they load.
PROGRESS_MIN_ROWS = 5000


class Command(CheckedFileCommand):
    help = (
        "Import stock from a CSV file: shop,name,keywords,quantity,price[,barcode,valid_days] "
        "(keywords separated by ';', header optional). Every line is checked first; a file "
        "with a bad line imports nothing. A row whose barcode names an item of its shop "
        "updates that item; --replace also deletes the items of the file's shops that it "
        "does not name."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="the file is the shops' whole catalogue: delete their items it does not name",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        started = time.perf_counter()
        parsed = self.read_checked(path, stock_csv_parse)
        total = len(parsed.rows)
        progress = _Progress(self.stderr, total) if total >= PROGRESS_MIN_ROWS else None
        try:
            report = stock_items_sync(
                rows=parsed.rows, replace=options["replace"], progress=progress
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        if progress:
            progress.done()
        shops = len({shop.pk for shop, _ in parsed.rows})
        self.stdout.write(
            f"Imported {report.imported} stock items for {shops} shop(s) "
            f"({report.created} new, {report.updated} updated by barcode"
            + (f", {report.removed} removed" if options["replace"] else "")
            + f") in {time.perf_counter() - started:.1f} s."
        )


class _Progress:
    """Progress on stderr: ``  120000/200000 rows``, rewritten in place on a terminal; in a
    log (not a terminal) one line per tenth, so the log stays short."""

    def __init__(self, out: OutputWrapper, total: int) -> None:
        self.out = out
        self.total = total
        self.count = 0
        self.tty = out.isatty()
        self.tenths_shown = 0

    def __call__(self, added: int) -> None:
        self.count += added
        if self.tty:
            self.out.write(f"\r  {self.count}/{self.total} rows", ending="")
        else:
            tenths = self.count * 10 // self.total
            if tenths <= self.tenths_shown:
                return
            self.tenths_shown = tenths
            self.out.write(f"  {self.count}/{self.total} rows")
        self.out.flush()

    def done(self) -> None:
        if self.tty:
            self.out.write("")
