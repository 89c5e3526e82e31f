"""Reading the CSV files that staff and clerks upload: records with their line numbers.

The importers (``mall.imports``, ``stock.imports``) check every record before anything is
written, so a file is taken whole or not at all, and every bad line is named. This module
only splits the bytes into records; what a good record is belongs to each importer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

#: A field longer than this is certainly not a shop or an item (the csv default is 128 KiB).
FIELD_LIMIT = 10_000


@dataclass(frozen=True)
class LineError:
    """Why line ``line`` (1-based, as an editor shows it) of a file was refused."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Record:
    """One CSV record: the line it starts on, its fields, or why it cannot be read."""

    line: int
    fields: list[str]
    error: str | None = None


def csv_records(data: bytes) -> Iterator[Record]:
    """The non-blank records of ``data`` (UTF-8 CSV, BOM allowed), with their line numbers.

    Bytes that are not UTF-8 spoil only the record they are in: the file is decoded with
    ``surrogateescape`` so that the other lines still parse and can be checked too.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="surrogateescape")
    # Checking the whole text once keeps the per-record checks off the common path.
    check_utf8 = not _is_clean(text)
    check_nul = "\x00" in text  # no text column of PostgreSQL can hold one
    previous_limit = csv.field_size_limit(FIELD_LIMIT)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        start = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield Record(line=start, fields=[], error=f"unreadable CSV ({error})")
                start = reader.line_num + 1
                continue
            line, start = start, reader.line_num + 1
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if check_utf8 and not _is_clean("\x00".join(fields)):
                yield Record(line=line, fields=fields, error="not valid UTF-8")
                continue
            if check_nul and any("\x00" in field for field in fields):
                yield Record(line=line, fields=fields, error="holds a NUL character")
                continue
            yield Record(line=line, fields=fields)
    finally:
        csv.field_size_limit(previous_limit)


def _is_clean(text: str) -> bool:
    """False if ``text`` holds bytes that were not UTF-8 (lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def header_columns(fields: list[str], known: frozenset[str]) -> list[str] | None:
    """The column names if ``fields`` is a header row (every cell a known name), else None."""
    names = [field.strip().lower() for field in fields]
    if names and all(names) and set(names) <= known and len(set(names)) == len(names):
        return names
    return None
