"""Reads for matching: the synonym table, and the index that feeds the engine candidates.

The index is the ``Term``/``ItemTerm`` pair: a sighting asks it for the items that hold at
least one term per word of each want (``engine.covering_terms``), then checks only those
with the engine. It never scans the stock table. The postings of a phrase's word positions
are intersected rarest first (``phrase_candidates``), so a common word such as a colour
costs little.
"""

from __future__ import annotations

import functools
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from mall.models import Shop
from matching import engine, realtime
from matching.models import Card, IndexVersion, ItemTerm, SynonymGroup, Term
from stock.models import StockItem
from stock.selectors import holds_live

#: Offers listed per want: enough to choose from on a phone, bounded for the radio link.
OFFERS_PER_DESIRE = 20


def synonyms_current() -> engine.Synonyms:
    """The synonym table as the engine uses it (one object per content of the table)."""
    # Plain SQL: it runs on every sighting, and building the ORM query cost more than
    # running it.
    table = connection.ops.quote_name(SynonymGroup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT words FROM {table} ORDER BY words")
        return _synonyms(tuple(words for (words,) in cursor.fetchall()))


@functools.lru_cache(maxsize=8)
def _synonyms(lines: tuple[str, ...]) -> engine.Synonyms:
    # The same object for the same table lets ``_want_matches`` remember its answers.
    return engine.Synonyms(lines)


def typo_neighbours(words: Iterable[str]) -> dict[str, set[str]]:
    """For each word, the vocabulary words within its typo budget (one query for all)."""
    budgets = _typo_budgets(words)
    return _neighbours(budgets, _terms_lookup(exact=set(), windows=budgets)) if budgets else {}


def _typo_budgets(words: Iterable[str]) -> dict[str, int]:
    budgets = {word: engine.typo_budget(word) for word in words}
    return {word: budget for word, budget in budgets.items() if budget}


def _terms_lookup(*, exact: set[str], windows: dict[str, int]) -> dict[str, tuple[int, int]]:
    """``{word: (id, length)}`` of the vocabulary words in ``exact``, and of those that may be
    typo neighbours of a key of ``windows`` (same first letter, length within the budget).

    One plain SQL query: the ORM took longer to build this OR of windows than SQLite took
    to run it, on every sighting.
    """
    table = connection.ops.quote_name(Term._meta.db_table)
    where: list[str] = []
    params: list[Any] = []
    if exact:
        where.append(f"word IN ({', '.join(['%s'] * len(exact))})")
        params += exact
    for word, budget in windows.items():
        where.append("(first = %s AND length BETWEEN %s AND %s)")
        params += [word[0], len(word) - budget, len(word) + budget]
    if not where:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word, id, length FROM {table} WHERE {' OR '.join(where)}", params)
        return {word: (term_id, length) for word, term_id, length in cursor.fetchall()}


def _neighbours(
    budgets: dict[str, int], vocabulary: dict[str, tuple[int, int]]
) -> dict[str, set[str]]:
    """``typo_neighbours`` of the keys of ``budgets``, from a ``_terms_lookup`` that covered
    their windows."""
    by_window: dict[tuple[str, int], list[str]] = defaultdict(list)
    for term, (_, length) in vocabulary.items():
        by_window[term[0], length].append(term)
    return {
        word: {
            term
            for length in range(len(word) - budget, len(word) + budget + 1)
            for term in by_window.get((word[0], length), ())
            if _within_edits(word, term, budget)
        }
        for word, budget in budgets.items()
    }


# The engine's pure functions, remembered: a shopper is sighted again and again with the
# same wants against mostly the same items, and these were most of a sighting's time.
_within_edits = functools.lru_cache(maxsize=200_000)(engine.within_edits)
_item_terms = functools.lru_cache(maxsize=50_000)(engine.item_terms)
_want_matches = functools.lru_cache(maxsize=100_000)(engine.want_matches)


def item_terms(item: Any) -> engine.ItemTerms:
    """``engine.item_terms`` of a stock item (remembered by name and keywords)."""
    return _item_terms(item.name, tuple(item.keywords))


def candidate_item_ids(phrases: Iterable[tuple[str, ...]], synonyms: engine.Synonyms) -> set[int]:
    """Items that may match any of ``phrases``: a superset the engine then checks."""
    return set().union(*(found.items for found in phrase_candidates(phrases, synonyms).values()))


#: Seconds a term's posting count is trusted. It only decides the order of the
#: intersection (rarest first): a stale count costs time, never a wrong answer.
_COUNT_TTL = 300.0
_COUNT_CACHE_MAX = 100_000
_posting_counts: dict[int, tuple[float, int]] = {}


@dataclass(frozen=True)
class PhraseCandidates:
    """What the index says about one phrase of a want (or about a whole want: the union
    over its phrases)."""

    #: Items holding a covering term for every word: a superset of the matches.
    items: frozenset[int]
    #: Those holding every word of the phrase itself. They match without asking the
    #: engine: each word is then a unit found in the item (rule 1), so the phrase is
    #: covered word by word.
    sure: frozenset[int]


PhraseKey = tuple[tuple[str, ...], engine.Synonyms]

#: Phrases remembered per process, at most; all are forgotten when it is reached.
PHRASES_REMEMBERED = 20_000
#: ``(IndexVersion token, {(phrase, synonyms): PhraseCandidates})``, replaced as a whole
#: when the token changes.
_remembered: tuple[str | None, dict[PhraseKey, PhraseCandidates]] = (None, {})


def index_version() -> str | None:
    """The index's ``IndexVersion`` token (None before the first write)."""
    table = connection.ops.quote_name(IndexVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def phrase_candidates(
    phrases: Iterable[tuple[str, ...]], synonyms: engine.Synonyms
) -> dict[tuple[str, ...], PhraseCandidates]:
    """For each phrase, the items holding at least one covering term per word position.

    Remembered per process until the index is written again (``IndexVersion``): a shopper
    is sighted at kiosk after kiosk with the same wants, and asking the index was half of
    such a sighting. Stock levels are not part of this (``offered_items`` reads them).
    """
    return _phrase_candidates(phrases, synonyms, index_version())


def _phrase_candidates(
    phrases: Iterable[tuple[str, ...]], synonyms: engine.Synonyms, token: str | None
) -> dict[tuple[str, ...], PhraseCandidates]:
    global _remembered
    if _remembered[0] != token:
        _remembered = (token, {})
    remembered = _remembered[1]
    found: dict[tuple[str, ...], PhraseCandidates] = {}
    missing = []
    for phrase in dict.fromkeys(phrases):
        known = remembered.get((phrase, synonyms))
        if known is None:
            missing.append(phrase)
        else:
            found[phrase] = known
    if missing:
        read = _phrase_candidates_read(missing, synonyms)
        if len(remembered) + len(read) > PHRASES_REMEMBERED:
            remembered.clear()
        remembered.update(((phrase, synonyms), known) for phrase, known in read.items())
        found.update(read)
    return found


def desire_candidates(
    desires: Sequence[Any], synonyms: engine.Synonyms, *, remembered: bool = True
) -> list[tuple[PhraseCandidates, dict[str, Any] | None]]:
    """For each want (saved or not), its candidates, and the ``found`` record to store when
    its own was missing or stale (None when it was used).

    A want's ``found`` holds the items that match it, settled by the engine whatever their
    stock, for one ``IndexVersion`` token and one wording: while both hold, a sighting
    reads the want's matches from its own row and asks neither the index nor the engine.
    ``remembered=False`` asks the index itself, with nothing remembered and nothing to
    remember (the benchmark's timing of the index).
    """
    token = index_version()
    kept: list[PhraseCandidates | None] = [
        _found_read(desire, token) if remembered else None for desire in desires
    ]
    asked = [desire for desire, known in zip(desires, kept, strict=True) if known is None]
    if not asked:
        return [(known, None) for known in kept]  # type: ignore[misc]
    phrases = {id(d): engine.want_phrases(d.name, d.keywords) for d in asked}
    wanted = list(dict.fromkeys(p for ps in phrases.values() for p in ps))
    if not remembered:
        by_phrase = _phrase_candidates_read(wanted, synonyms)
    else:
        by_phrase = _phrase_candidates(wanted, synonyms, token)
    unions = {
        id(d): PhraseCandidates(
            items=frozenset().union(*(by_phrase[p].items for p in phrases[id(d)])),
            sure=frozenset().union(*(by_phrase[p].sure for p in phrases[id(d)])),
        )
        for d in asked
    }
    if not remembered:
        return [(known or unions[id(d)], None) for d, known in zip(desires, kept, strict=True)]
    # Settled now, in stock or not: a restock then shows without asking anything again.
    words = _item_words(set().union(*(c.items - c.sure for c in unions.values())))
    answers = []
    for desire, known in zip(desires, kept, strict=True):
        if known is not None:
            answers.append((known, None))
            continue
        union, want = unions[id(desire)], tuple(phrases[id(desire)])
        matches = union.sure | {
            item_id
            for item_id in union.items - union.sure
            if item_id in words and _want_matches(want, _item_terms(*words[item_id]), synonyms)
        }
        record = {
            "index": token,
            "want": [desire.name, list(desire.keywords)],
            "matches": sorted(matches),
        }
        answers.append((PhraseCandidates(items=matches, sure=matches), record))
    return answers


def _found_read(desire: Any, token: str | None) -> PhraseCandidates | None:
    record = desire.found
    if (
        not isinstance(record, dict)
        or record.get("index") != token
        or record.get("want") != [desire.name, list(desire.keywords)]
        or not isinstance(record.get("matches"), list)
    ):
        return None
    matches = frozenset(record["matches"])
    return PhraseCandidates(items=matches, sure=matches)


def _item_words(item_ids: set[int]) -> dict[int, tuple[str, tuple[str, ...]]]:
    """``{id: (name, keywords)}`` of the stock items among ``item_ids`` (plain SQL)."""
    if not item_ids:
        return {}
    quote = connection.ops.quote_name
    meta = StockItem._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("id", "name", "keywords"))
    ids = list(item_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(meta.db_table)}"
            f" WHERE {quote(meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        rows = cursor.fetchall()
    return {pk: (name, _keywords_column(keywords)) for pk, name, keywords in rows}


def phrase_candidates_forget() -> None:
    """Forget every remembered phrase (the benchmark times the index itself)."""
    global _remembered
    _remembered = (None, {})


def _phrase_candidates_read(
    phrases: list[tuple[str, ...]], synonyms: engine.Synonyms
) -> dict[tuple[str, ...], PhraseCandidates]:
    """``phrase_candidates`` from the index.

    One query per phrase walks the postings of its rarest position and probes the others
    through the (term, item) index, so the cost follows the rarest word of the phrase, not
    its most common one ("black"), and only the few surviving ids come back to Python.
    """
    unique = phrases
    literal = {word for phrase in unique for word in phrase}
    budgets = _typo_budgets(literal)
    # The covering terms but the typo neighbours are known before asking the vocabulary,
    # so one query fetches their ids together with the neighbours' windows.
    known = {
        term
        for phrase in unique
        for terms in _covering_terms_without_typos(phrase, synonyms)
        for term in terms
    }
    vocabulary = _terms_lookup(exact=known | literal, windows=budgets)
    neighbours = _neighbours(budgets, vocabulary)
    needed = {
        phrase: engine.covering_terms(phrase, synonyms, lambda w: neighbours.get(w, ()))
        for phrase in unique
    }
    words = {term for positions in needed.values() for terms in positions for term in terms}
    words |= literal
    ids = {word: vocabulary[word][0] for word in words if word in vocabulary}
    counts = _postings_counts(set(ids.values()))
    found: dict[tuple[str, ...], PhraseCandidates] = {}
    with connection.cursor() as cursor:
        for phrase, positions in needed.items():
            id_sets = {tuple(sorted({ids[t] for t in terms if t in ids})) for terms in positions}
            if not id_sets or not all(id_sets):
                found[phrase] = PhraseCandidates(frozenset(), frozenset())  # a word none holds
                continue
            ordered = sorted(id_sets, key=lambda term_ids: sum(counts.get(t, 0) for t in term_ids))
            literal = [ids.get(word) for word in dict.fromkeys(phrase)]
            found[phrase] = _items_holding_all(cursor, ordered, literal)
    return found


@functools.lru_cache(maxsize=10_000)
def _covering_terms_without_typos(
    phrase: tuple[str, ...], synonyms: engine.Synonyms
) -> tuple[frozenset[str], ...]:
    return tuple(map(frozenset, engine.covering_terms(phrase, synonyms, _no_neighbours)))


def _no_neighbours(word: str) -> tuple[str, ...]:
    return ()


def _items_holding_all(
    cursor: Any, id_sets: list[tuple[int, ...]], literal: list[int | None]
) -> PhraseCandidates:
    """Items holding at least one term of every set (the first set drives the query), and
    among them those holding every ``literal`` term."""
    table = connection.ops.quote_name(ItemTerm._meta.db_table)

    def marks(term_ids: tuple[int, ...]) -> str:
        return ", ".join(["%s"] * len(term_ids))

    params: list[int] = []
    if all(term_id is not None for term_id in literal):
        sure = " AND ".join(
            f"EXISTS (SELECT 1 FROM {table} s{n} WHERE s{n}.item_id = p0.item_id"
            f" AND s{n}.term_id = %s)"
            for n in range(len(literal))
        )
        params += literal  # type: ignore[arg-type]
    else:
        sure = "1 = 0"
    sql = f"SELECT p0.item_id, {sure} FROM {table} p0 WHERE p0.term_id IN ({marks(id_sets[0])})"
    params += id_sets[0]
    for n, term_ids in enumerate(id_sets[1:], start=1):
        sql += (
            f" AND EXISTS (SELECT 1 FROM {table} p{n} WHERE p{n}.item_id = p0.item_id"
            f" AND p{n}.term_id IN ({marks(term_ids)}))"
        )
        params += term_ids
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    return PhraseCandidates(
        items=frozenset(item_id for item_id, _ in rows),
        sure=frozenset(item_id for item_id, ok in rows if ok),
    )


def _postings_counts(term_ids: set[int]) -> dict[int, int]:
    """How many items hold each term (remembered for ``_COUNT_TTL`` seconds)."""
    now = time.monotonic()
    counts: dict[int, int] = {}
    missing: list[int] = []
    for term_id in term_ids:
        cached = _posting_counts.get(term_id)
        if cached is not None and now - cached[0] < _COUNT_TTL:
            counts[term_id] = cached[1]
        else:
            missing.append(term_id)
    if missing:
        fresh = dict.fromkeys(missing, 0)
        fresh.update(
            ItemTerm.objects.filter(term_id__in=missing)
            .values("term_id")
            .annotate(n=Count("pk"))
            .values_list("term_id", "n")
        )
        if len(_posting_counts) > _COUNT_CACHE_MAX:
            _posting_counts.clear()
        for term_id, n in fresh.items():
            _posting_counts[term_id] = (now, n)
        counts.update(fresh)
    return counts


@dataclass(frozen=True, slots=True)
class OfferedShop:
    """The columns of a shop that the answer and the cards need (read with its items)."""

    pk: int
    slug: str
    name: str
    floor: int
    x: float
    y: float


@dataclass(slots=True)
class OfferedItem:
    """The columns of a stock item that matching and the answer need.

    A plain row, not a model instance: a broad want ("comic") can match hundreds of
    items, and building that many model instances was most of such a sighting's time.
    """

    pk: int
    shop_id: int
    name: str
    keywords: Sequence[str]
    quantity: int
    price: Decimal
    barcode: str = ""
    shop: OfferedShop | None = None


def offered_items(item_ids: Iterable[int]) -> list[OfferedItem]:
    """The in-stock, unexpired items among ``item_ids``, each with its shop (one
    ``OfferedShop`` per shop); ``quantity`` is what is free (not held).

    Plain SQL: the ORM's query building and per-value converters took 3 ms of a sighting
    for the 150 candidates of three wants, the database 0.9 ms (``bench/sighting.py``).
    Values come out as the ORM gives them: keywords a list of strings (decoded once per
    distinct list), prices ``Decimal`` with the field's places.
    """
    item_ids = list(item_ids)
    if not item_ids:
        return []
    quote = connection.ops.quote_name
    item_meta, shop_meta = StockItem._meta, Shop._meta
    item_columns = [item_meta.get_field(name).column for name in _ITEM_FIELDS]
    shop_columns = [shop_meta.get_field(name).column for name in _SHOP_FIELDS]
    columns = [f"i.{quote(c)}" for c in item_columns] + [f"s.{quote(c)}" for c in shop_columns]
    # What is offered is what is free: held units are kept for one shopper (stock.Hold).
    quantity, held = (f"i.{quote(item_meta.get_field(n).column)}" for n in ("quantity", "held"))
    columns[_ITEM_FIELDS.index("quantity")] = f"{quantity} - {held}"
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(item_meta.db_table)} i"
        f" JOIN {quote(shop_meta.db_table)} s ON s.{quote(shop_meta.pk.column)}"
        f" = i.{quote(item_meta.get_field('shop').column)}"
        f" WHERE i.{quote(item_meta.pk.column)} IN ({', '.join(['%s'] * len(item_ids))})"
        f" AND {quantity} > {held}"
        f" AND i.{quote(item_meta.get_field('expires_at').column)} > %s"
    )
    expires = item_meta.get_field("expires_at").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*item_ids, expires])
        rows = cursor.fetchall()
    places = _price_places()
    shops: dict[int, OfferedShop] = {}
    items = []
    for pk, shop_id, name, keywords, quantity, price, barcode, *shop in rows:
        if shop_id not in shops:
            shops[shop_id] = OfferedShop(shop_id, *shop)
        if not isinstance(price, Decimal):  # SQLite hands back a float (or an int)
            price = Decimal(str(price)).quantize(places)
        keywords = _keywords_column(keywords)
        items.append(
            OfferedItem(pk, shop_id, name, keywords, quantity, price, barcode, shops[shop_id])
        )
    return items


_ITEM_FIELDS = ("id", "shop", "name", "keywords", "quantity", "price", "barcode")
_SHOP_FIELDS = ("slug", "name", "floor", "x", "y")


@functools.cache
def _price_places() -> Decimal:
    return Decimal(1).scaleb(-StockItem._meta.get_field("price").decimal_places)


def _keywords_column(value: Any) -> tuple[str, ...]:
    """A stock row's keywords as read in plain SQL: JSON text (SQLite, and psycopg as
    Django sets it up) or an already decoded list."""
    return _keywords(value) if isinstance(value, str) else tuple(value)


@functools.lru_cache(maxsize=10_000)
def _keywords(text: str) -> tuple[str, ...]:
    # A catalogue repeats its keyword lists: each distinct one is decoded once.
    return tuple(json.loads(text))


@dataclass(frozen=True)
class Match:
    """A stock item matching one want, with its distance from the shopper."""

    desire_id: int
    item: OfferedItem
    distance_m: float
    #: Only similar to the want (DESIGN.md rule 7): ranked after every exact match.
    similar: bool = False


def matches_for_desires(
    desires: Sequence[Any],
    *,
    at: engine.Position,
    synonyms: engine.Synonyms | None = None,
    candidates: Sequence[PhraseCandidates] | None = None,
    remembered: bool = True,
) -> dict[int, list[Match]]:
    """For each want, the in-stock, unexpired items matching it, unranked.

    ``candidates``: ``desire_candidates`` of ``desires``, when the caller has them.
    """
    synonyms = synonyms if synonyms is not None else synonyms_current()
    if candidates is None:
        candidates = [
            found for found, _ in desire_candidates(desires, synonyms, remembered=remembered)
        ]
    phrases = {d.pk: engine.want_phrases(d.name, d.keywords) for d in desires}
    by_desire = {d.pk: found for d, found in zip(desires, candidates, strict=True)}
    sure = {desire_id: found.sure for desire_id, found in by_desire.items()}
    candidates_of = {desire_id: found.items for desire_id, found in by_desire.items()}
    items = offered_items(set().union(*candidates_of.values()))
    shops = {item.shop_id: item.shop for item in items}
    penalty = settings.FLOOR_CHANGE_METRES
    distances = {
        shop_id: engine.distance(at, engine.Position(shop.floor, shop.x, shop.y), penalty)
        for shop_id, shop in shops.items()
    }
    result: dict[int, list[Match]] = {desire_id: [] for desire_id in phrases}
    for item in items:
        for desire_id, desire_phrases in phrases.items():
            # Each want is checked against its own candidates only; the engine is asked
            # only about those the index could not settle.
            if item.pk not in candidates_of[desire_id]:
                continue
            if item.pk in sure[desire_id] or _want_matches(
                tuple(desire_phrases), item_terms(item), synonyms
            ):
                result[desire_id].append(
                    Match(desire_id=desire_id, item=item, distance_m=distances[item.shop_id])
                )
    return result


def ranked(matches: list[Match], preference: str) -> list[Match]:
    """``matches`` in the shopper's order (``engine.rank``), exact matches first."""
    by_item = {m.item.pk: m for m in matches}
    offers = [
        engine.Offer(m.item.pk, m.item.shop_id, Decimal(m.item.price), m.distance_m)
        for m in matches
    ]
    order = [by_item[o.item_id] for o in engine.rank(offers, preference)]
    # A stable sort: the shopper's order is kept within the exact and the similar ones.
    return sorted(order, key=lambda m: m.similar)


@dataclass(frozen=True)
class ShopOffer:
    """One shop's answer to one want: its best item under the shopper's ranking, and
    every matching item it has, best first."""

    shop: OfferedShop
    matches: list[Match]

    @property
    def best(self) -> Match:
        return self.matches[0]


def shop_offers(matches: list[Match], preference: str) -> list[ShopOffer]:
    """``matches`` of one want as one offer per shop, in the shopper's order of each shop's
    best item (so shops with an exact match come before shops with only similar ones)."""
    by_shop: dict[int, list[Match]] = {}
    for match in ranked(matches, preference):
        by_shop.setdefault(match.item.shop_id, []).append(match)
    return [ShopOffer(shop=ms[0].item.shop, matches=ms) for ms in by_shop.values()]  # type: ignore[arg-type]


def shop_payload(shop: OfferedShop) -> dict[str, Any]:
    return {"slug": shop.slug, "name": shop.name, "floor": shop.floor, "x": shop.x, "y": shop.y}


def offer_payload(offer: ShopOffer) -> dict[str, Any]:
    """One line of the shopper's list (DESIGN.md, "The sighting answer")."""
    match = offer.best
    item = match.item
    return {
        "shop": shop_payload(offer.shop),
        "item": {
            "id": item.pk,
            "name": item.name,
            "price": f"{item.price:.2f}",
            "quantity": item.quantity,
        },
        "distance_m": round(match.distance_m, 1),
        "similar": match.similar,
        "more_here": len(offer.matches) - 1,
    }


def results_payload(
    desires: Iterable, matches: dict[int, list[Match]], preference: str
) -> list[dict[str, Any]]:
    """The ``results`` list of the sighting answer and of ``shops.update`` (DESIGN.md):
    per want, one offer per shop, at most ``OFFERS_PER_DESIRE`` shops."""
    return desire_results(desires, desire_shop_offers(desires, matches, preference))


def desire_shop_offers(
    desires: Iterable, matches: dict[int, list[Match]], preference: str
) -> dict[int, list[ShopOffer]]:
    """Each want's ``shop_offers``."""
    return {d.pk: shop_offers(matches.get(d.pk, []), preference) for d in desires}


def desire_results(desires: Iterable, offers: dict[int, list[ShopOffer]]) -> list[dict[str, Any]]:
    """``results_payload`` from ``desire_shop_offers``."""
    return [
        {
            "desire": {"id": desire.pk, "name": desire.name},
            "shops_total": len(offers.get(desire.pk, [])),
            "offers": [offer_payload(o) for o in offers.get(desire.pk, [])[:OFFERS_PER_DESIRE]],
        }
        for desire in desires
    ]


def card_shops(
    offers: dict[int, list[ShopOffer]], *, kiosk_shop_id: int | None, per_desire: int
) -> list[int]:
    """The shops that get the shopper's card (DESIGN.md, flow 3): for each want, the first
    ``per_desire`` shops of its list, then the shop of the kiosk that saw them if it has a
    match for any want. In that order, each shop once."""
    shown = {o.shop.pk: None for shop_offers in offers.values() for o in shop_offers[:per_desire]}
    if kiosk_shop_id is not None and any(
        o.shop.pk == kiosk_shop_id for shop_offers in offers.values() for o in shop_offers
    ):
        shown[kiosk_shop_id] = None
    return list(shown)


def customer_position(customer: Any) -> engine.Position | None:
    """Where ``customer`` is now: their last kiosk's position, or None when they were never
    sighted or every kiosk has reported them out of range."""
    kiosk = customer.last_kiosk
    if kiosk is None or customer.out_of_range_since is not None:
        return None
    floor, x, y = kiosk.position
    return engine.Position(floor, x, y)


def customer_results(*, customer: Any) -> list:
    """The ranked list ``customer`` would get now, without touching any card: what a phone
    page shows when it connects (``shops.update``)."""
    desires = list(customer.desires.filter(expires_at__gt=timezone.now()))
    at = customer_position(customer)
    matches = matches_for_desires(desires, at=at) if at is not None and desires else {}
    return results_payload(desires, matches, customer.ranking)


def shop_cards(*, shop_id: int) -> list[Card]:
    """The cards live on ``shop_id``'s screens, newest sighting first."""
    return list(
        Card.objects.filter(shop_id=shop_id).select_related(
            "customer__last_kiosk", "shop", "taken_by"
        )
    )


def shop_cards_snapshot(*, shop_id: int) -> list[dict[str, Any]]:
    """Every live card of a shop as ``card.show`` carries it: the ``cards.snapshot`` that a
    screen gets on connect, before the pushes that follow."""
    holds: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for hold in holds_live(shop_id=shop_id):
        holds[hold.customer_id].append(realtime.hold_payload(hold))
    return [
        realtime.card_payload(
            card,
            face_url=realtime.card_face_url(card.customer, card.shop),
            taken_by=card.taken_by.get_username() if card.taken_by else None,
            holds=holds.get(card.customer_id, []),
        )
        for card in shop_cards(shop_id=shop_id)
    ]
