"""Two weeks of made-up history for the demo mall (``manage.py demo``), so that a new user
opens the reports on charts with a shape; today's numbers come from the virtual mall's
shoppers walking past the kiosks, through the real counters."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from django.utils import timezone

from kiosks.models import Kiosk
from mall.models import Shop
from matching import engine
from reports.models import (
    DWELL_BUCKETS,
    ConversionDay,
    ConversionEvent,
    DemandSource,
    DwellDay,
    FootfallHour,
    UnmetDemand,
)

#: What the demo's shoppers look for and no demo shop sells; many share a word with a
#: shop's goods (dance *shoes*, *gaming* laptop), so each shop has wants near its own.
MISSING = (
    "dance shoes",
    "ski boots",
    "wedding dress",
    "gaming laptop",
    "record player",
    "ukulele",
    "espresso machine",
    "waffle iron",
    "camping tent",
    "chess set",
    "fountain pen",
    "umbrella",
    "phone case",
    "ice skates",
    "baby stroller",
    "silk tie",
)
#: Shop opening hours, and the hours when most shoppers come.
OPEN_HOURS = range(9, 21)
PEAKS = {12: 1.6, 13: 1.8, 17: 1.5, 18: 1.7}


def demo_history_fill(*, shops: Sequence[Shop], kiosks: Sequence[Kiosk], days: int = 13) -> bool:
    """Fill the ``days`` days before today with plausible counts (seeded: the same every
    run). Does nothing if the reports already hold anything before today; returns whether
    it filled."""
    today = timezone.localdate()
    if (
        ConversionDay.objects.filter(day__lt=today).exists()
        or UnmetDemand.objects.filter(day__lt=today).exists()
    ):
        return False
    rng = random.Random(2026)
    zone = timezone.get_current_timezone()
    demand, conversion, footfall, dwell = [], [], [], []
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        weekend = 1.5 if day.weekday() >= 5 else 1.0
        for want in rng.sample(MISSING, 8):
            words = " ".join(engine.words(want))
            demand.append(
                UnmetDemand(
                    day=day,
                    want=words,
                    words=words,
                    source=DemandSource.WANT,
                    count=rng.randint(1, 9),
                )
            )
            if rng.random() < 0.4:
                demand.append(
                    UnmetDemand(
                        day=day,
                        want=words,
                        words=words,
                        source=DemandSource.SEARCH,
                        count=rng.randint(1, 4),
                    )
                )
        for shop in shops:
            shown = int(rng.randint(15, 60) * weekend)
            taken = int(shown * rng.uniform(0.3, 0.6))
            sold = int(taken * rng.uniform(0.2, 0.5))
            held = rng.randint(0, 6)
            held_sold = rng.randint(0, held)
            counts = {
                ConversionEvent.CARD_SHOWN: shown,
                ConversionEvent.CARD_TAKEN: taken,
                ConversionEvent.SALE_WITH_CODE: sold,
                ConversionEvent.HOLD_MADE: held,
                ConversionEvent.HOLD_SOLD: held_sold,
                ConversionEvent.HOLD_EXPIRED: held - held_sold,
            }
            conversion += [
                ConversionDay(shop=shop, day=day, event=event, count=n)
                for event, n in counts.items()
                if n
            ]
        for kiosk in kiosks:
            busy = 3.0 if kiosk.shop_id is None else 1.0  # the entrance sees everyone
            for hour in OPEN_HOURS:
                sightings = int(rng.randint(2, 12) * busy * weekend * PEAKS.get(hour, 1.0))
                footfall.append(
                    FootfallHour(
                        kiosk=kiosk,
                        hour=datetime.combine(day, time(hour), tzinfo=zone),
                        sightings=sightings,
                        checkins=int(sightings * rng.uniform(0.05, 0.2)),
                        departures=int(sightings * rng.uniform(0.05, 0.15)),
                    )
                )
        shares = (8, 20, 30, 25, 15, 6, 2)
        dwell += [
            DwellDay(
                day=day, minutes_from=bound, count=int(share * weekend * rng.uniform(0.7, 1.3))
            )
            for bound, share in zip(DWELL_BUCKETS, shares, strict=True)
        ]
    UnmetDemand.objects.bulk_create(demand, ignore_conflicts=True)
    ConversionDay.objects.bulk_create(conversion, ignore_conflicts=True)
    FootfallHour.objects.bulk_create(footfall, ignore_conflicts=True)
    DwellDay.objects.bulk_create(dwell, ignore_conflicts=True)
    return True
