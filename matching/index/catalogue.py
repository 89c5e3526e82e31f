"""The worker's copy of the stock: every item's row and postings, and every shop.

Built from the stock table (the truth) at a cold start and patched item by item as the
change log (``changes``) says rows were written. Rows are replaced, never changed in place,
so an answer being built keeps a consistent row.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import json
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from pyroaring import AbstractBitMap, BitMap

from core.columns import concrete_field
from mall.models import Shop
from matching import engine
from matching.index.postings import Postings
from matching.index.vocabulary import Vocabulary
from stock.models import StockItem


@dataclass(frozen=True, slots=True)
class OfferedShop:
    """The columns of a shop that the answer and the cards need."""

    pk: int
    slug: str
    name: str
    floor: int
    x: float
    y: float


@dataclass(slots=True)
class OfferedItem:
    """The columns of a stock item that matching and the answer need: a plain row, not a
    model instance (the index holds 200,000 of them)."""

    pk: int
    shop_id: int
    name: str
    keywords: Sequence[str]
    #: What is free to offer: quantity less the units held for shoppers.
    quantity: int
    price: Decimal
    barcode: str = ""
    shop: OfferedShop | None = None
    #: Expiry as a Unix time: an item past it is never offered, purged or not.
    expires_at: float = math.inf

    def offered_shop(self) -> OfferedShop:
        """Its shop: every item the catalogue offers is read with it (``items_read``)."""
        if self.shop is None:
            raise ValueError(f"Item {self.pk} was read without its shop.")
        return self.shop


#: Items per shop slot: a key is ``slot << 16 | local``, so each shop's items are one
#: Roaring container, and counting the shops of a set is counting its containers.
SLOT_BITS = 16
#: Price buckets (eight per doubling of the price in cents), for the cheapest-first walk.
PRICE_BUCKETS = 256


def shop_range(slot: int) -> tuple[int, int]:
    """The keys of the items of shop slot ``slot``: [start, end)."""
    return slot << SLOT_BITS, (slot + 1) << SLOT_BITS


def price_bucket(price: Decimal) -> int:
    cents = int(price * 100)
    return min(PRICE_BUCKETS - 1, int(math.log2(cents + 1) * 8)) if cents > 0 else 0


@dataclass
class Catalogue:
    """Items, shops and postings of one worker.

    Postings and sets hold *keys*, not item ids: a key puts the item's shop in its high
    bits, so that per-shop questions (does this shop match? how many of its items?) are
    range questions on a bitmap, answered in C, and the count of shops that match is the
    count of the set's containers.
    """

    by_key: dict[int, OfferedItem] = field(default_factory=dict)
    key_of: dict[int, int] = field(default_factory=dict)
    shops: dict[int, OfferedShop] = field(default_factory=dict)
    slot_of: dict[int, int] = field(default_factory=dict)
    shop_of_slot: list[int] = field(default_factory=list)
    next_local: list[int] = field(default_factory=list)
    #: Item words (rule 1-3 forms), which typos may reach.
    words: Postings = field(default_factory=Postings)
    #: Joined forms of adjacent words (rule 5) that are not also words of the item.
    compounds: Postings = field(default_factory=Postings)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    #: Items with a free quantity above zero and not past their expiry.
    available: BitMap = field(default_factory=BitMap)
    #: Keys by price bucket (cheapest-first walks).
    prices: list[BitMap] = field(default_factory=lambda: [BitMap() for _ in range(PRICE_BUCKETS)])
    #: (expires_at, key) of available items: taken out of ``available`` when due.
    expiries: list[tuple[float, int]] = field(default_factory=list)
    #: Changes whenever postings change: what was remembered of them is then dropped.
    generation: int = 0
    #: Changes whenever an item enters or leaves ``available`` or moves to another price
    #: bucket: what sightings learnt of a want's items (``offers.want_walks``) is then
    #: dropped.
    offering: int = 0
    #: Tells catalogues of one process apart (a reload makes a new one).
    serial: int = field(default_factory=itertools.count(1).__next__)
    #: A shop ran out of keys (65,536 items added to it since the load): load again.
    full: bool = False

    def item_put(self, item: OfferedItem) -> None:
        """Add ``item``, or replace the row of the same id."""
        key = self.key_of.get(item.pk)
        old = self.by_key.get(key) if key is not None else None
        if old is not None and old.shop_id != item.shop_id:
            self.item_drop(item.pk)
            key = old = None
        if key is None:
            key = self._key_new(item.shop_id)
            self.key_of[item.pk] = key
        if old is None or (old.name, old.keywords) != (item.name, item.keywords):
            if old is not None:
                self._terms_drop(key, old)
            words, compounds = item_terms(item.name, tuple(item.keywords))
            for word in words:
                if word not in self.words:
                    self.vocabulary.add(word)
            self.words.add(key, words)
            self.compounds.add(key, compounds)
            self.generation += 1
        bucket = price_bucket(item.price)
        moved = old is not None and price_bucket(old.price) != bucket
        if old is not None and moved:
            self.prices[price_bucket(old.price)].discard(key)
        self.prices[bucket].add(key)
        self.by_key[key] = item
        if moved:
            # After the move, as every version here changes after what it covers: a walk
            # in another thread that saw the old one remembers nothing under the new.
            self.offering += 1
        if item.quantity > 0 and item.expires_at > time.time():
            self._available_set(key, True)
            heapq.heappush(self.expiries, (item.expires_at, key))
        else:
            self._available_set(key, False)

    def item_drop(self, item_id: int) -> None:
        key = self.key_of.pop(item_id, None)
        if key is None:
            return
        old = self.by_key.pop(key)
        self._terms_drop(key, old)
        self._available_set(key, False)
        self.prices[price_bucket(old.price)].discard(key)
        self.generation += 1

    def expired_drop(self, now: float) -> None:
        """Take items past their expiry out of ``available`` (they stay indexed)."""
        while self.expiries and self.expiries[0][0] <= now:
            _, key = heapq.heappop(self.expiries)
            item = self.by_key.get(key)
            if item is not None and item.expires_at <= now:
                self._available_set(key, False)

    def _available_set(self, key: int, offered: bool) -> None:
        if (key in self.available) != offered:
            if offered:
                self.available.add(key)
            else:
                self.available.discard(key)
            self.offering += 1

    def slot(self, shop_id: int) -> int:
        """The shop's slot (a new one for a shop not seen yet)."""
        slot = self.slot_of.get(shop_id)
        if slot is None:
            slot = self.slot_of[shop_id] = len(self.shop_of_slot)
            self.shop_of_slot.append(shop_id)
            self.next_local.append(0)
        return slot

    def _key_new(self, shop_id: int) -> int:
        slot = self.slot(shop_id)
        local = self.next_local[slot]
        if local >= 1 << SLOT_BITS:
            self.full = True
            local = (1 << SLOT_BITS) - 1  # answers stay right until the reload, counts not
        else:
            self.next_local[slot] = local + 1
        return slot << SLOT_BITS | local

    def _terms_drop(self, key: int, item: OfferedItem) -> None:
        words, compounds = item_terms(item.name, tuple(item.keywords))
        for word in self.words.discard(key, words):
            self.vocabulary.discard(word)
        self.compounds.discard(key, compounds)

    def term_items(self, term: str) -> AbstractBitMap:
        """Items holding ``term`` as a word or a joined form (the engine's ``ItemTerms.all``).
        May be a posting itself: read it, never change it."""
        words, compounds = self.words.get(term), self.compounds.get(term)
        if not compounds:
            return words
        return words | compounds if words else compounds

    def keys_of(self, item_ids: Iterable[int]) -> BitMap:
        return BitMap(self.key_of[i] for i in item_ids if i in self.key_of)

    def memory_bytes(self) -> dict[str, int]:
        """Rough sizes: the postings' own (serialised) size, and counts."""
        return {
            "postings_bytes": self.words.size_in_bytes() + self.compounds.size_in_bytes(),
            "terms": len(self.words) + len(self.compounds),
            "items": len(self.by_key),
        }


def item_terms(name: str, keywords: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """``engine.item_terms`` as (words, joined forms that are not words), made per text and
    per word: names repeat words, keywords repeat whole, so each is worked out once."""
    if not keywords:
        words, compounds = _text_terms(name)
        return words, compounds - words
    texts = [_text_terms(text) for text in (name, *keywords)]
    words = frozenset().union(*(w for w, _ in texts))
    compounds = frozenset().union(*(c for _, c in texts))
    return words, compounds - words


@functools.lru_cache(maxsize=20_000)
def _text_terms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """``engine.item_terms(text)`` from cached pieces (the property test compares them):
    a cold start works out 200,000 names, whose words repeat but whose joined forms with
    a number ("shirt137") mostly do not."""
    raw = engine.raw_words(text)
    single = [_singular(word) for word in raw]
    compounds = set()
    for i in range(len(raw) - 1):
        left, right = raw[i], raw[i + 1]
        if _has_digit(left) or _has_digit(right):
            compounds.add(left + right)  # ``singular`` leaves a word with a digit as it is
        else:
            compounds.add(_singular(left + right))
        compounds.add(single[i] + single[i + 1])
    return frozenset(single), frozenset(compounds)


_singular = functools.lru_cache(maxsize=200_000)(engine.singular)
_has_digit = functools.lru_cache(maxsize=200_000)(engine.has_digit)


# --- Reading the database --------------------------------------------------------------


def items_read(item_ids: Iterable[int] | None, shops: dict[int, OfferedShop]) -> list[OfferedItem]:
    """Rows of the stock items ``item_ids`` (all of them for None), in plain SQL: a cold
    start reads 200,000 rows, and the ORM's per-object work would be most of it."""
    quote = connection.ops.quote_name
    meta = StockItem._meta
    column = {name: f"i.{quote(concrete_field(StockItem, name).column)}" for name in _ITEM_FIELDS}
    # What is offered is what is free: held units are kept for one shopper (stock.Hold).
    free = f"({column['quantity']} - i.{quote(meta.get_field('held').column)})"
    if connection.vendor == "postgresql":
        expires = f"EXTRACT(EPOCH FROM {column['expires_at']})::float8"
    else:
        expires = f"(julianday({column['expires_at']}) - 2440587.5) * 86400.0"
    sql = (
        f"SELECT {column['id']}, {column['shop']}, {column['name']}, {column['keywords']},"
        f" {free}, {column['price']}, {column['barcode']}, {expires}"
        f" FROM {quote(meta.db_table)} i"
    )
    rows: list[Any] = []
    with connection.cursor() as cursor:
        if item_ids is None:
            cursor.execute(sql)
            rows = cursor.fetchall()
        else:
            ids = list(item_ids)
            for start in range(0, len(ids), 5000):
                chunk = ids[start : start + 5000]
                cursor.execute(
                    f"{sql} WHERE {column['id']} IN ({', '.join(['%s'] * len(chunk))})", chunk
                )
                rows += cursor.fetchall()
    places = _price_places()
    prices: dict[Any, Decimal] = {}
    items = []
    for pk, shop_id, name, keywords, quantity, price, barcode, expires_at in rows:
        if price not in prices:
            value = price if isinstance(price, Decimal) else Decimal(str(price))
            prices[price] = value.quantize(places)
        items.append(
            OfferedItem(
                pk,
                shop_id,
                name,
                keywords_column(keywords),
                quantity,
                prices[price],
                barcode,
                shops.get(shop_id),
                float(expires_at),
            )
        )
    return items


_ITEM_FIELDS = ("id", "shop", "name", "keywords", "quantity", "price", "barcode", "expires_at")


def shops_read() -> dict[int, OfferedShop]:
    quote = connection.ops.quote_name
    meta = Shop._meta
    columns = ", ".join(
        quote(concrete_field(Shop, name).column)
        for name in ("id", "slug", "name", "floor", "x", "y")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)}")
        return {row[0]: OfferedShop(*row) for row in cursor.fetchall()}


@functools.cache
def _price_places() -> Decimal:
    return Decimal(1).scaleb(-StockItem._meta.get_field("price").decimal_places)


def keywords_column(value: Any) -> tuple[str, ...]:
    """A stock row's keywords as read in plain SQL: JSON text (SQLite, and psycopg as
    Django sets it up) or an already decoded list."""
    return _keywords(value) if isinstance(value, str) else tuple(value)


@functools.lru_cache(maxsize=10_000)
def _keywords(text: str) -> tuple[str, ...]:
    # A catalogue repeats its keyword lists: each distinct one is decoded once (and shared).
    return tuple(json.loads(text))


def catalogue_load() -> Catalogue:
    """A cold start: every shop and item, from the database.

    In bulk: each term's keys are gathered in a list and made a bitmap once, rather than
    added item by item (``Catalogue.item_put`` does that for the writes that follow).
    """
    catalogue = Catalogue()
    catalogue.shops = shops_read()
    for shop_id in sorted(catalogue.shops):
        catalogue.slot(shop_id)  # slots in shop order
    words: dict[str, list[int]] = defaultdict(list)
    compounds: dict[str, list[int]] = defaultdict(list)
    prices: list[list[int]] = [[] for _ in range(PRICE_BUCKETS)]
    available: list[int] = []
    now = time.time()
    by_key, key_of = catalogue.by_key, catalogue.key_of
    for item in items_read(None, catalogue.shops):
        key = catalogue._key_new(item.shop_id)
        key_of[item.pk] = key
        by_key[key] = item
        item_words, item_compounds = item_terms(item.name, tuple(item.keywords))
        for word in item_words:
            words[word].append(key)
        for compound in item_compounds:
            compounds[compound].append(key)
        prices[price_bucket(item.price)].append(key)
        if item.quantity > 0 and item.expires_at > now:
            available.append(key)
            catalogue.expiries.append((item.expires_at, key))
    for word in words:
        catalogue.vocabulary.add(word)
    catalogue.words.load(words)
    catalogue.compounds.load(compounds)
    catalogue.prices = [BitMap(keys) for keys in prices]
    catalogue.available = BitMap(available)
    heapq.heapify(catalogue.expiries)
    _text_terms.cache_clear()  # names are mostly unique: no use keeping them
    return catalogue
