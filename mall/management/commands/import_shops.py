"""``manage.py import_shops FILE``: create or update shops from a CSV, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mall.imports import shops_csv_parse
from mall.services import shops_import


class Command(BaseCommand):
    help = (
        "Create or update shops (by slug) from a CSV file: slug,name,floor,x,y (header "
        "optional; x and y in metres). A file with a bad line imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        parsed = shops_csv_parse(data)
        if parsed.errors:
            for error in parsed.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(f"{len(parsed.errors)} bad line(s) in {path}; nothing was imported.")
        created, updated = shops_import(rows=parsed.rows)
        self.stdout.write(f"Shops: {created} created, {updated} updated.")
