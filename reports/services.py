"""Writes of the reports: counters that the existing flows bump with one call each, the
access log, and its purge.

Counters are upserts (``INSERT ... ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n``), one
statement per call, in plain SQL: the footfall counter runs on every sighting, and the
ORM has no upsert that adds. Nothing written here but ``AccessLog`` names a shopper.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, models
from django.utils import timezone

from core.columns import concrete_field
from customers.models import Customer, DesiredProduct
from kiosks.models import Kiosk
from mall.models import Shop
from matching import engine
from matching.index.memo import catalogue_current
from matching.index.phrases import want_items
from matching.models import Card
from matching.synonyms import synonyms_current
from reports.models import (
    DWELL_BUCKETS,
    AccessAction,
    AccessLog,
    ActorKind,
    ConversionDay,
    ConversionEvent,
    DemandSource,
    DwellDay,
    FootfallHour,
    UnmetDemand,
)


def _counters_add(
    model: type[models.Model],
    *,
    keys: Sequence[str],
    rows: Iterable[tuple[tuple[Any, ...], dict[str, int]]],
    extra: Sequence[str] = (),
) -> None:
    """Add to counters of ``model``: each row is (values of ``keys`` then of ``extra``,
    {counter field: amount}). ``extra`` fields are written on insert only.

    Rows with the same key are summed first (one statement may not touch a row twice), and
    sorted by key so that two writers lock rows in the same order (no deadlock).
    """
    summed: dict[tuple[Any, ...], Counter[str]] = {}
    for values, amounts in rows:
        summed.setdefault(values, Counter()).update(amounts)
    if not summed:
        return
    counters = sorted({name for amounts in summed.values() for name in amounts})
    sql = _upsert_sql(model, tuple(keys), tuple(extra), tuple(counters), len(summed))
    fields = [concrete_field(model, name) for name in (*keys, *extra, *counters)]
    params: list[Any] = []
    for values in sorted(summed, key=lambda v: tuple(str(part) for part in v[: len(keys)])):
        amounts = summed[values]
        row = [*values, *(amounts.get(name, 0) for name in counters)]
        params += [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@functools.lru_cache(maxsize=64)
def _upsert_sql(
    model: type[models.Model],
    keys: tuple[str, ...],
    extra: tuple[str, ...],
    counters: tuple[str, ...],
    count: int,
) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = {
        name: quote(concrete_field(model, name).column) for name in (*keys, *extra, *counters)
    }
    names = [column[name] for name in (*keys, *extra, *counters)]
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    adds = ", ".join(f"{column[c]} = {table}.{column[c]} + EXCLUDED.{column[c]}" for c in counters)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row] * count)}"
        f" ON CONFLICT ({', '.join(column[k] for k in keys)}) DO UPDATE SET {adds}"
    )


def _today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())


def _hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


# Unmet demand -------------------------------------------------------------------------


def _want_text(name: str) -> str:
    return " ".join(engine.words(name))[:200]


def _want_words(name: str, keywords: Iterable[str]) -> str:
    found = {word for text in (name, *keywords) for word in engine.words(text)}
    return " ".join(sorted(found))[:400]


def demand_record_unmet(
    *, desires: Sequence[DesiredProduct], before: Iterable[DesiredProduct] = ()
) -> int:
    """Count the wants being recorded that no shop has in stock now (the matching index's
    own answer, as a sighting would get it); one with only a similar item in stock counts
    as ``similar_only``.

    ``before``: the wants this shopper had until now (a change of their list); those with
    the same wording are not counted again. Returns how many were counted.
    """
    known = {_want_words(d.name, d.keywords) for d in before}
    catalogue, synonyms = catalogue_current(), synonyms_current()
    today = _today()
    rows = []
    for desire in desires:
        wording = _want_words(desire.name, desire.keywords)
        if not wording or wording in known:
            continue
        known.add(wording)
        exact, similar = want_items(
            catalogue, engine.want_phrases(desire.name, desire.keywords), synonyms
        )
        if exact.intersection_cardinality(catalogue.available):
            continue
        similar_only = bool(similar.intersection_cardinality(catalogue.available))
        want = _want_text(desire.name) or wording
        rows.append(((today, want, DemandSource.WANT, similar_only, wording), {"count": 1}))
    _counters_add(
        UnmetDemand, keys=("day", "want", "source", "similar_only"), extra=("words",), rows=rows
    )
    return len(rows)


def demand_search_unmet(
    *, q: str, keywords: Iterable[str] = (), similar_only: bool = False
) -> bool:
    """Count a search (``GET /api/search/``) that found nothing (or, with ``similar_only``,
    only similar items). Returns False for a search with no words to count."""
    keywords = list(keywords)
    want = _want_text(q) or _want_words("", keywords)[:200]
    if not want:
        return False
    _counters_add(
        UnmetDemand,
        keys=("day", "want", "source", "similar_only"),
        extra=("words",),
        rows=[
            (
                (_today(), want, DemandSource.SEARCH, similar_only, _want_words(q, keywords)),
                {"count": 1},
            )
        ],
    )
    return True


# Conversion ---------------------------------------------------------------------------


def conversion_count(*, shop_id: int, event: str, n: int = 1) -> None:
    """Count ``n`` ``event``s (``ConversionEvent``) at a shop today."""
    if event not in ConversionEvent.values:
        raise ValueError(f"unknown conversion event {event!r}")
    _counters_add(
        ConversionDay,
        keys=("shop", "day", "event"),
        rows=[((shop_id, _today(), event), {"count": n})],
    )


def conversion_cards_shown(*, customer: Customer, shop_ids: Iterable[int]) -> int:
    """``shop_ids`` are about to show ``customer``'s card (call it before the cards are
    written): each shop that does not hold one yet counts a card shown, and the access log
    notes that the shop's screens showed the shopper (by the kiosk that saw them).

    One indexed read of the shopper's cards; a write only when a card is new, so a
    shopper sighted again and again costs no write here. Returns how many were new.
    """
    shop_ids = sorted(set(shop_ids))
    if not shop_ids:
        return 0
    # One read: the shops among them without a card of the shopper, with their names.
    quote = connection.ops.quote_name
    shop_table, card_table = quote(Shop._meta.db_table), quote(Card._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.{quote('id')}, s.{quote('name')} FROM {shop_table} s"
            f" WHERE s.{quote('id')} IN ({', '.join(['%s'] * len(shop_ids))})"
            f" AND NOT EXISTS (SELECT 1 FROM {card_table} c"
            f" WHERE c.{quote('customer_id')} = %s AND c.{quote('shop_id')} = s.{quote('id')})",
            [*shop_ids, customer.pk],
        )
        new = dict(cursor.fetchall())
    if not new:
        return 0
    today = _today()
    _counters_add(
        ConversionDay,
        keys=("shop", "day", "event"),
        rows=[((shop_id, today, ConversionEvent.CARD_SHOWN), {"count": 1}) for shop_id in new],
    )
    access_log_record_many(
        action=AccessAction.CARD_SHOWN, shops=new, customer=customer, kiosk=customer.last_kiosk
    )
    return len(new)


# Footfall -----------------------------------------------------------------------------


def footfall_count(
    *,
    kiosk_id: int,
    sightings: int = 0,
    checkins: int = 0,
    departures: int = 0,
    now: datetime | None = None,
) -> None:
    """Add to this hour's counters of a kiosk: one upsert (the sighting's one write)."""
    if not (sightings or checkins or departures):
        return
    # Every counter in the row, zeros too: a new row has no column left to a default.
    amounts = {"sightings": sightings, "checkins": checkins, "departures": departures}
    _counters_add(
        FootfallHour,
        keys=("kiosk", "hour"),
        rows=[((kiosk_id, _hour(now or timezone.now())), amounts)],
    )


def dwell_bucket(minutes: float) -> int:
    """The lower bound of the ``DWELL_BUCKETS`` bucket that ``minutes`` falls in."""
    return max(bound for bound in DWELL_BUCKETS if minutes >= bound)


def customer_erasure_record(*, customer: Customer, now: datetime | None = None) -> None:
    """A shopper is being erased (bought, left, expired, asked): count how long they stayed
    (first to last sighting; nothing if never sighted), anonymously, and start the
    ``ACCESS_LOG_DAYS`` clock of the access log rows about them. Call it before deleting."""
    now = now or timezone.now()
    first, last = getattr(customer, "first_seen_at", None), customer.last_seen_at
    if first is not None and last is not None:
        minutes = max((last - first).total_seconds(), 0) / 60
        _counters_add(
            DwellDay,
            keys=("day", "minutes_from"),
            rows=[((_today(now), dwell_bucket(minutes)), {"count": 1})],
        )
    AccessLog.objects.filter(customer_id=customer.pk).update(customer=None, customer_gone_at=now)


# Access log ---------------------------------------------------------------------------


def access_log_record(
    *,
    action: str,
    shop: Shop,
    customer_code: str,
    customer: Customer | None = None,
    clerk: User | AnonymousUser | None = None,
    kiosk: Kiosk | None = None,
) -> AccessLog:
    """Log one access to a shopper by a clerk (a signed-in user), a kiosk (its key) or the
    shopper themselves (neither). ``customer`` None: looked up by code; a shopper already
    gone (a sale that fulfilled their last want) is logged as gone now."""
    customer_code = "".join(str(customer_code).split()).upper()[:32]
    if customer is None:
        customer = Customer.objects.filter(code=customer_code).first()
    now = timezone.now()
    kind, actor = _actor(clerk=clerk, kiosk=kiosk)
    return AccessLog.objects.create(
        at=now,
        action=action,
        shop_id=shop.pk,
        shop_name=shop.name,
        actor_kind=kind,
        clerk=clerk if isinstance(clerk, User) else None,  # signed in: ActorKind.CLERK
        actor=actor,
        customer=customer,
        customer_code=customer_code,
        customer_gone_at=None if customer is not None else now,
    )


def access_log_record_many(
    *,
    action: str,
    shops: dict[int, str],
    customer: Customer,
    clerk: User | AnonymousUser | None = None,
    kiosk: Kiosk | None = None,
) -> int:
    """Log the same access to ``customer`` by several shops (``{id: name}``), one insert."""
    now = timezone.now()
    kind, actor = _actor(clerk=clerk, kiosk=kiosk)
    if not shops:
        return 0
    # Plain SQL, each shared value prepared once: a sighting logs its new cards here, and
    # ``bulk_create``'s per-object work was most of that cost (cProfile, bench/sighting.py).
    names = ("at", "action", "actor_kind", "clerk", "actor", "customer", "customer_code")
    shared = [
        concrete_field(AccessLog, name).get_db_prep_save(value, connection)
        for name, value in zip(
            names,
            (
                now,
                action,
                kind,
                clerk.pk if clerk is not None and kind == ActorKind.CLERK else None,
                actor,
                customer.pk,
                customer.code,
            ),
            strict=True,
        )
    ]
    quote = connection.ops.quote_name
    columns = [concrete_field(AccessLog, name).column for name in ("shop", "shop_name", *names)]
    row = f"({', '.join(['%s'] * len(columns))})"
    params: list[Any] = []
    for shop_id, name in sorted(shops.items()):
        params += [shop_id, name, *shared]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(AccessLog._meta.db_table)}"
            f" ({', '.join(quote(c) for c in columns)}) VALUES {', '.join([row] * len(shops))}",
            params,
        )
    return len(shops)


def access_log_snapshot(
    *, shop: Shop, clerk: User | AnonymousUser | None, codes: Sequence[str]
) -> int:
    """A clerk opened a screen or dashboard of ``shop``: every card it listed is a look."""
    if not codes:
        return 0
    customers = {c.code: c for c in Customer.objects.filter(code__in=list(codes))}
    now = timezone.now()
    kind, actor = _actor(clerk=clerk, kiosk=None)
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                at=now,
                action=AccessAction.SNAPSHOT,
                shop_id=shop.pk,
                shop_name=shop.name,
                actor_kind=kind,
                clerk=clerk if isinstance(clerk, User) else None,  # signed in: ActorKind.CLERK
                actor=actor,
                customer=customers.get(code),
                customer_code=code[:32],
                customer_gone_at=None if code in customers else now,
            )
            for code in dict.fromkeys(codes)
        ]
    )
    return len(codes)


def _actor(*, clerk: User | AnonymousUser | None, kiosk: Kiosk | None) -> tuple[str, str]:
    if clerk is not None and getattr(clerk, "is_authenticated", False):
        return ActorKind.CLERK, clerk.get_username()[:150]
    if kiosk is not None:
        return ActorKind.KIOSK, kiosk.name[:150]
    return ActorKind.SHOPPER, "the shopper"


def access_log_purge(*, now: datetime) -> int:
    """Delete the access log of shoppers gone more than ``ACCESS_LOG_DAYS`` ago. Rows whose
    shopper vanished without ``customer_erasure_record`` start their clock now."""
    AccessLog.objects.filter(customer__isnull=True, customer_gone_at__isnull=True).update(
        customer_gone_at=now
    )
    cutoff = now - timedelta(days=settings.ACCESS_LOG_DAYS)
    deleted, _ = AccessLog.objects.filter(customer_gone_at__lte=cutoff).delete()
    return deleted
