"""Writes of kiosks: creating them, and what they report (sightings and departures)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import DomainError
from customers.models import Customer
from customers.services import DesireInput, Registration, customer_delete, customer_register
from kiosks.models import Kiosk, Presence, checkin_code_new
from kiosks.selectors import KEY_PREFIX_LENGTH, key_hash, kiosk_by_checkin_code
from mall.models import Shop
from matching.engine import Position
from matching.services import cards_refresh
from reports.services import footfall_count

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


def kiosk_checkin_renew(*, kiosk: Kiosk) -> str:
    """Give ``kiosk`` a new check-in code: printed posters of the old one stop working."""
    kiosk.checkin_code = checkin_code_new()
    Kiosk.objects.filter(pk=kiosk.pk).update(checkin_code=kiosk.checkin_code)
    return kiosk.checkin_code


def customer_sight(
    *, kiosk: Kiosk, customer: Customer, radio: bool = True, checkin: bool = False
) -> dict[str, Any]:
    """A kiosk saw ``customer``: record where, match, show cards, answer the ranked list.

    ``radio``: the kiosk's radio has the shopper's handheld in range (it will report the
    departure). A phone's check-in or a registration at the entrance page is no radio
    contact: no presence is kept, and ``DEPARTURE_GRACE`` runs from this sighting.
    ``checkin``: a phone checked in with the kiosk's code (counted as such too).
    """
    now = timezone.now()
    with transaction.atomic():
        if radio:
            # One upsert: ``update_or_create`` took a SELECT, an INSERT or UPDATE and two
            # savepoints, on the hottest write of the system. ``arrived_at`` is only set on
            # insert.
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
            last_kiosk=kiosk,
            last_seen_at=now,
            out_of_range_since=None,
            first_seen_at=Coalesce("first_seen_at", Value(now)),  # dwell, counted at erasure
        )
        customer.first_seen_at = customer.first_seen_at or now
        # The kiosk's own last_seen_at only says it is alive (admin): once a minute is enough,
        # not a write on every sighting.
        if kiosk.last_seen_at is None or now - kiosk.last_seen_at >= KIOSK_SEEN_EVERY:
            Kiosk.objects.filter(pk=kiosk.pk).update(last_seen_at=now)
            kiosk.last_seen_at = now
        floor, x, y = kiosk.position
        results = cards_refresh(customer=customer, at=Position(floor, x, y))
        # Last, in the sighting's own transaction: no commit of its own (on PostgreSQL a
        # second commit cost more than the write), and the hour's row, shared by every
        # sighting at the kiosk, stays locked only while the transaction commits.
        footfall_count(kiosk_id=kiosk.pk, sightings=1, checkins=int(checkin), now=now)
    return {
        "customer": customer.code,
        "at": {"kiosk": kiosk.name, "floor": floor, "x": x, "y": y},
        "results": results,
    }


def customer_checkin(*, code: str, customer: Customer) -> dict[str, Any]:
    """A phone opened a kiosk's check-in code: a sighting there (``NotFound`` for an unknown
    or renewed code)."""
    kiosk = kiosk_by_checkin_code(code)
    return customer_sight(kiosk=kiosk, customer=customer, radio=False, checkin=True)


@dataclass(frozen=True)
class RegistrationAt:
    registration: Registration
    #: The sighting answer at the kiosk (``customer_sight``).
    answer: dict[str, Any]


def customer_register_at(
    *,
    kiosk: Kiosk,
    radio: bool,
    desires: list[DesireInput],
    payment_method: str,
    ranking: str,
    consent: bool,
    face_jpeg: bytes | None = None,
) -> RegistrationAt:
    """Register a shopper at ``kiosk`` (the entrance page, a handheld through the kiosk, a
    phone from a check-in page): it is also a sighting there, so the answer holds the list.
    """
    registration = customer_register(
        desires=desires,
        payment_method=payment_method,
        ranking=ranking,
        consent=consent,
        face_jpeg=face_jpeg,
    )
    answer = customer_sight(kiosk=kiosk, customer=registration.customer, radio=radio)
    return RegistrationAt(registration=registration, answer=answer)


def customer_leave(*, customer: Customer) -> None:
    """The shopper says they are leaving (the phone page): out of range of every kiosk
    from now, cards withdrawn; ``purge`` erases them after ``DEPARTURE_GRACE`` unless they
    are sighted or check in again."""
    now = timezone.now()
    with transaction.atomic():
        Presence.objects.filter(customer=customer).delete()
        Customer.objects.filter(pk=customer.pk).update(out_of_range_since=now)
        if customer.last_kiosk_id is not None:  # a departure, counted where last seen
            footfall_count(kiosk_id=customer.last_kiosk_id, departures=1, now=now)
        customer.out_of_range_since = now
        cards_refresh(customer=customer, at=None)


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
        footfall_count(kiosk_id=kiosk.pk, departures=1, now=now)


def customers_departed_purge(*, now: datetime, grace_seconds: int) -> int:
    """Erase shoppers out of range of every kiosk for longer than the grace period, and
    shoppers without a handheld in range (phones) whose last sighting or check-in is older
    than that."""
    cutoff = now - timedelta(seconds=grace_seconds)
    out_of_range = Customer.objects.filter(out_of_range_since__lte=cutoff)
    phones = Customer.objects.filter(
        out_of_range_since__isnull=True, last_seen_at__lte=cutoff, presences__isnull=True
    )
    gone = list((out_of_range | phones).distinct())
    for customer in gone:
        customer_delete(customer=customer)
    return len(gone)
