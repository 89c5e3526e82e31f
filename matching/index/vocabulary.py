"""The words of the stock, grouped for typo look-ups (DESIGN.md rule 6).

A typo neighbour shares its first letter and is at most two letters longer or shorter, so
the words are kept by (first letter, length): a look-up checks a few windows, never the
whole vocabulary.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from matching import engine


class Vocabulary:
    """Item words (not joined compounds: typos never match those) by first letter and length."""

    def __init__(self) -> None:
        self._windows: dict[tuple[str, int], set[str]] = defaultdict(set)

    def add(self, word: str) -> None:
        self._windows[word[0], len(word)].add(word)

    def discard(self, word: str) -> None:
        window = self._windows.get((word[0], len(word)))
        if window is not None:
            window.discard(word)

    def neighbours(self, word: str) -> set[str]:
        """The vocabulary words within ``word``'s typo budget (itself included if present)."""
        budget = engine.typo_budget(word)
        if not budget:
            return set()
        return {
            term
            for length in range(len(word) - budget, len(word) + budget + 1)
            for term in self._windows.get((word[0], length), ())
            if _within_edits(word, term, budget)
        }

    def __len__(self) -> int:
        return sum(len(window) for window in self._windows.values())


# A term pair's distance never changes: remembered across reloads.
_within_edits = functools.lru_cache(maxsize=200_000)(engine.within_edits)
