"""The shape every file-reading command shares: read the file, check all of it, and refuse
the whole file (naming every bad line) before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Checked(Protocol):
    """What a checker returns: the bad lines (none if the file is good), and its rows."""

    @property
    def errors(self) -> Sequence[object]: ...


CheckedT = TypeVar("CheckedT", bound=Checked)


class CheckedFileCommand(BaseCommand):
    """A command taking one FILE, parsed by a checker returning ``.errors`` (and rows)."""

    #: What the refusal says was done with a bad file.
    refused = "nothing was imported"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def read_checked(self, path: Path, check: Callable[[bytes], CheckedT]) -> CheckedT:
        """The checked content of ``path``; every bad line on stderr and a CommandError if
        there is one."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        parsed = check(data)
        if parsed.errors:
            for bad_line in parsed.errors:
                self.stderr.write(f"{path}: {bad_line}")
            count = len(parsed.errors)
            lines = "1 bad line" if count == 1 else f"{count} bad lines"
            raise CommandError(f"{lines} in {path}; {self.refused}.")
        return parsed
