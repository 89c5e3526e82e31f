"""The matching engine: when does a stock item match a wanted product, and how to rank.

Pure Python, no Django: it is tested without a database. The index (``matching.index``)
answers by the same rules on sets of items; a property test checks that both agree. The
rules are DESIGN.md, "What matches":

1. case, accents and punctuation are ignored; apostrophes are dropped; any other
   non-alphanumeric character separates words;
2. stop words are ignored;
3. singular = plural for regular English plurals (not for words of three letters or less
   or words with a digit);
4. synonyms from the synonym table;
5. two adjacent words equal their joined form (either side may be the joined one);
6. typos: 1 edit for a want's word of 5-8 letters, 2 for 9 or more (on its singular form);
   never on the first letter, never in a word with a digit, never against a compound;
7. similar: an item that does not match a want is similar to it when a phrase of two or
   more words matches it with exactly one word left out, never the phrase's last word.

A phrase matches an item when every word of the phrase is found among the words of the
item's name and keywords; a want matches when its name or any one keyword does.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

STOP_WORDS = frozenset(["a", "an", "the", "and", "or", "for", "of", "with", "in", "on", "to", "by"])
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_SEPARATORS = re.compile(r"[\W_]+")
_SIBILANT_ES = ("sses", "xes", "zzes", "ches", "shes")

Unit = tuple[str, ...]


def _fold(text: str) -> str:
    """Lower case without accents: ``Café Crème`` -> ``cafe creme``."""
    if text.isascii():  # nothing to decompose: most stock names, and 20x faster
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def raw_words(text: str) -> list[str]:
    """Rules 1 and 2: the words of ``text``, folded, without stop words, not singularised."""
    text = _APOSTROPHES.sub("", _fold(text))
    return [w for w in _SEPARATORS.split(text) if w and w not in STOP_WORDS]


def has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def singular(word: str) -> str:
    """Rule 3: the singular of a regular English plural; other words unchanged."""
    if len(word) <= 3 or has_digit(word):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(_SIBILANT_ES):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The matching form of every word of ``text`` (rules 1-3), in order."""
    return [singular(w) for w in raw_words(text)]


@dataclass(frozen=True)
class ItemTerms:
    """What an item offers to matching: its words and the joined forms of adjacent words."""

    words: frozenset[str]
    compounds: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.words | self.compounds


def item_terms(name: str, keywords: Iterable[str] = ()) -> ItemTerms:
    """The terms of a stock item: the index stores these, the engine matches against them.

    Joined forms are made inside the name and inside each keyword, never across them.
    """
    found: set[str] = set()
    compounds: set[str] = set()
    for text in (name, *keywords):
        raw = raw_words(text)
        found.update(singular(w) for w in raw)
        for left, right in itertools.pairwise(raw):
            compounds.add(singular(left + right))
            compounds.add(singular(left) + singular(right))
    return ItemTerms(words=frozenset(found), compounds=frozenset(compounds - found))


class Synonyms:
    """Rule 4: groups of words (or phrases) that are the same to matching.

    Built from Solr lines: ``a, b, c`` makes a, b and c equivalent; ``a, b => c`` makes a
    and b match c (one way). Entries are kept in matching form, so ``Trainers`` and
    ``trainer`` are one entry.
    """

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self._alternatives: dict[Unit, set[Unit]] = {}
        for line in lines:
            self._add_line(line)
        self.longest = max((len(unit) for unit in self._alternatives), default=1)

    def _add_line(self, line: str) -> None:
        line = line.split("#", 1)[0].strip()
        if not line:
            return
        if "=>" in line:
            left, right = line.split("=>", 1)
            sources, targets = _entries(left), _entries(right)
            for source in sources:
                self._alternatives.setdefault(source, set()).update(targets)
            return
        group = _entries(line)
        for entry in group:
            self._alternatives.setdefault(entry, set()).update(group)

    def alternatives(self, unit: Unit) -> set[Unit]:
        """Every unit that ``unit`` may stand for, itself included."""
        return {unit} | self._alternatives.get(unit, set())

    def __len__(self) -> int:
        return len(self._alternatives)


def _entries(text: str) -> list[Unit]:
    return [tuple(ws) for part in text.split(",") if (ws := words(part))]


def parse_solr(text: str) -> list[str]:
    """The synonym lines of a Solr synonyms file (comments and blank lines dropped)."""
    lines = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def typo_budget(word: str) -> int:
    """Rule 6: how many edits a want's word (in matching form) may be away from an item's."""
    if has_digit(word):
        return 0
    if len(word) >= 9:
        return 2
    if len(word) >= 5:
        return 1
    return 0


def within_edits(a: str, b: str, limit: int) -> bool:
    """True if ``b`` is at most ``limit`` edits from ``a`` (insert, delete, substitute, swap
    adjacent), with the first letter fixed (optimal string alignment distance)."""
    if limit <= 0 or not a or not b or a[0] != b[0] or has_digit(b):
        return a == b
    a, b = a[1:], b[1:]
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[len(b)] <= limit


def units(phrase: Sequence[str], start: int, synonyms: Synonyms) -> Iterable[tuple[int, Unit]]:
    """The units that may cover ``phrase`` from ``start``: (end, unit) pairs."""
    longest = max(2, synonyms.longest)
    for end in range(start + 1, min(len(phrase), start + longest) + 1):
        yield end, tuple(phrase[start:end])


def unit_alternatives(unit: Unit, synonyms: Synonyms) -> set[Unit]:
    """What a unit of the phrase may be found as in an item.

    A single word: itself and its synonyms. Several words: only what they stand for as a
    whole (rule 5's joined form for two words, a multi-word synonym entry), since the words
    one by one are single units of their own.
    """
    if len(unit) == 1:
        return synonyms.alternatives(unit)
    found = synonyms.alternatives(unit) - {unit}
    if len(unit) == 2:
        found |= synonyms.alternatives((unit[0] + unit[1],))
    return found


def _unit_found(unit: Unit, item: ItemTerms, synonyms: Synonyms) -> bool:
    terms = item.all
    if any(set(alternative) <= terms for alternative in unit_alternatives(unit, synonyms)):
        return True
    if len(unit) > 1:
        return False
    budget = typo_budget(unit[0])
    return budget > 0 and any(within_edits(unit[0], word, budget) for word in item.words)


def phrase_matches(phrase: Sequence[str], item: ItemTerms, synonyms: Synonyms) -> bool:
    """True if every word of ``phrase`` (in matching form) is found in ``item``."""
    if not phrase:
        return False
    reachable = [True] + [False] * len(phrase)
    for start in range(len(phrase)):
        if not reachable[start]:
            continue
        for end, unit in units(phrase, start, synonyms):
            if not reachable[end] and _unit_found(unit, item, synonyms):
                reachable[end] = True
    return reachable[len(phrase)]


def want_phrases(name: str, keywords: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """The phrases of a want (its name and each keyword), in matching form, non-empty."""
    return [p for text in (name, *keywords) if (p := tuple(words(text)))]


def want_matches(phrases: Sequence[Sequence[str]], item: ItemTerms, synonyms: Synonyms) -> bool:
    """True if any phrase of a want matches ``item``."""
    return any(phrase_matches(phrase, item, synonyms) for phrase in phrases)


def similar_phrases(phrase: Sequence[str]) -> list[tuple[str, ...]]:
    """Rule 7: ``phrase`` with one word left out, for each word but the last (none for a
    phrase of one word)."""
    if len(phrase) < 2:
        return []
    return list(
        dict.fromkeys(tuple(phrase[:i]) + tuple(phrase[i + 1 :]) for i in range(len(phrase) - 1))
    )


def want_similar(phrases: Sequence[Sequence[str]], item: ItemTerms, synonyms: Synonyms) -> bool:
    """Rule 7: True if ``item`` does not match the want but one of its phrases matches
    ``item`` with one word (never the last) left out."""
    if want_matches(phrases, item, synonyms):
        return False
    return any(
        phrase_matches(shorter, item, synonyms)
        for phrase in phrases
        for shorter in similar_phrases(phrase)
    )


def covering_terms(
    phrase: Sequence[str],
    synonyms: Synonyms,
    typo_neighbours: Callable[[str], Iterable[str]],
) -> list[set[str]]:
    """For each word of ``phrase``, terms of which a matching item must hold at least one.

    This is what lets the index answer without scanning stock: an item missing every term
    of one position cannot match. ``typo_neighbours(word)`` gives the vocabulary words
    within the word's typo budget.
    """
    needed: list[set[str]] = [set() for _ in phrase]
    for start in range(len(phrase)):
        for end, unit in units(phrase, start, synonyms):
            terms = {t for alternative in unit_alternatives(unit, synonyms) for t in alternative}
            for position in range(start, end):
                needed[position] |= terms
        word = phrase[start]
        if typo_budget(word):
            needed[start].update(typo_neighbours(word))
    return needed


# --- Ranking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    floor: int
    x: float
    y: float


def distance(a: Position, b: Position, floor_change_metres: float) -> float:
    """Straight line on one floor plus ``floor_change_metres`` per floor changed."""
    return math.hypot(a.x - b.x, a.y - b.y) + abs(a.floor - b.floor) * floor_change_metres


@dataclass(frozen=True)
class Offer:
    """One item of one shop offered for one want, as the ranking sees it."""

    item_id: int
    shop_id: int
    price: Decimal
    distance_m: float


def rank(offers: Iterable[Offer], preference: str) -> list[Offer]:
    """``nearest``: distance, then price; ``cheapest``: price, then distance."""
    if preference == "cheapest":
        return sorted(offers, key=lambda o: (o.price, o.distance_m, o.item_id))
    return sorted(offers, key=lambda o: (o.distance_m, o.price, o.item_id))
