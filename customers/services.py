"""Writes of shoppers: registration, changes, sharing, requests, and every erasure."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.columns import concrete_field
from core.errors import DomainError, NotFound
from customers.faces import face_image_clean
from customers.models import Customer, DesiredProduct, ShopRequest
from customers.pairing import paired_sessions_delete
from customers.selectors import token_hash
from kiosks.models import Kiosk
from mall.selectors import retention_current

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a till
#: 32**10, about 1.1e15 codes: guessing is hopeless at the look-up limit (README, "Trust").
CODE_LENGTH = 10


#: Called with a shopper's new wants (not yet stored) and the ones they replace: the
#: workflow that records them has them matched and counted (``workflows.shoppers``).
WantsPrepare = Callable[[list[DesiredProduct], list[DesiredProduct]], None]


@dataclass(frozen=True)
class DesireInput:
    name: str
    keywords: list[str]
    level: int


@dataclass(frozen=True)
class Registration:
    customer: Customer
    #: The bearer secret, shown once; only its hash is stored.
    token: str


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _desires_create(
    *,
    customer: Customer,
    desires: list[DesireInput],
    now: datetime,
    before: list[DesiredProduct] | None = None,
    prepare: WantsPrepare | None = None,
) -> None:
    expires_at = now + timedelta(days=retention_current().desire_days)
    rows = [
        DesiredProduct(
            customer=customer,
            name=d.name,
            keywords=d.keywords,
            level=d.level,
            expires_at=expires_at,
        )
        for d in desires
    ]
    if prepare is not None:
        prepare(rows, before or [])
    DesiredProduct.objects.bulk_create(rows)


def customer_register(
    *,
    desires: list[DesireInput],
    payment_method: str,
    ranking: str,
    consent: bool,
    face_jpeg: bytes | None = None,
    prepare: WantsPrepare | None = None,
) -> Registration:
    """Register a shopper with their wants (and a photo, only with consent). ``prepare``
    sees the new wants before they are stored (see ``WantsPrepare``)."""
    if not desires:
        raise DomainError("Enter at least one wanted product.", code="no_desires")
    if face_jpeg is not None and not consent:
        raise DomainError("A photo is only kept with explicit consent.", code="consent_required")
    face = face_image_clean(face_jpeg) if face_jpeg is not None else None
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    storage = Customer._meta.get_field("face_image").storage
    # The file goes first; if the rows then fail, it is deleted again (no orphan photo).
    face_name = storage.save(f"faces/{face.name}", face) if face is not None else ""
    try:
        customer = _customer_create(
            token=token,
            payment_method=payment_method,
            ranking=ranking,
            consent=consent,
            face_name=face_name,
            desires=desires,
            now=now,
            prepare=prepare,
        )
    except BaseException:
        if face_name:
            storage.delete(face_name)
        raise
    return Registration(customer=customer, token=token)


def _customer_create(
    *,
    token: str,
    payment_method: str,
    ranking: str,
    consent: bool,
    face_name: str,
    desires: list[DesireInput],
    now: datetime,
    prepare: WantsPrepare | None,
) -> Customer:
    for _ in range(10):
        try:
            with transaction.atomic():
                customer = Customer.objects.create(
                    code=_new_code(),
                    token_hash=token_hash(token),
                    payment_method=payment_method,
                    ranking=ranking,
                    face_image=face_name,
                    consent_at=now if consent else None,
                    expires_at=now + timedelta(days=retention_current().customer_days),
                )
                _desires_create(customer=customer, desires=desires, now=now, prepare=prepare)
                return customer
        except IntegrityError:
            continue  # the code was taken meanwhile: draw another
    raise DomainError("Could not allocate a customer code; try again.", code="busy")


def customer_update(
    *,
    customer: Customer,
    desires: list[DesireInput] | None = None,
    ranking: str | None = None,
    payment_method: str | None = None,
    prepare: WantsPrepare | None = None,
) -> None:
    """Replace the wants and/or preferences of ``customer``. An empty ``desires`` cancels
    them all: the shopper stays until departure or expiry."""
    now = timezone.now()
    with transaction.atomic():
        if desires is not None:
            # An empty list cancels every want (S38): the shopper stays, their cards go.
            before = list(customer.desires.all())
            customer.desires.all().delete()
            _desires_create(
                customer=customer, desires=desires, now=now, before=before, prepare=prepare
            )
        if ranking is not None:
            customer.ranking = ranking
        if payment_method is not None:
            customer.payment_method = payment_method
        customer.expires_at = now + timedelta(days=retention_current().customer_days)
        customer.save()


def customer_seen(*, customer: Customer, kiosk: Kiosk, now: datetime) -> None:
    """``kiosk`` saw ``customer`` at ``now`` (a sighting, a check-in, a registration there):
    their last kiosk, in range again, and the first sighting kept for the dwell."""
    customer.last_kiosk = kiosk
    customer.last_seen_at = now
    customer.out_of_range_since = None
    # Plain SQL, the time prepared by its field as the ORM would: every sighting writes
    # this row, and building the ORM's UPDATE cost more than running it (cProfile,
    # ``bench/sighting.py --profile shared``). ``first_seen_at`` is kept once set (dwell,
    # counted at erasure).
    seen = concrete_field(Customer, "last_seen_at").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(_customer_seen_sql(), [kiosk.pk, seen, seen, customer.pk])
    customer.first_seen_at = customer.first_seen_at or now


@functools.cache
def _customer_seen_sql() -> str:
    quote = connection.ops.quote_name
    kiosk, seen, out, first, pk = (
        quote(concrete_field(Customer, name).column)
        for name in ("last_kiosk", "last_seen_at", "out_of_range_since", "first_seen_at", "id")
    )
    return (
        f"UPDATE {quote(Customer._meta.db_table)} SET {kiosk} = %s, {seen} = %s,"
        f" {out} = NULL, {first} = COALESCE({first}, %s) WHERE {pk} = %s"
    )


def customer_out_of_range(*, customer: Customer, now: datetime, since_unset: bool = False) -> None:
    """``customer`` is out of range of every kiosk from ``now``: the clock of
    ``DEPARTURE_GRACE`` starts. ``since_unset``: only if the clock is not running already
    (a departure; leaving restarts it)."""
    rows = Customer.objects.filter(pk=customer.pk)
    if since_unset:
        rows = rows.filter(out_of_range_since__isnull=True)
    if rows.update(out_of_range_since=now) or not since_unset:
        customer.out_of_range_since = now


def shop_request_payload(request: ShopRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "customer": request.customer.code,
        "shop": request.shop.slug,
        "text": request.text,
        "reply": request.reply,
        "created_at": request.created_at.isoformat(),
        "replied_at": request.replied_at.isoformat() if request.replied_at else None,
    }


def desire_note_set(*, customer: Customer, desire_id: int, note: str) -> DesiredProduct:
    """A shop with access notes something on a want (e.g. "one kept for you")."""
    desire = customer.desires.filter(pk=desire_id).first()
    if desire is None:
        raise NotFound("No such wanted product for this shopper.")
    desire.note = note.strip()[:200]
    desire.save(update_fields=["note"])
    return desire


def customer_erase(*, customer: Customer) -> None:
    """Delete the shopper's rows, paired sessions and face file (after commit: a rolled-back
    erasure must not lose the photo of a kept row). The rest of an erasure (cards, holds,
    counters, the phone told) is ``workflows.shoppers.customer_delete``'s."""
    name = customer.face_image.name if customer.face_image else ""
    storage = customer.face_image.storage
    paired_sessions_delete(customer=customer)
    customer.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
