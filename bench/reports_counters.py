"""What the reports' counters add to a sighting: the same sightings with and without them,
interleaved in random order so that a busy machine slows both alike.

    .venv/bin/python bench/reports_counters.py            # a fresh SQLite file
    DATABASE_URL=postgres://.../empty_db .venv/bin/python bench/reports_counters.py

Loads the demo mall (10 shops, 360 items, 11 kiosks), registers ``--shoppers`` shoppers
with 3 of the demo's wants, sights each once, then times ``--rounds`` more sightings of
each at a random kiosk, once with the counters (``footfall_count``, the new-card count and
its access log rows) and once with them switched off, in random order.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import django_in, percentile  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shoppers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="mall-bench-")
    django_in(Path(work))
    from django.core.management import call_command

    import workflows.cards as cards
    import workflows.sightings as sighting
    from customers.models import Customer
    from customers.services import DesireInput
    from demo.services import demo_load
    from kiosks.models import Kiosk
    from workflows.shoppers import customer_register

    call_command("migrate", verbosity=0)
    demo = demo_load()
    rng = random.Random(1)
    kiosks = list(Kiosk.objects.all())
    shoppers = [
        customer_register(
            desires=[DesireInput(want, [], 3) for want in rng.sample(demo.products, 3)],
            payment_method="card",
            ranking="nearest",
            consent=False,
        ).customer.pk
        for _ in range(args.shoppers)
    ]
    counters = (sighting.footfall_count, cards.conversion_cards_shown)

    def switch(on: bool) -> None:
        if on:
            sighting.footfall_count, cards.conversion_cards_shown = counters
        else:
            sighting.footfall_count = lambda **kwargs: None
            cards.conversion_cards_shown = lambda **kwargs: 0

    def sight(pk: int) -> float:
        customer = Customer.objects.select_related("last_kiosk").get(pk=pk)
        kiosk = rng.choice(kiosks)
        start = time.perf_counter()
        sighting.customer_sight(kiosk=kiosk, customer=customer)
        return time.perf_counter() - start

    for pk in shoppers:
        sight(pk)  # every shopper has their cards: what follows are repeat sightings
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for pk in shoppers:
            for on in rng.sample([True, False], 2):
                switch(on)
                times[on].append(sight(pk))
    switch(True)
    for on, label in ((False, "without counters"), (True, "with counters")):
        ms = sorted(t * 1000 for t in times[on])
        print(
            f"{label}: n={len(ms)} p50 {statistics.median(ms):.2f} ms, "
            f"mean {statistics.mean(ms):.2f} ms, p90 {percentile(ms, 90):.2f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
