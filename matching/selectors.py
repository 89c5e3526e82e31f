"""Reads for matching: the synonym table, and the index that feeds the engine candidates.

The index is the ``Term``/``ItemTerm`` pair: a sighting asks it for the items that hold at
least one term per word of each want (``engine.covering_terms``), then checks only those
with the engine. It never scans the stock table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from matching import engine, realtime
from matching.models import Card, ItemTerm, SynonymGroup, Term
from stock.models import StockItem

#: Offers listed per want: enough to choose from on a phone, bounded for the radio link.
OFFERS_PER_DESIRE = 20


def synonyms_current() -> engine.Synonyms:
    """The synonym table as the engine uses it."""
    return engine.Synonyms(SynonymGroup.objects.values_list("words", flat=True))


def typo_neighbours(words: Iterable[str]) -> dict[str, set[str]]:
    """For each word, the vocabulary words within its typo budget (one query for all)."""
    budgets = {word: engine.typo_budget(word) for word in words}
    budgets = {word: budget for word, budget in budgets.items() if budget}
    if not budgets:
        return {}
    query = Q()
    for word, budget in budgets.items():
        query |= Q(first=word[0], length__gte=len(word) - budget, length__lte=len(word) + budget)
    vocabulary = list(Term.objects.filter(query).values_list("word", flat=True))
    return {
        word: {term for term in vocabulary if engine.within_edits(word, term, budget)}
        for word, budget in budgets.items()
    }


def candidate_item_ids(phrases: Iterable[tuple[str, ...]], synonyms: engine.Synonyms) -> set[int]:
    """Items that may match any of ``phrases``: a superset the engine then checks."""
    phrases = list(phrases)
    neighbours = typo_neighbours({word for phrase in phrases for word in phrase})
    found: set[int] = set()
    for phrase in phrases:
        needed = engine.covering_terms(phrase, synonyms, lambda w: neighbours.get(w, ()))
        # Start from the rarest position's postings, then keep items holding the others.
        by_term: dict[str, set[int]] = defaultdict(set)
        all_terms = set().union(*needed)
        for word, item_id in ItemTerm.objects.filter(term__word__in=all_terms).values_list(
            "term__word", "item_id"
        ):
            by_term[word].add(item_id)
        items: set[int] | None = None
        for terms in needed:
            holding = set().union(*(by_term.get(t, set()) for t in terms))
            items = holding if items is None else items & holding
            if not items:
                break
        found |= items or set()
    return found


@dataclass(frozen=True)
class Match:
    """A stock item matching one want, with its distance from the shopper."""

    desire_id: int
    item: StockItem
    distance_m: float


def matches_for_desires(
    desires: Iterable, *, at: engine.Position, synonyms: engine.Synonyms | None = None
) -> dict[int, list[Match]]:
    """For each want, the in-stock, unexpired items matching it, unranked."""
    synonyms = synonyms if synonyms is not None else synonyms_current()
    phrases = {d.pk: engine.want_phrases(d.name, d.keywords) for d in desires}
    candidate_ids = candidate_item_ids((p for ps in phrases.values() for p in ps), synonyms)
    items = list(
        StockItem.objects.filter(
            pk__in=candidate_ids, quantity__gt=0, expires_at__gt=timezone.now()
        ).select_related("shop")
    )
    terms = {item.pk: engine.item_terms(item.name, item.keywords) for item in items}
    penalty = settings.FLOOR_CHANGE_METRES
    result: dict[int, list[Match]] = {}
    for desire_id, desire_phrases in phrases.items():
        result[desire_id] = [
            Match(
                desire_id=desire_id,
                item=item,
                distance_m=engine.distance(
                    at, engine.Position(item.shop.floor, item.shop.x, item.shop.y), penalty
                ),
            )
            for item in items
            if engine.want_matches(desire_phrases, terms[item.pk], synonyms)
        ]
    return result


def ranked(matches: list[Match], preference: str) -> list[Match]:
    """``matches`` in the shopper's order (``engine.rank``)."""
    by_item = {m.item.pk: m for m in matches}
    offers = [
        engine.Offer(m.item.pk, m.item.shop_id, Decimal(m.item.price), m.distance_m)
        for m in matches
    ]
    return [by_item[o.item_id] for o in engine.rank(offers, preference)]


def results_payload(desires: Iterable, matches: dict[int, list[Match]], preference: str) -> list:
    """The ``results`` list of the sighting answer and of ``shops.update`` (DESIGN.md)."""
    results = []
    for desire in desires:
        offers = []
        for match in ranked(matches.get(desire.pk, []), preference)[:OFFERS_PER_DESIRE]:
            shop, item = match.item.shop, match.item
            offers.append(
                {
                    "shop": {
                        "slug": shop.slug,
                        "name": shop.name,
                        "floor": shop.floor,
                        "x": shop.x,
                        "y": shop.y,
                    },
                    "item": {
                        "id": item.pk,
                        "name": item.name,
                        "price": f"{item.price:.2f}",
                        "quantity": item.quantity,
                    },
                    "distance_m": round(match.distance_m, 1),
                }
            )
        results.append({"desire": {"id": desire.pk, "name": desire.name}, "offers": offers})
    return results


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
    return list(Card.objects.filter(shop_id=shop_id).select_related("customer__last_kiosk", "shop"))


def shop_cards_snapshot(*, shop_id: int) -> list[dict[str, Any]]:
    """Every live card of a shop as ``card.show`` carries it: the ``cards.snapshot`` that a
    screen gets on connect, before the pushes that follow."""
    return [
        realtime.card_payload(card, face_url=realtime.card_face_url(card.customer, card.shop))
        for card in shop_cards(shop_id=shop_id)
    ]
