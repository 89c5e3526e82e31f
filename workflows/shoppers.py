"""A shopper's wants recorded (registration, a change), shares and requests, an erasure:
each the complete update of the apps it spans (customers, stock's holds, matching's cards,
reports' counters) and then its pushes, sent on commit (``matching.realtime.push``).

A workflow has the name of the app's write it completes (``customers.services``): code
outside the apps calls the workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, NotFound
from customers import services as customers_services
from customers.models import Customer, DesiredProduct, Share, ShopRequest
from customers.payloads import share_payload
from customers.services import DesireInput, Registration, shop_request_payload
from mall.models import Shop
from matching import realtime
from matching.selectors import customer_position
from matching.services import desires_found_set
from reports.services import customer_erasure_record, demand_record_unmet
from stock.models import Hold
from stock.payloads import customer_alternatives_payload, customer_holds_payload
from workflows.cards import cards_refresh, cards_withdraw_all, customer_refresh
from workflows.restock import items_restocked


def _wants_prepare(rows: list[DesiredProduct], before: list[DesiredProduct]) -> None:
    # The index is asked now, while the shopper is at the form, not at their first kiosk.
    desires_found_set(rows)
    demand_record_unmet(desires=rows, before=before)  # anonymous: what no shop has


def customer_register(
    *,
    desires: list[DesireInput],
    payment_method: str,
    ranking: str,
    consent: bool,
    face_jpeg: bytes | None = None,
) -> Registration:
    """Register a shopper with their wants (and a photo, only with consent): each want
    asked of the index, and the ones no shop has counted (anonymously)."""
    return customers_services.customer_register(
        desires=desires,
        payment_method=payment_method,
        ranking=ranking,
        consent=consent,
        face_jpeg=face_jpeg,
        prepare=_wants_prepare,
    )


def customer_update(
    *,
    customer: Customer,
    desires: list[DesireInput] | None = None,
    ranking: str | None = None,
    payment_method: str | None = None,
) -> list[dict[str, Any]]:
    """Replace the wants and/or preferences of ``customer``; matching reruns from where
    they were last seen (``customers.services.customer_update``)."""
    with transaction.atomic():
        customers_services.customer_update(
            customer=customer,
            desires=desires,
            ranking=ranking,
            payment_method=payment_method,
            prepare=_wants_prepare,
        )
        return cards_refresh(customer=customer, at=customer_position(customer))


def customer_delete(*, customer: Customer) -> None:
    """Erase a shopper: cards withdrawn everywhere, rows deleted, face file deleted."""
    with transaction.atomic():
        _holds_release(customer=customer)
        cards_withdraw_all(customer=customer)
        customer_erasure_record(customer=customer)  # dwell time; the access log's clock
        realtime.push(realtime.customer_group(customer.pk), realtime.erased_message())
        customers_services.customer_erase(customer=customer)


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


def share_create(*, customer: Customer, shop: Shop) -> Share:
    """Let ``shop`` read ``customer``'s wants and receive their requests; the shop's
    screens get ``share.new`` (again on a repeated share: the wants may have changed)."""
    with transaction.atomic():
        share, _ = Share.objects.get_or_create(customer=customer, shop=shop)
        realtime.push(
            realtime.shop_group(shop.pk),
            realtime.share_new_message(share_payload(share, list(customer.desires.all()))),
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
        realtime.request_reply_message(shop_request_payload(request)),
    )
    return request
