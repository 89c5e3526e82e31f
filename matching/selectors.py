"""Reads for matching: what a want matches (offers, search), what an item fulfils, the
shopper's list now, a shop's live cards.

Matching runs on the in-memory index (``matching.index``): each want's exact and similar
items are sets computed on postings, and one pass per want keeps each shop's best offer;
only the offers shown are built. This module is the façade other apps call.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.columns import concrete_field
from customers.models import Customer, DesiredProduct
from customers.selectors import desires_live
from mall.models import Shop
from mall.walking import walking_kept
from matching import engine, realtime
from matching.index.catalogue import OfferedItem, OfferedShop, keywords_column
from matching.index.memo import catalogue_current, catalogue_forget
from matching.index.offers import (
    DesireOffers,
    Match,
    ShopOffer,
    Walk,
    desire_offers,
    items_ranked,
    shop_distance,
)
from matching.index.phrases import phrases_forget, want_items
from matching.models import Card
from matching.results import OFFERS_PER_DESIRE, desire_results
from matching.synonyms import synonyms_current
from stock.models import StockItem
from stock.payloads import hold_payload
from stock.selectors import holds_live

__all__ = [
    "DesireOffers",
    "Match",
    "OfferedItem",
    "OfferedShop",
    "ShopOffer",
]


def index_forget() -> None:
    """Drop this process's index and what it remembered: the next use loads it again."""
    catalogue_forget()
    phrases_forget()


def desires_offers(
    desires: Sequence[DesiredProduct],
    *,
    at: engine.Position,
    preference: str,
    synonyms: engine.Synonyms | None = None,
    limit: int | None = None,
) -> dict[int, DesireOffers]:
    """Each want's list from ``at``: its first shops (``OFFERS_PER_DESIRE``, or more when
    ``CARD_SHOPS`` is larger) and the count of shops with a match."""
    synonyms = synonyms if synonyms is not None else synonyms_current()
    catalogue = catalogue_current()
    limit = limit if limit is not None else max(OFFERS_PER_DESIRE, settings.CARD_SHOPS)
    walk = Walk(
        catalogue,
        at=at,
        preference=preference,
        floor_change_metres=settings.FLOOR_CHANGE_METRES,
        walking=walking_kept(),
    )
    found = {}
    for desire in desires:
        exact, similar = want_items(
            catalogue, engine.want_phrases(desire.name, desire.keywords), synonyms
        )
        found[desire.pk] = desire_offers(
            catalogue, exact, similar, desire_id=desire.pk, walk=walk, limit=limit
        )
    return found


def matches_for_desires(
    desires: Sequence[DesiredProduct],
    *,
    at: engine.Position,
    synonyms: engine.Synonyms | None = None,
) -> dict[int, list[Match]]:
    """For each want, every in-stock, unexpired item matching it or similar to it,
    unranked. Builds one ``Match`` per item: for tests and reports, not the hot path."""
    synonyms = synonyms if synonyms is not None else synonyms_current()
    catalogue = catalogue_current()
    penalty = settings.FLOOR_CHANGE_METRES
    walking = walking_kept()
    result: dict[int, list[Match]] = {}
    for desire in desires:
        exact, similar = want_items(
            catalogue, engine.want_phrases(desire.name, desire.keywords), synonyms
        )
        matches = []
        for kind, ids in ((False, exact), (True, similar)):
            for key in ids & catalogue.available:
                item = catalogue.by_key[key]
                shop = catalogue.shops[item.shop_id]
                where = engine.Position(shop.floor, shop.x, shop.y)
                distance = shop_distance(at, where, penalty, walking)
                matches.append(Match(desire.pk, item, distance, kind))
        result[desire.pk] = matches
    return result


@dataclass(frozen=True)
class SearchHit:
    """One line of a search: an item, its distance, exact or similar."""

    item: OfferedItem
    #: None for a search made from no position.
    distance_m: float | None
    similar: bool


@dataclass(frozen=True)
class SearchPage:
    total: int
    hits: list[SearchHit]


def items_search(
    *,
    name: str,
    keywords: Sequence[str] = (),
    at: engine.Position | None,
    ranking: str = "nearest",
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Every in-stock item matching a want of ``name`` and ``keywords`` (the same matching
    as a sighting), exact ones first, each part in ``ranking`` order from ``at``; one page.
    With ``at`` None, cheapest first and no distances."""
    catalogue = catalogue_current()
    exact, similar = want_items(catalogue, engine.want_phrases(name, keywords), synonyms_current())
    walk = Walk(
        catalogue,
        at=at,
        preference=ranking,
        floor_change_metres=settings.FLOOR_CHANGE_METRES,
        walking=walking_kept() if at is not None else None,
    )
    total, page = items_ranked(catalogue, exact, similar, walk=walk, offset=offset, limit=limit)
    return SearchPage(
        total=total,
        hits=[
            SearchHit(item, distance if at is not None else None, similar)
            for item, distance, similar in page
        ],
    )


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
    item_columns = [concrete_field(StockItem, name).column for name in _ITEM_FIELDS]
    shop_columns = [concrete_field(Shop, name).column for name in _SHOP_FIELDS]
    columns = [f"i.{quote(c)}" for c in item_columns] + [f"s.{quote(c)}" for c in shop_columns]
    # What is offered is what is free: held units are kept for one shopper (stock.Hold).
    quantity, held = (
        f"i.{quote(concrete_field(StockItem, n).column)}" for n in ("quantity", "held")
    )
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


_keywords_column = keywords_column


def customer_position(customer: Customer) -> engine.Position | None:
    """Where ``customer`` is now: their last kiosk's position, or None when they were never
    sighted or every kiosk has reported them out of range."""
    kiosk = customer.last_kiosk
    if kiosk is None or customer.out_of_range_since is not None:
        return None
    floor, x, y = kiosk.position
    return engine.Position(floor, x, y)


def customer_results(*, customer: Customer) -> list[dict[str, Any]]:
    """The ranked list ``customer`` would get now, without touching any card: what a phone
    page shows when it connects (``shops.update``)."""
    desires = desires_live(customer)
    at = customer_position(customer)
    if at is None or not desires:
        return desire_results(desires, {})
    return desire_results(desires, desires_offers(desires, at=at, preference=customer.ranking))


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
        holds[hold.customer_id].append(hold_payload(hold))
    return [
        realtime.card_payload(
            card,
            face_url=realtime.card_face_url(card.customer, card.shop),
            taken_by=card.taken_by.get_username() if card.taken_by else None,
            holds=holds.get(card.customer_id, []),
        )
        for card in shop_cards(shop_id=shop_id)
    ]


def desires_matched_by(*, item: StockItem, desires: Iterable[DesiredProduct]) -> list[int]:
    """The ids of ``desires`` that ``item`` matches exactly (DESIGN.md, "Matching rules"):
    the wants a sale of it fulfils. One item against one shopper's wants: the engine, no
    index (the index answers the other way round, an item for every shopper:
    ``matching.services.customers_wanting_items``)."""
    synonyms = synonyms_current()
    terms = engine.item_terms(item.name, item.keywords)
    return [
        desire.pk
        for desire in desires
        if engine.want_matches(engine.want_phrases(desire.name, desire.keywords), terms, synonyms)
    ]
