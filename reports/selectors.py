"""Reads of the reports: the series and tables behind each chart, for mall staff (every
shop) and for one shop's clerks (``shop_id``).

Every function takes the first day of the period (``since``, inclusive) and reads to
today; days with nothing are listed with zeros, so a bar chart has every day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Max, Sum
from django.utils import timezone

from customers.models import Customer
from kiosks.models import Kiosk
from mall.models import Shop
from matching.models import ItemTerm
from reports.models import (
    CARD_FUNNEL,
    DWELL_BUCKETS,
    HOLD_FUNNEL,
    AccessLog,
    ActorKind,
    ConversionDay,
    ConversionEvent,
    DemandSource,
    DwellDay,
    FootfallHour,
    UnmetDemand,
)


def period_days(*, since: date, until: date | None = None) -> list[date]:
    """Every day from ``since`` to ``until`` (today by default), both included."""
    until = until or timezone.localdate()
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


# Unmet demand -------------------------------------------------------------------------


def demand_unmet_days(*, since: date) -> list[tuple[date, int, int]]:
    """Per day: (day, wants that found nothing, searches that found nothing)."""
    totals: dict[tuple[date, str], int] = {
        (row["day"], row["source"]): row["n"]
        for row in UnmetDemand.objects.filter(day__gte=since)
        .values("day", "source")
        .annotate(n=Sum("count"))
    }
    return [
        (day, totals.get((day, DemandSource.WANT), 0), totals.get((day, DemandSource.SEARCH), 0))
        for day in period_days(since=since)
    ]


@dataclass(frozen=True)
class UnmetWant:
    want: str
    #: Times recorded as a want / searched for, in the period.
    wants: int
    searches: int
    #: Of those, how many found only similar items.
    similar_only: int
    last_day: date
    #: For a shop: the words the want shares with the shop's goods.
    near: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.wants + self.searches


def demand_unmet_top(
    *, since: date, limit: int = 20, shop_id: int | None = None
) -> list[UnmetWant]:
    """The wants no shop could serve, most asked first. With ``shop_id``: only those near
    the shop's goods (sharing a word with the index terms of its stock)."""
    by_want: dict[str, dict[str, Any]] = {}
    for row in UnmetDemand.objects.filter(day__gte=since).values(
        "want", "words", "source", "similar_only", "count", "day"
    ):
        entry = by_want.setdefault(
            row["want"],
            {"wants": 0, "searches": 0, "similar_only": 0, "last_day": row["day"], "words": set()},
        )
        entry["wants" if row["source"] == DemandSource.WANT else "searches"] += row["count"]
        entry["similar_only"] += row["count"] if row["similar_only"] else 0
        entry["last_day"] = max(entry["last_day"], row["day"])
        entry["words"].update(row["words"].split() or row["want"].split())
    shop_words = shop_terms(shop_id=shop_id) if shop_id is not None else None
    found = []
    for want, entry in by_want.items():
        near: tuple[str, ...] = ()
        if shop_words is not None:
            near = tuple(sorted(entry["words"] & shop_words))
            if not near:
                continue
        found.append(
            UnmetWant(
                want=want,
                wants=entry["wants"],
                searches=entry["searches"],
                similar_only=entry["similar_only"],
                last_day=entry["last_day"],
                near=near,
            )
        )
    found.sort(key=lambda w: (-w.total, -w.last_day.toordinal(), w.want))
    return found[:limit]


def shop_demand_near(*, shop_id: int, days: int = 14, limit: int = 5) -> list[UnmetWant]:
    """The dashboard's short list: unmet wants near a shop's goods in the last ``days``."""
    since = timezone.localdate() - timedelta(days=days - 1)
    return demand_unmet_top(since=since, shop_id=shop_id, limit=limit)


def shop_terms(*, shop_id: int) -> set[str]:
    """The index terms of a shop's stock (the words matching reads its items by)."""
    return set(
        ItemTerm.objects.filter(item__shop_id=shop_id)
        .values_list("term__word", flat=True)
        .distinct()
    )


# Conversion ---------------------------------------------------------------------------


def conversion_totals(*, since: date, shop_id: int | None = None) -> dict[str, int]:
    """Each ``ConversionEvent`` counted in the period (0 for none)."""
    rows = ConversionDay.objects.filter(day__gte=since)
    if shop_id is not None:
        rows = rows.filter(shop_id=shop_id)
    totals = dict(rows.values("event").annotate(n=Sum("count")).values_list("event", "n"))
    return {event: totals.get(event, 0) for event in ConversionEvent.values}


def funnel_steps(totals: dict[str, int], events: tuple[str, ...]) -> list[tuple[str, int]]:
    return [(ConversionEvent(event).label, totals[event]) for event in events]


def card_funnel(*, since: date, shop_id: int | None = None) -> list[tuple[str, int]]:
    return funnel_steps(conversion_totals(since=since, shop_id=shop_id), CARD_FUNNEL)


def hold_funnel(*, since: date, shop_id: int | None = None) -> list[tuple[str, int]]:
    return funnel_steps(conversion_totals(since=since, shop_id=shop_id), HOLD_FUNNEL)


def conversion_days(
    *, since: date, shop_id: int | None = None
) -> list[tuple[date, dict[str, int]]]:
    """Per day, each event's count."""
    rows = ConversionDay.objects.filter(day__gte=since)
    if shop_id is not None:
        rows = rows.filter(shop_id=shop_id)
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for day, event, n in (
        rows.values("day", "event").annotate(n=Sum("count")).values_list("day", "event", "n")
    ):
        counts[day][event] = n
    return [
        (day, {event: counts[day].get(event, 0) for event in ConversionEvent.values})
        for day in period_days(since=since)
    ]


def conversion_by_shop(*, since: date) -> list[tuple[Shop, dict[str, int]]]:
    """Each shop with its counts in the period (shops with none included)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for shop_id, event, n in (
        ConversionDay.objects.filter(day__gte=since)
        .values("shop_id", "event")
        .annotate(n=Sum("count"))
        .values_list("shop_id", "event", "n")
    ):
        counts[shop_id][event] = n
    return [
        (shop, {event: counts[shop.pk].get(event, 0) for event in ConversionEvent.values})
        for shop in Shop.objects.all()
    ]


# Footfall -----------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def footfall_heat(*, since: date) -> list[tuple[str, list[int]]]:
    """Per kiosk, sightings per hour of the day (local time) summed over the period."""
    start = _day_start(since)
    by_kiosk: dict[int, list[int]] = defaultdict(lambda: [0] * 24)
    for kiosk_id, hour, n in FootfallHour.objects.filter(hour__gte=start).values_list(
        "kiosk_id", "hour", "sightings"
    ):
        by_kiosk[kiosk_id][timezone.localtime(hour).hour] += n
    names = dict(Kiosk.objects.filter(pk__in=list(by_kiosk)).values_list("pk", "name"))
    return sorted(((names.get(k, "?"), hours) for k, hours in by_kiosk.items()), key=lambda r: r[0])


def footfall_days(*, since: date) -> list[tuple[date, int, int, int]]:
    """Per day: (day, sightings, check-ins, departures) at every kiosk."""
    start = _day_start(since)
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for hour, s, c, d in FootfallHour.objects.filter(hour__gte=start).values_list(
        "hour", "sightings", "checkins", "departures"
    ):
        day = timezone.localtime(hour).date()
        totals[day][0] += s
        totals[day][1] += c
        totals[day][2] += d
    rows = []
    for day in period_days(since=since):
        sightings, checkins, departures = totals.get(day, [0, 0, 0])
        rows.append((day, sightings, checkins, departures))
    return rows


def dwell_label(minutes_from: int) -> str:
    bounds = list(DWELL_BUCKETS)
    index = bounds.index(minutes_from)
    if index + 1 < len(bounds):
        return f"{minutes_from}-{bounds[index + 1]}"
    return f"{minutes_from}+"


def dwell_distribution(*, since: date) -> list[tuple[str, int]]:
    """How many shoppers stayed how long (first to last sighting), per bucket."""
    counts = dict(
        DwellDay.objects.filter(day__gte=since)
        .values("minutes_from")
        .annotate(n=Sum("count"))
        .values_list("minutes_from", "n")
    )
    return [(dwell_label(bound), counts.get(bound, 0)) for bound in DWELL_BUCKETS]


# Access log ---------------------------------------------------------------------------


def access_looked_at_by(*, customer: Customer) -> list[dict[str, Any]]:
    """The shops that looked at ``customer`` (the shopper's own shares left out): how many
    times and when last, most recent first."""
    rows = (
        AccessLog.objects.filter(customer_id=customer.pk)
        .exclude(actor_kind=ActorKind.SHOPPER)
        .values("shop_name", "shop__slug")
        .annotate(times=Count("pk"), last_at=Max("at"))
        .order_by("-last_at")
    )
    return [
        {
            "shop": row["shop__slug"],
            "name": row["shop_name"],
            "times": row["times"],
            "last_at": row["last_at"],
        }
        for row in rows
    ]
