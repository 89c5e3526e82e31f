"""Writes of kiosks: creating them, and what they report (sightings and departures)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from customers.services import customer_delete
from kiosks.models import Kiosk, Presence
from kiosks.selectors import KEY_PREFIX_LENGTH, key_hash
from mall.errors import DomainError
from mall.models import Shop
from matching.engine import Position
from matching.services import cards_refresh

#: How stale a kiosk's ``last_seen_at`` may get before a sighting writes it again.
KIOSK_SEEN_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class KioskKey:
    kiosk: Kiosk
    #: The API key, shown once; only its hash is stored.
    key: str


def kiosk_create(
    *,
    name: str,
    shop: Shop | None = None,
    floor: int | None = None,
    x: float | None = None,
    y: float | None = None,
) -> KioskKey:
    """A kiosk in ``shop``, or standing on its own at (floor, x, y), with a new API key."""
    if shop is None and None in (floor, x, y):
        raise DomainError("A kiosk needs a shop or a position (floor, x, y).", code="no_position")
    if Kiosk.objects.filter(name=name).exists():
        raise DomainError(f"A kiosk named {name!r} exists already.", code="duplicate")
    prefix, key = _new_key()
    kiosk = Kiosk.objects.create(
        name=name,
        shop=shop,
        floor=None if shop else floor,
        x=None if shop else x,
        y=None if shop else y,
        key_prefix=prefix,
        key_hash=key_hash(key),
    )
    return KioskKey(kiosk=kiosk, key=key)


def kiosk_key_rotate(*, kiosk: Kiosk) -> KioskKey:
    """Give ``kiosk`` a new API key (the old one stops working at once); shown once."""
    prefix, key = _new_key()
    Kiosk.objects.filter(pk=kiosk.pk).update(key_prefix=prefix, key_hash=key_hash(key))
    kiosk.key_prefix, kiosk.key_hash = prefix, key_hash(key)
    return KioskKey(kiosk=kiosk, key=key)


def kiosks_revoke(*, kiosk_ids: list[int]) -> int:
    """Stop kiosks' keys from working (a stolen or retired machine). Returns the count."""
    return Kiosk.objects.filter(pk__in=kiosk_ids, is_active=True).update(is_active=False)


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


def customer_sight(*, kiosk: Kiosk, customer: Customer) -> dict[str, Any]:
    """A kiosk saw ``customer``: record where, match, show cards, answer the ranked list."""
    now = timezone.now()
    with transaction.atomic():
        # One upsert: ``update_or_create`` took a SELECT, an INSERT or UPDATE and two
        # savepoints, on the hottest write of the system. ``arrived_at`` is only set on insert.
        Presence.objects.bulk_create(
            [Presence(kiosk=kiosk, customer=customer, last_seen_at=now)],
            update_conflicts=True,
            unique_fields=["kiosk", "customer"],
            update_fields=["last_seen_at"],
        )
        customer.last_kiosk = kiosk
        customer.last_seen_at = now
        customer.out_of_range_since = None
        Customer.objects.filter(pk=customer.pk).update(
            last_kiosk=kiosk, last_seen_at=now, out_of_range_since=None
        )
        # The kiosk's own last_seen_at only says it is alive (admin): once a minute is enough,
        # not a write on every sighting.
        if kiosk.last_seen_at is None or now - kiosk.last_seen_at >= KIOSK_SEEN_EVERY:
            Kiosk.objects.filter(pk=kiosk.pk).update(last_seen_at=now)
            kiosk.last_seen_at = now
        floor, x, y = kiosk.position
        results = cards_refresh(customer=customer, at=Position(floor, x, y))
    return {
        "customer": customer.code,
        "at": {"kiosk": kiosk.name, "floor": floor, "x": x, "y": y},
        "results": results,
    }


def customer_depart(*, kiosk: Kiosk, customer: Customer) -> None:
    """A kiosk lost ``customer``'s handheld. Out of range of every kiosk starts the clock
    of ``DEPARTURE_GRACE``; ``purge`` erases them when it runs out."""
    now = timezone.now()
    with transaction.atomic():
        Presence.objects.filter(kiosk=kiosk, customer=customer).delete()
        if not Presence.objects.filter(customer=customer).exists():
            Customer.objects.filter(pk=customer.pk, out_of_range_since__isnull=True).update(
                out_of_range_since=now
            )


def customers_departed_purge(*, now: datetime, grace_seconds: int) -> int:
    """Erase shoppers out of range of every kiosk for longer than the grace period."""
    cutoff = now - timedelta(seconds=grace_seconds)
    gone = list(Customer.objects.filter(out_of_range_since__lte=cutoff))
    for customer in gone:
        customer_delete(customer=customer)
    return len(gone)
