"""The worker's copy of the stock: every item's row and postings, and every shop.

Built from the stock table (the truth) at a cold start and patched item by item as the
change log (``changes``) says rows were written. Rows are replaced, never changed in place,
so an answer being built keeps a consistent row.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from pyroaring import BitMap

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
    #: What is free to offer (quantity less held units, where holds exist).
    quantity: int
    price: Decimal
    barcode: str = ""
    shop: OfferedShop | None = None
    #: Expiry as a Unix time: an item past it is never offered, purged or not.
    expires_at: float = math.inf


@dataclass
class Catalogue:
    """Items, shops and postings of one worker."""

    items: dict[int, OfferedItem] = field(default_factory=dict)
    shops: dict[int, OfferedShop] = field(default_factory=dict)
    #: Item words (rule 1-3 forms), which typos may reach.
    words: Postings = field(default_factory=Postings)
    #: Joined forms of adjacent words (rule 5) that are not also words of the item.
    compounds: Postings = field(default_factory=Postings)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    #: Items with a free quantity above zero (expiry is checked when offering).
    available: BitMap = field(default_factory=BitMap)
    #: Changes whenever postings change: what was remembered of them is then dropped.
    generation: int = 0
    #: Tells catalogues of one process apart (a reload makes a new one).
    serial: int = field(default_factory=itertools.count(1).__next__)

    def item_put(self, item: OfferedItem) -> None:
        """Add ``item``, or replace the row of the same id."""
        old = self.items.get(item.pk)
        if old is not None and (old.name, old.keywords) == (item.name, item.keywords):
            self.items[item.pk] = item  # same terms: only the row changes
        else:
            if old is not None:
                self._terms_drop(old)
            words, compounds = item_terms(item.name, tuple(item.keywords))
            for word in words:
                if word not in self.words:
                    self.vocabulary.add(word)
            self.words.add(item.pk, words)
            self.compounds.add(item.pk, compounds)
            self.items[item.pk] = item
            self.generation += 1
        if item.quantity > 0:
            self.available.add(item.pk)
        else:
            self.available.discard(item.pk)

    def item_drop(self, item_id: int) -> None:
        old = self.items.pop(item_id, None)
        if old is not None:
            self._terms_drop(old)
            self.available.discard(item_id)
            self.generation += 1

    def _terms_drop(self, item: OfferedItem) -> None:
        words, compounds = item_terms(item.name, tuple(item.keywords))
        for word in self.words.discard(item.pk, words):
            self.vocabulary.discard(word)
        self.compounds.discard(item.pk, compounds)

    def term_items(self, term: str) -> BitMap:
        """Items holding ``term`` as a word or a joined form (the engine's ``ItemTerms.all``)."""
        return self.words.get(term) | self.compounds.get(term)

    def memory_bytes(self) -> dict[str, int]:
        """Rough sizes: the postings' own (serialised) size and the item rows."""
        return {
            "postings": self.words.size_in_bytes() + self.compounds.size_in_bytes(),
            "terms": len(self.words) + len(self.compounds),
            "items": len(self.items),
        }


def item_terms(name: str, keywords: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """``engine.item_terms`` as (words, joined forms that are not words), made per text:
    keywords repeat across a catalogue, so each is worked out once."""
    texts = [_text_terms(text) for text in (name, *keywords)]
    words = frozenset().union(*(w for w, _ in texts))
    compounds = frozenset().union(*(c for _, c in texts))
    return words, compounds - words


@functools.lru_cache(maxsize=100_000)
def _text_terms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    terms = engine.item_terms(text)
    return terms.words, terms.compounds


# --- Reading the database --------------------------------------------------------------


def items_read(item_ids: Iterable[int] | None, shops: dict[int, OfferedShop]) -> list[OfferedItem]:
    """Rows of the stock items ``item_ids`` (all of them for None), in plain SQL: a cold
    start reads 200,000 rows, and the ORM's per-object work would be most of it."""
    quote = connection.ops.quote_name
    meta = StockItem._meta
    column = {name: f"i.{quote(meta.get_field(name).column)}" for name in _ITEM_FIELDS}
    free = column["quantity"]
    if any(f.name == "held" for f in meta.get_fields()):  # holds (issue 20) keep units back
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
        quote(meta.get_field(name).column) for name in ("id", "slug", "name", "floor", "x", "y")
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
    """A cold start: every shop and item, from the database."""
    catalogue = Catalogue()
    catalogue.shops = shops_read()
    for item in items_read(None, catalogue.shops):
        catalogue.item_put(item)
    catalogue.words.optimise()
    catalogue.compounds.optimise()
    return catalogue
