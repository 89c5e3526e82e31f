"""Which items a phrase matches, computed on postings: the engine's rules on sets.

``engine.phrase_matches`` walks a phrase left to right: a position is reachable when the
words before it are covered by units found in the item. Here each position holds the set
of items for which it is reachable, and a unit's items are a union of postings
(alternatives by synonyms and joined forms; typo neighbours among item words). The answer
is exact, not a superset: no item is read or checked one by one, whatever the number of
matches. ``tests/matching/test_index_property.py`` checks it against the engine.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import cast

from pyroaring import AbstractBitMap, BitMap

from matching import engine
from matching.index.catalogue import Catalogue
from matching.index.postings import EMPTY

#: Phrases remembered per process, at most; all are forgotten when it is reached.
PHRASES_REMEMBERED = 20_000

#: A phrase's key, (phrase, synonyms), holds its items; a unit's, (("unit", unit),
#: synonyms), its items; a want's, (("want", phrases), synonyms), holds (exact, similar).
Key = tuple[tuple[object, ...], engine.Synonyms]
Remembered = AbstractBitMap | tuple[BitMap, BitMap]
#: (catalogue, its generation, {key: items}, epoch); the dict is replaced, with a new
#: epoch, when either changes, when it is full, or when forgotten.
_remembered: tuple[int, int, dict[Key, Remembered], int] = (0, -1, {}, 0)
_epochs = itertools.count(1)


def _current(catalogue: Catalogue) -> dict[Key, Remembered]:
    global _remembered
    serial, generation, remembered, _ = _remembered
    if (serial, generation) != (catalogue.serial, catalogue.generation) or (
        len(remembered) >= PHRASES_REMEMBERED
    ):
        _remembered = (catalogue.serial, catalogue.generation, {}, next(_epochs))
    return _remembered[2]


def _remember(catalogue: Catalogue, key: Key, compute: Callable[[], Remembered]) -> Remembered:
    remembered = _current(catalogue)
    found = remembered.get(key)
    if found is None:
        found = remembered[key] = compute()
    return found


def memo_epoch() -> int:
    """Changes whenever what is remembered here is dropped: what others learnt of the sets
    given out here (``offers.want_walks``) must be dropped with them."""
    return _remembered[3]


def phrase_items(
    catalogue: Catalogue, phrase: tuple[str, ...], synonyms: engine.Synonyms
) -> AbstractBitMap:
    """The items ``phrase`` (in matching form) matches, in stock or not."""
    return cast(
        AbstractBitMap,
        _remember(
            catalogue, (phrase, synonyms), lambda: _phrase_items(catalogue, phrase, synonyms)
        ),
    )


def want_items(
    catalogue: Catalogue, phrases: list[tuple[str, ...]], synonyms: engine.Synonyms
) -> tuple[BitMap, BitMap]:
    """(items matching the want, items only similar to it: rule 7), in stock or not.
    Remembered as the phrases are (a shopper is sighted again and again)."""
    key: Key = (("want", tuple(phrases)), synonyms)  # never a phrase's: a phrase holds words
    return cast(
        tuple[BitMap, BitMap],
        _remember(catalogue, key, lambda: _want_items(catalogue, phrases, synonyms)),
    )


def _want_items(
    catalogue: Catalogue, phrases: list[tuple[str, ...]], synonyms: engine.Synonyms
) -> tuple[BitMap, BitMap]:
    exact = BitMap()
    for phrase in phrases:
        exact |= phrase_items(catalogue, phrase, synonyms)
    similar = BitMap()
    for phrase in phrases:
        for shorter in engine.similar_phrases(phrase):
            similar |= phrase_items(catalogue, shorter, synonyms)
    return exact, similar - exact


def _phrase_items(
    catalogue: Catalogue, phrase: tuple[str, ...], synonyms: engine.Synonyms
) -> AbstractBitMap:
    if not phrase:
        return EMPTY
    # None: not reachable (always so at the start, where every item is).
    reachable: list[AbstractBitMap | None] = [None] * (len(phrase) + 1)
    for start in range(len(phrase)):
        before = reachable[start]
        if start and not before:
            continue
        for end, unit in engine.units(phrase, start, synonyms):
            found = unit_items(catalogue, unit, synonyms)
            if before is not None:
                found = before & found
            current = reachable[end]
            reachable[end] = found if current is None else current | found
    return reachable[-1] or EMPTY


def unit_items(
    catalogue: Catalogue, unit: tuple[str, ...], synonyms: engine.Synonyms
) -> AbstractBitMap:
    """Items in which ``unit`` is found, remembered as phrases are: a mall's wants share
    their words ("blue table", "red table", and "table" for both as similar), and the
    union of a word's forms and typo neighbours was half of a new want's cost
    (line_profiler, ``bench/sighting.py --profile shared``)."""
    key: Key = (("unit", unit), synonyms)  # never a phrase's: a phrase holds words
    return cast(
        AbstractBitMap, _remember(catalogue, key, lambda: _unit_items(catalogue, unit, synonyms))
    )


def _unit_items(
    catalogue: Catalogue, unit: tuple[str, ...], synonyms: engine.Synonyms
) -> AbstractBitMap:
    """Items in which ``unit`` is found (``engine._unit_found``)."""
    # Postings are only read here: every union and intersection makes a new bitmap.
    parts = [
        functools.reduce(
            lambda items, term: items & catalogue.term_items(term),
            set(alternative[1:]),
            catalogue.term_items(alternative[0]),
        )
        for alternative in engine.unit_alternatives(unit, synonyms)
    ]
    if len(unit) == 1 and engine.typo_budget(unit[0]):
        parts += [catalogue.words.get(word) for word in catalogue.vocabulary.neighbours(unit[0])]
    parts = [part for part in parts if part]
    if not parts:
        return EMPTY
    return parts[0] if len(parts) == 1 else BitMap.union(*parts)


def phrases_forget() -> None:
    global _remembered
    _remembered = (0, -1, {}, next(_epochs))
