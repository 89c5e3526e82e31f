"""``manage.py import_synonyms FILE``: replace the synonym table with a Solr synonyms file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mall.management.checked_file import CheckedFileCommand
from matching.imports import synonyms_file_parse
from matching.services import synonyms_replace


class Command(CheckedFileCommand):
    refused = "nothing changed"
    help = (
        "Replace the synonym table with a file in Solr's format: one group per line "
        "('sneakers, trainers' or 'sneakers, trainers => shoes'), '#' starts a comment. "
        "A file with a bad line changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        parsed = self.read_checked(path, synonyms_file_parse)
        count = synonyms_replace(lines=parsed.lines)
        self.stdout.write(f"Synonym table replaced: {count} group(s).")
