"""Checking a synonyms file in Solr's format (``sneakers, trainers`` or ``a, b => c``, one
group per line, ``#`` comments): the lines to load, or the list of every bad line."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.csvfile import LineError
from matching import engine

#: ``SynonymGroup.words`` holds at most this many characters.
LINE_MAX = 500


@dataclass
class SynonymsFile:
    """``lines`` are only meant to be loaded when ``errors`` is empty."""

    lines: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def synonyms_file_parse(data: bytes) -> SynonymsFile:
    """Check every line: UTF-8, not too long, and at least two entries that have words."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    result = SynonymsFile()
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            result.errors.append(LineError(number, "not valid UTF-8"))
            continue
        for line in engine.parse_solr(text):
            problem = synonym_line_problem(line)
            if problem:
                result.errors.append(LineError(number, problem))
            else:
                result.lines.append(line)
    return result


def synonym_line_problem(line: str) -> str | None:
    """What is wrong with one group's line, or None (the file's check and the admin's)."""
    if len(line) > LINE_MAX:
        return f"line too long ({len(line)} characters, at most {LINE_MAX})"
    if "=>" in line:
        left, right = line.split("=>", 1)
        if not _entries(left) or not _entries(right):
            return "a mapping needs words on both sides of =>"
        return None
    if len(_entries(line)) < 2:
        return "a group needs at least two comma-separated entries"
    return None


def _entries(text: str) -> list[str]:
    return [part for part in text.split(",") if engine.words(part)]
