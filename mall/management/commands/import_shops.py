"""``manage.py import_shops FILE``: create or update shops from a CSV, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mall.imports import shops_csv_parse
from mall.management.checked_file import CheckedFileCommand
from mall.services import shops_import


class Command(CheckedFileCommand):
    help = (
        "Create or update shops (by slug) from a CSV file: slug,name,floor,x,y (header "
        "optional; x and y in metres). A file with a bad line imports nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        parsed = self.read_checked(path, shops_csv_parse)
        created, updated = shops_import(rows=parsed.rows)
        self.stdout.write(f"Shops: {created} created, {updated} updated.")
