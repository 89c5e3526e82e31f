"""Writes of shoppers: registration, changes, sharing, requests, and every erasure."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError, NotFound
from customers.faces import face_image_clean
from customers.models import Customer, DesiredProduct, Share, ShopRequest
from customers.pairing import paired_sessions_delete
from customers.selectors import token_hash
from mall.models import Shop
from mall.selectors import retention_current
from matching import realtime
from matching import services as matching_services
from matching.engine import Position
from matching.services import cards_refresh, cards_withdraw_all, desires_found_set
from reports.services import customer_erasure_record, demand_record_unmet
from stock.models import Hold, StockItem
from stock.selectors import customer_alternatives_payload, customer_holds_payload

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a till
#: 32**10, about 1.1e15 codes: guessing is hopeless at the look-up limit (README, "Trust").
CODE_LENGTH = 10


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
    # The index is asked now, while the shopper is at the form, not at their first kiosk.
    desires_found_set(rows)
    demand_record_unmet(desires=rows, before=before or ())  # anonymous: what no shop has
    DesiredProduct.objects.bulk_create(rows)


def customer_register(
    *,
    desires: list[DesireInput],
    payment_method: str,
    ranking: str,
    consent: bool,
    face_jpeg: bytes | None = None,
) -> Registration:
    """Register a shopper with their wants (and a photo, only with consent)."""
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
                _desires_create(customer=customer, desires=desires, now=now)
                return customer
        except IntegrityError:
            continue  # the code was taken meanwhile: draw another
    raise DomainError("Could not allocate a customer code; try again.", code="busy")


def _position_of(customer: Customer) -> Position | None:
    kiosk = customer.last_kiosk
    if kiosk is None or customer.out_of_range_since is not None:
        return None
    floor, x, y = kiosk.position
    return Position(floor, x, y)


def customer_update(
    *,
    customer: Customer,
    desires: list[DesireInput] | None = None,
    ranking: str | None = None,
    payment_method: str | None = None,
) -> list[dict[str, Any]]:
    """Replace the wants and/or preferences of ``customer``; matching reruns. An empty
    ``desires`` cancels them all: the shopper stays until departure or expiry."""
    now = timezone.now()
    with transaction.atomic():
        if desires is not None:
            # An empty list cancels every want (S38): the shopper stays, their cards go.
            before = list(customer.desires.all())
            customer.desires.all().delete()
            _desires_create(customer=customer, desires=desires, now=now, before=before)
        if ranking is not None:
            customer.ranking = ranking
        if payment_method is not None:
            customer.payment_method = payment_method
        customer.expires_at = now + timedelta(days=retention_current().customer_days)
        customer.save()
        return cards_refresh(customer=customer, at=_position_of(customer))


def customer_refresh(*, customer: Customer) -> list[dict[str, Any]]:
    """Rerun matching for ``customer`` from where they were last seen."""
    return cards_refresh(customer=customer, at=_position_of(customer))


def customer_delete(*, customer: Customer) -> None:
    """Erase a shopper: cards withdrawn everywhere, rows deleted, face file deleted."""
    with transaction.atomic():
        _holds_release(customer=customer)
        cards_withdraw_all(customer=customer)
        customer_erasure_record(customer=customer)  # dwell time; the access log's clock
        realtime.push(realtime.customer_group(customer.pk), {"type": "me.erased"})
        name = customer.face_image.name if customer.face_image else ""
        storage = customer.face_image.storage
        paired_sessions_delete(customer=customer)
        customer.delete()
        if name:
            # After commit: a rolled-back erasure must not lose the photo of a kept row.
            transaction.on_commit(lambda: storage.delete(name))


def customers_expired_purge(*, now: datetime) -> tuple[int, int]:
    """Delete expired wants, then expired shoppers and shoppers left with no wants.

    Returns (wants deleted, shoppers deleted).
    """
    expired_desires = list(
        DesiredProduct.objects.filter(expires_at__lte=now).values_list("customer_id", flat=True)
    )
    wants_deleted, _ = DesiredProduct.objects.filter(expires_at__lte=now).delete()
    gone = Customer.objects.filter(expires_at__lte=now) | Customer.objects.filter(
        pk__in=set(expired_desires), desires__isnull=True
    )
    customers = list(gone.distinct())
    for customer in customers:
        customer_delete(customer=customer)
    for customer in Customer.objects.filter(pk__in=set(expired_desires)):
        customer_refresh(customer=customer)
    return wants_deleted, len(customers)


def _holds_release(*, customer: Customer) -> None:
    """The shopper is being erased: their held units are free again (a restock for the
    others), and the shops' cards show no hold for them."""
    freed, shop_ids = [], set()
    for hold in Hold.objects.filter(customer=customer).select_related("item"):
        # Claimed by the DELETE itself: a hold ended meanwhile is not given back twice.
        if Hold.objects.filter(pk=hold.pk).delete()[0]:
            shop_ids.add(hold.shop_id)
            was_free = hold.item.free
            hold.item.release(hold.quantity)
            if was_free <= 0 < hold.item.free:
                freed.append(hold.item)
    for shop_id in shop_ids:
        realtime.push(realtime.shop_group(shop_id), realtime.hold_update_message(customer.code, []))
    if freed:
        items_restocked(items=freed)


def holds_push(*, customer: Customer, shop_id: int | None) -> None:
    """After a change to a shopper's holds or alternatives (on commit): the shop's screens
    get ``hold.update`` (what it holds for them now), the shopper's phone ``holds.update``.
    ``shop_id`` None: only the phone (an alternative changed)."""
    if shop_id is not None:
        realtime.push(
            realtime.shop_group(shop_id),
            realtime.hold_update_message(
                customer.code, customer_holds_payload(customer_id=customer.pk, shop_id=shop_id)
            ),
        )
    realtime.push(
        realtime.customer_group(customer.pk),
        realtime.holds_update_message(
            customer_holds_payload(customer_id=customer.pk),
            customer_alternatives_payload(customer_id=customer.pk),
        ),
    )


def items_restocked(*, items: list[StockItem]) -> None:
    """Items became available (restocked, or units no longer held): the shoppers in the
    mall who want them get their lists and cards again (flow 5b)."""
    matching_services.customers_refresh_for_items(
        item_ids=[item.pk for item in items if item.free > 0]
    )


def share_create(*, customer: Customer, shop: Shop) -> Share:
    """Let ``shop`` read ``customer``'s wants and receive their requests; the shop's
    screens get ``share.new`` (again on a repeated share: the wants may have changed)."""
    with transaction.atomic():
        share, _ = Share.objects.get_or_create(customer=customer, shop=shop)
        realtime.push(
            realtime.shop_group(shop.pk),
            realtime.share_new_message(realtime.share_payload(share, list(customer.desires.all()))),
        )
    return share


def share_withdraw(*, customer: Customer, shop: Shop) -> None:
    """The shopper takes back their share: the shop no longer sees them (unless it holds
    their live card), and its screens drop them from the shared list (``share.withdraw``)."""
    with transaction.atomic():
        deleted, _ = Share.objects.filter(customer=customer, shop=shop).delete()
        if not deleted:
            raise NotFound(f"You have not shared with {shop.name}.", code="no_share")
        realtime.push(realtime.shop_group(shop.pk), realtime.share_withdraw_message(customer.code))


def shop_request_create(*, customer: Customer, shop: Shop, text: str) -> ShopRequest:
    """Send ``shop`` a message from ``customer``; sharing with the shop comes with it."""
    text = text.strip()
    if not text:
        raise DomainError("The request is empty.", code="empty_request")
    with transaction.atomic():
        share_create(customer=customer, shop=shop)
        request = ShopRequest.objects.create(customer=customer, shop=shop, text=text[:500])
        realtime.push(
            realtime.shop_group(shop.pk),
            realtime.request_new_message(shop_request_payload(request)),
        )
    return request


def shop_request_reply(*, request: ShopRequest, text: str) -> ShopRequest:
    """A clerk answers a shopper's request."""
    text = text.strip()
    if not text:
        raise DomainError("The reply is empty.", code="empty_reply")
    request.reply = text[:500]
    request.replied_at = timezone.now()
    request.save(update_fields=["reply", "replied_at"])
    realtime.push(
        realtime.customer_group(request.customer_id),
        {"type": "request.reply", "request": shop_request_payload(request)},
    )
    return request


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
