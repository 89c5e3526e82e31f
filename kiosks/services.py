"""Writes of kiosks: creating them, and the presences they report (where a shopper was seen,
when they left). The shopper's own row (last kiosk, out of range) is ``customers.services``'s;
matching, cards and counters of a sighting are ``workflows.sightings``'s."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import connection

from core.columns import concrete_field
from core.errors import DomainError
from kiosks.models import Kiosk, Presence, checkin_code_new
from kiosks.selectors import KEY_PREFIX_LENGTH, key_hash
from mall.models import Shop

if TYPE_CHECKING:
    from customers.models import Customer

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


def sighting_record(
    *, kiosk: Kiosk, customer: Customer, radio: bool, now: datetime
) -> tuple[int, float, float]:
    """Record that ``kiosk`` saw ``customer`` at ``now``; returns the kiosk's position.

    ``radio``: the kiosk's radio has the shopper's handheld in range (it will report the
    departure). A phone's check-in or a registration at the entrance page is no radio
    contact: no presence is kept, and ``DEPARTURE_GRACE`` runs from this sighting. The
    shopper's row is ``customers.services.customer_seen``'s.
    """
    if radio:
        # One upsert: ``update_or_create`` took a SELECT, an INSERT or UPDATE and two
        # savepoints, on the hottest write of the system. ``arrived_at`` is only set on
        # insert. Plain SQL, the value prepared by its field as the ORM would: building
        # ``bulk_create``'s statement cost more than running it (cProfile,
        # ``bench/sighting.py --profile shared``).
        seen = concrete_field(Presence, "last_seen_at").get_db_prep_save(now, connection)
        with connection.cursor() as cursor:
            cursor.execute(_presence_upsert_sql(), [kiosk.pk, customer.pk, seen, seen])
    # The kiosk's own last_seen_at only says it is alive (admin): once a minute is enough,
    # not a write on every sighting.
    if kiosk.last_seen_at is None or now - kiosk.last_seen_at >= KIOSK_SEEN_EVERY:
        Kiosk.objects.filter(pk=kiosk.pk).update(last_seen_at=now)
        kiosk.last_seen_at = now
    return kiosk.position


@functools.cache
def _presence_upsert_sql() -> str:
    quote = connection.ops.quote_name
    kiosk, customer, seen, arrived = (
        quote(concrete_field(Presence, name).column)
        for name in ("kiosk", "customer", "last_seen_at", "arrived_at")
    )
    return (
        f"INSERT INTO {quote(Presence._meta.db_table)} ({kiosk}, {customer}, {seen}, {arrived})"
        f" VALUES (%s, %s, %s, %s) ON CONFLICT ({kiosk}, {customer})"
        f" DO UPDATE SET {seen} = EXCLUDED.{seen}"
    )


def presences_end(*, customer: Customer) -> None:
    """The shopper says they are leaving: no kiosk has them in range any more."""
    Presence.objects.filter(customer=customer).delete()


def departure_record(*, kiosk: Kiosk, customer: Customer) -> bool:
    """``kiosk`` lost ``customer``'s handheld. Returns whether no kiosk has it in range now
    (then the clock of ``DEPARTURE_GRACE`` starts: ``customers.services.customer_out_of_range``)."""
    Presence.objects.filter(kiosk=kiosk, customer=customer).delete()
    return not Presence.objects.filter(customer=customer).exists()
