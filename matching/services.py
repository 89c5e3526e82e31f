"""Writes for matching: keeping the index in step with stock, synonyms, and live cards."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from core.columns import concrete_field
from customers.models import Customer, DesiredProduct
from customers.selectors import desires_live
from matching import engine, realtime
from matching.index.catalogue import OfferedShop, item_terms
from matching.index.memo import catalogue_current
from matching.index.phrases import want_items
from matching.models import Card, IndexChange, IndexVersion, ItemTerm, SynonymGroup, Term
from matching.ranking import card_shops
from matching.results import desire_results
from matching.selectors import DesireOffers, desires_offers
from matching.serving import cards_serving
from matching.synonyms import synonyms_current
from stock.models import StockItem
from stock.services import NewItem


def stock_items_index(
    *, items: Sequence[StockItem | NewItem], new: bool = False, known: dict[str, int] | None = None
) -> None:
    """Write the terms of ``items`` (new or renamed) to ``Term``/``ItemTerm``, replacing
    any old ones. ``new``: the items were just inserted, so they have none to replace.
    ``known``: term ids already read in this transaction (an import passes one dict for
    all its batches)."""
    if not items:
        return
    terms_by_item = {item.pk: _item_terms(item.name, tuple(item.keywords)) for item in items}
    known = known if known is not None else {}
    words = set().union(*terms_by_item.values()) - known.keys()
    with transaction.atomic():
        if words:
            known.update(_term_ids(words))
            missing = words - known.keys()
            if missing:
                Term.objects.bulk_create(
                    [Term(word=w, first=w[0], length=len(w)) for w in missing],
                    ignore_conflicts=True,
                    batch_size=2000,
                )
                known.update(_term_ids(missing))
        quote = connection.ops.quote_name
        table = quote(ItemTerm._meta.db_table)
        with connection.cursor() as cursor:
            if not new:
                ids = list(terms_by_item)
                for start in range(0, len(ids), 5000):
                    chunk = ids[start : start + 5000]
                    cursor.execute(
                        f"DELETE FROM {table} WHERE {quote('item_id')} IN"
                        f" ({', '.join(['%s'] * len(chunk))})",
                        chunk,
                    )
            # Plain executemany: an import writes millions of postings, and bulk_create's
            # per-object work was most of its time. In item order (new items have the
            # highest ids), the table's one index, by item, takes them at its end.
            postings = [
                (known[word], item_id)
                for item_id in sorted(terms_by_item)
                for word in terms_by_item[item_id]
            ]
            # Multi-row INSERTs: one statement per 4,000 postings, not one per posting.
            insert = f"INSERT INTO {table} ({quote('term_id')}, {quote('item_id')}) VALUES "
            for start in range(0, len(postings), _POSTINGS_PER_INSERT):
                batch = postings[start : start + _POSTINGS_PER_INSERT]
                cursor.execute(
                    insert + ", ".join(["(%s, %s)"] * len(batch)),
                    [value for pair in batch for value in pair],
                )
        index_version_bump()


#: Postings per INSERT: 2 parameters each, under SQLite's 32,766 and Postgres' 65,535.
_POSTINGS_PER_INSERT = 4000


def _term_ids(words: set[str]) -> dict[str, int]:
    """``{word: id}`` of the ``Term`` rows among ``words`` (plain SQL, in chunks)."""
    table = connection.ops.quote_name(Term._meta.db_table)
    found: dict[str, int] = {}
    listed = list(words)
    with connection.cursor() as cursor:
        for start in range(0, len(listed), 5000):
            chunk = listed[start : start + 5000]
            cursor.execute(
                f"SELECT word, id FROM {table} WHERE word IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.update(cursor.fetchall())
    return found


#: Rows of the change log kept by ``index_changes_trim``: far more than any worker falls
#: behind between two sightings; one that does (idle for days) loads its index again.
INDEX_CHANGES_KEPT = 200_000


def index_changes_trim(*, keep: int = INDEX_CHANGES_KEPT) -> int:
    """Delete all but the last ``keep`` rows of the change log (``IndexChange``). A worker
    whose last applied row is gone notices it and loads its index afresh, so trimming
    never loses a change. Returns how many rows went."""
    quote = connection.ops.quote_name
    table = quote(IndexChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        last = cursor.fetchone()[0]
        if last is None:
            return 0
        cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last - keep])
        return cursor.rowcount


def index_version_bump() -> None:
    """Give the index a new ``IndexVersion`` token (in the caller's transaction): every
    process forgets what it remembered of the index when it next reads the token."""
    IndexVersion.objects.bulk_create(
        [IndexVersion(pk=1, token=secrets.token_hex(16))],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["token"],
    )


def _item_terms(name: str, keywords: tuple[str, ...]) -> frozenset[str]:
    """``engine.item_terms(name, keywords).all``, from the index's cached pieces."""
    words, compounds = item_terms(name, keywords)
    return words | compounds


def synonym_group_save(*, group: SynonymGroup) -> SynonymGroup:
    """Save one synonym group, new or edited (the admin's form).

    What the index answered for a want depended on the synonyms, and a want keeps that
    answer while the index's token holds (``DesiredProduct.found``): every write to the
    table gives the index a new token, or wants recorded before would not see the change.
    """
    with transaction.atomic():
        group.save()
        index_version_bump()
    return group


def synonym_groups_delete(*, groups: Iterable[SynonymGroup]) -> int:
    """Delete synonym groups (the admin's delete page and action). Returns how many."""
    with transaction.atomic():
        deleted, _ = SynonymGroup.objects.filter(pk__in=[group.pk for group in groups]).delete()
        index_version_bump()
    return deleted


def synonyms_replace(*, lines: Iterable[str]) -> int:
    """Replace the synonym table with ``lines`` (Solr format). Returns the group count."""
    lines = list(lines)
    with transaction.atomic():
        SynonymGroup.objects.all().delete()
        SynonymGroup.objects.bulk_create([SynonymGroup(words=line[:500]) for line in lines])
        index_version_bump()  # what the index answered depended on the synonyms too
    return len(lines)


def _face_url(customer: Customer, shop: OfferedShop) -> str | None:
    return realtime.card_face_url(customer, shop)


#: Matching items of one shop listed per want on its card.
CARD_ITEMS = 5


@dataclass(frozen=True)
class CardsPlan:
    """What a refresh of one shopper's cards will do: the ranked ``results`` (their phone's
    list), the shops to show a card (``shown``) and the cards themselves."""

    results: list[dict[str, Any]]
    shown: list[int]
    cards: list[CardRow]


def cards_plan(*, customer: Customer, at: engine.Position | None) -> CardsPlan:
    """Match ``customer``'s wants from where they were seen; choose the shops they are
    heading for (reads only).

    The shops: for each want, the first ``CARD_SHOPS`` shops of that want's list, plus the
    shop of the kiosk that saw them if it has a match (DESIGN.md, flow 3). With ``at`` None
    (never sighted, or gone out of range) no card is shown.
    """
    desires = desires_live(customer)
    offers: dict[int, DesireOffers] = {}
    if at is not None and desires:
        offers = desires_offers(desires, at=at, preference=customer.ranking)
    results = desire_results(desires, offers)
    kiosk_shop_id = customer.last_kiosk.shop_id if at is not None and customer.last_kiosk else None
    shown = card_shops(offers, kiosk_shop_id=kiosk_shop_id, per_desire=settings.CARD_SHOPS)
    seen_at = customer.last_seen_at or timezone.now()
    cards = [_card_row(customer, desires, offers, shop_id, seen_at) for shop_id in shown]
    return CardsPlan(results=results, shown=shown, cards=cards)


def cards_store(
    *, customer: Customer, plan: CardsPlan, push_results: bool = True
) -> list[tuple[str, dict[str, Any]]]:
    """Show ``plan``'s cards, withdraw every other card of ``customer``; returns the pushes
    that say so (to each shop's screens, and the list to the shopper's phone), for the
    caller to send on commit."""
    pushes: list[tuple[str, dict[str, Any]]] = []
    stale = _cards_stale(customer_id=customer.pk, keep=plan.shown)
    if stale:
        _cards_delete(customer_id=customer.pk, shop_ids=stale)
    pushes += [
        (realtime.shop_group(shop_id), realtime.card_withdraw_message(customer.code))
        for shop_id in stale
    ]
    _cards_upsert(plan.cards)
    has_face = bool(customer.face_image)
    serving = cards_serving(customer_id=customer.pk) if plan.cards else {}
    for card in plan.cards:
        face_url = _face_url(customer, card.shop) if has_face else None
        taken_by, holds = serving.get(card.shop_id, (None, []))
        payload = realtime.card_payload(card, face_url=face_url, taken_by=taken_by, holds=holds)
        pushes.append((realtime.shop_group(card.shop_id), realtime.card_show_message(payload)))
    if push_results:
        pushes.append(
            (realtime.customer_group(customer.pk), realtime.shops_update_message(plan.results))
        )
    return pushes


def _card_row(
    customer: Customer,
    desires: Sequence[DesiredProduct],
    offers: dict[int, DesireOffers],
    shop_id: int,
    seen_at: datetime,
) -> CardRow:
    """The card of ``customer`` at ``shop_id``: every want the shop has something for,
    each with the shop's matching items, best first."""
    entries = []
    shop, distance = None, 0.0
    for desire in desires:
        found = offers.get(desire.pk)
        offer = found.shop(shop_id) if found is not None else None
        if offer is None:
            continue
        shop, distance = offer.shop, offer.best.distance_m
        entries.append(
            {
                "id": desire.pk,
                "name": desire.name,
                "level": desire.level,
                "items": [
                    {
                        "id": m.item.pk,
                        "name": m.item.name,
                        "price": f"{m.item.price:.2f}",
                        "quantity": m.item.quantity,
                        "barcode": m.item.barcode,
                        "similar": m.similar,
                    }
                    for m in offer.top(CARD_ITEMS)
                ],
            }
        )
    if shop is None:  # every shop shown has an offer (card_shops)
        raise ValueError(f"Shop {shop_id} has no offer for customer {customer.pk}.")
    return CardRow(
        customer=customer,
        customer_id=customer.pk,
        shop_id=shop_id,
        shop=shop,
        distance_m=distance,
        desires=entries,
        seen_at=seen_at,
    )


def desires_found_set(desires: Sequence[DesiredProduct]) -> None:
    """Wants being recorded: bring this worker's index up to date (loading it on a cold
    start), so that the sighting that follows registration pays nothing for it."""
    if desires:
        catalogue_current()


def _cards_stale(*, customer_id: int, keep: Iterable[int]) -> list[int]:
    """The shops holding a card of the customer but not in ``keep``, in ``Card`` order.

    Plain SQL, as ``_cards_upsert``: it runs at every sighting."""
    keep = list(keep)
    quote = connection.ops.quote_name
    sql = f"SELECT shop_id FROM {quote(Card._meta.db_table)} WHERE customer_id = %s"
    if keep:
        sql += f" AND shop_id NOT IN ({', '.join(['%s'] * len(keep))})"
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY seen_at DESC, id", [customer_id, *keep])
        return [shop_id for (shop_id,) in cursor.fetchall()]


def _cards_delete(*, customer_id: int, shop_ids: list[int]) -> None:
    """Delete the customer's cards at ``shop_ids``. Plain SQL, as ``_cards_stale``: nothing
    refers to a card and no signal listens to its deletion, so the ORM's ``delete()`` ran
    this one statement too, after building it and its collector at every sighting."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(Card._meta.db_table)} WHERE customer_id = %s"
            f" AND shop_id IN ({', '.join(['%s'] * len(shop_ids))})",
            [customer_id, *shop_ids],
        )


@dataclass(slots=True)
class CardRow:
    """A card about to be written: the columns of ``Card`` and its customer, no model
    instance (a sighting may show a card to a hundred shops)."""

    customer: Customer
    customer_id: int
    shop_id: int
    shop: OfferedShop
    distance_m: float
    desires: list[dict[str, Any]]
    seen_at: datetime


def _cards_upsert(cards: list[CardRow]) -> None:
    """Insert ``cards``, or update the customer's card at that shop, in one statement.

    Plain SQL: a shopper may match dozens of shops at each sighting, and
    ``bulk_create(update_conflicts=True)`` took longer to prepare the rows than the
    database took to write them. Each value goes through its field's ``get_db_prep_save``,
    as the ORM would send it.
    """
    if not cards:
        return
    names = ("customer", "shop", "distance_m", "desires", "seen_at")
    fields = [concrete_field(Card, name) for name in names]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    row = f"({', '.join(['%s'] * len(fields))})"
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[2:])
    # The cards of a sighting share their customer, time and often their wants: each
    # distinct value is prepared once (a datetime's or a JSON list's preparation cost more
    # than its row's write). Lists by identity: the cards keep them alive meanwhile.
    prepared: dict[tuple[str, Any], Any] = {}
    params = []
    for card in cards:
        for field in fields:
            value = getattr(card, field.attname)
            key = (field.attname, id(value) if isinstance(value, list | dict) else value)
            if key not in prepared:
                prepared[key] = field.get_db_prep_save(value, connection)
            params.append(prepared[key])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Card._meta.db_table)} ({', '.join(columns)})"
            f" VALUES {', '.join([row] * len(cards))}"
            f" ON CONFLICT ({columns[0]}, {columns[1]}) DO UPDATE SET {updates}",
            params,
        )


def cards_withdraw_all(*, customer: Customer) -> list[tuple[str, dict[str, Any]]]:
    """Withdraw every card of ``customer`` (they bought, left, expired or were erased);
    returns the ``card.withdraw`` pushes for the caller to send."""
    shop_ids = list(Card.objects.filter(customer=customer).values_list("shop_id", flat=True))
    Card.objects.filter(customer=customer).delete()
    return [
        (realtime.shop_group(shop_id), realtime.card_withdraw_message(customer.code))
        for shop_id in shop_ids
    ]


def card_take(*, shop_id: int, customer: Customer, clerk: User) -> bool | None:
    """``clerk`` serves this shopper, taking over from any other clerk. True: nobody served
    them yet; False: a takeover; None: no live card at this shop."""
    card = Card.objects.filter(shop_id=shop_id, customer=customer)
    if card.filter(taken_by__isnull=True).update(taken_by=clerk):
        return True
    if card.update(taken_by=clerk):
        return False
    return None


def card_release(*, shop_id: int, customer: Customer) -> bool:
    """The shopper was served (a sale): their card at this shop is free again. False if
    none was taken (a withdrawn card needs no release: it is gone)."""
    return bool(
        Card.objects.filter(shop_id=shop_id, customer=customer, taken_by__isnull=False).update(
            taken_by=None
        )
    )


def customers_wanting_items(*, item_ids: Collection[int]) -> list[Customer]:
    """The shoppers now in the mall whose wants match any of ``item_ids`` (items that became
    available: new, restocked from 0, imported, renamed, kept longer).

    Bounded by the shoppers present (sighted and not out of range), never by the stock:
    their wants ask the index (each distinct phrase once: remembered), and the answer is
    intersected with ``item_ids``.
    """
    if not item_ids:
        return []
    now = timezone.now()
    present = list(
        Customer.objects.filter(
            last_kiosk__isnull=False, out_of_range_since__isnull=True, expires_at__gt=now
        )
        .select_related("last_kiosk__shop")
        .prefetch_related(
            Prefetch("desires", queryset=DesiredProduct.objects.filter(expires_at__gt=now))
        )
    )
    desires = [desire for customer in present for desire in customer.desires.all()]
    if not desires:
        return []
    catalogue = catalogue_current()
    changed = catalogue.keys_of(item_ids)
    synonyms = synonyms_current()
    wanting = set()
    for desire in desires:
        exact, similar = want_items(
            catalogue, engine.want_phrases(desire.name, desire.keywords), synonyms
        )
        if exact.intersect(changed) or similar.intersect(changed):
            wanting.add(desire.customer_id)
    return [customer for customer in present if customer.pk in wanting]
