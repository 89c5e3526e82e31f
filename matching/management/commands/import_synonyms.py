"""``manage.py import_synonyms FILE``: replace the synonym table with a Solr synonyms file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching.imports import synonyms_file_parse
from matching.services import synonyms_replace


class Command(BaseCommand):
    help = (
        "Replace the synonym table with a file in Solr's format: one group per line "
        "('sneakers, trainers' or 'sneakers, trainers => shoes'), '#' starts a comment. "
        "A file with a bad line changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        parsed = synonyms_file_parse(data)
        if parsed.errors:
            for error in parsed.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(f"{len(parsed.errors)} bad line(s) in {path}; nothing changed.")
        count = synonyms_replace(lines=parsed.lines)
        self.stdout.write(f"Synonym table replaced: {count} group(s).")
