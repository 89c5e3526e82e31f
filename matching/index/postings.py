"""Postings: for each term, the ids of the items that hold it, as compressed bitmaps.

``pyroaring.BitMap`` (Roaring bitmaps, CRoaring): intersections and unions run in C over
runs and arrays of ids, so a want whose words each hold 20,000 items costs microseconds.
Sorted arrays were measured against it (``bench/postings.py``, docs/decisions): see there.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyroaring import BitMap, FrozenBitMap

EMPTY = FrozenBitMap()


class Postings:
    """term -> items holding it."""

    def __init__(self) -> None:
        self._lists: dict[str, BitMap] = {}

    def add(self, item_id: int, terms: Iterable[str]) -> None:
        for term in terms:
            posting = self._lists.get(term)
            if posting is None:
                self._lists[term] = posting = BitMap()
            posting.add(item_id)

    def load(self, lists: dict[str, list[int]]) -> None:
        """Replace every posting with ``lists`` (a cold start), run-compressed."""
        self._lists = {}
        for term, keys in lists.items():
            posting = BitMap(keys)
            posting.run_optimize()
            self._lists[term] = posting

    def discard(self, item_id: int, terms: Iterable[str]) -> list[str]:
        """Take ``item_id`` off ``terms``; returns the terms no item holds any more."""
        emptied = []
        for term in terms:
            posting = self._lists.get(term)
            if posting is None:
                continue
            posting.discard(item_id)
            if not posting:
                del self._lists[term]
                emptied.append(term)
        return emptied

    def get(self, term: str) -> BitMap | FrozenBitMap:
        return self._lists.get(term, EMPTY)

    def __contains__(self, term: str) -> bool:
        return term in self._lists

    def __len__(self) -> int:
        return len(self._lists)

    def optimise(self) -> None:
        """Compress runs (after a bulk load)."""
        for posting in self._lists.values():
            posting.run_optimize()

    def size_in_bytes(self) -> int:
        return sum(len(posting.serialize()) for posting in self._lists.values())
