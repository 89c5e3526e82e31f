"""A sighting and what ends one: a kiosk (or a phone's check-in, or a registration at a
kiosk) sees a shopper, who is matched, carded and counted; a shopper leaves or is lost.

Each is one transaction: the presence, the cards and the counters together, the pushes on
commit (``matching.realtime.push``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import NotFound
from customers.models import Customer
from customers.selectors import customer_by_token, customers_departed
from customers.services import DesireInput, Registration, customer_out_of_range, customer_seen
from kiosks.models import Kiosk
from kiosks.selectors import kiosk_by_checkin_code
from kiosks.services import departure_record, presences_end, sighting_record
from matching.engine import Position
from reports.services import footfall_count
from workflows.cards import cards_refresh
from workflows.shoppers import customer_delete, customer_register


def customer_sight(
    *, kiosk: Kiosk, customer: Customer, radio: bool = True, checkin: bool = False
) -> dict[str, Any]:
    """A kiosk saw ``customer``: record where, match, show cards, answer the ranked list.

    ``radio``: the kiosk's radio has the shopper's handheld in range (see
    ``kiosks.services.sighting_record``). ``checkin``: a phone checked in with the kiosk's
    code (counted as such too).
    """
    now = timezone.now()
    with transaction.atomic():
        floor, x, y = sighting_record(kiosk=kiosk, customer=customer, radio=radio, now=now)
        customer_seen(customer=customer, kiosk=kiosk, now=now)
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


def token_sight(*, kiosk: Kiosk, token: str) -> dict[str, Any]:
    """A kiosk saw the handheld holding ``token`` (``NotFound`` for an unknown one)."""
    # The sighting sets a new last kiosk: the old one need not be read.
    customer = customer_by_token(token, with_last_kiosk=False)
    return customer_sight(kiosk=kiosk, customer=customer)


def token_depart(*, kiosk: Kiosk, token: str) -> None:
    """A kiosk lost the handheld holding ``token``. An already-erased shopper has departed
    for good: nothing to do, and a retried departure from a kiosk's queue must not fail
    forever."""
    try:
        customer = customer_by_token(token, with_last_kiosk=False)  # only who, not where
    except NotFound:
        return
    customer_depart(kiosk=kiosk, customer=customer)


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
        presences_end(customer=customer)
        customer_out_of_range(customer=customer, now=now)
        if customer.last_kiosk_id is not None:  # a departure, counted where last seen
            footfall_count(kiosk_id=customer.last_kiosk_id, departures=1, now=now)
        cards_refresh(customer=customer, at=None)


def customer_depart(*, kiosk: Kiosk, customer: Customer) -> None:
    """A kiosk lost ``customer``'s handheld. Out of range of every kiosk starts the clock
    of ``DEPARTURE_GRACE``; ``purge`` erases them when it runs out."""
    now = timezone.now()
    with transaction.atomic():
        if departure_record(kiosk=kiosk, customer=customer):
            customer_out_of_range(customer=customer, now=now, since_unset=True)
        footfall_count(kiosk_id=kiosk.pk, departures=1, now=now)


def customers_departed_purge(*, now: datetime, grace_seconds: int) -> int:
    """Erase the shoppers gone longer than the grace period (``customers_departed``)."""
    gone = customers_departed(now=now, grace_seconds=grace_seconds)
    for customer in gone:
        customer_delete(customer=customer)
    return len(gone)
