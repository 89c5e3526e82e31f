"""A shopper's cards: matched again and shown to the shops they are heading for, taken by a
clerk, released by a sale, withdrawn. Each write is matching's (``matching.services``); the
counters are reports'; the pushes go out here, on commit."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from core.errors import NotFound
from customers.models import Customer
from matching import realtime
from matching import services as matching_services
from matching.engine import Position
from matching.models import Card
from matching.selectors import customer_position
from reports.models import ConversionEvent
from reports.services import conversion_cards_shown, conversion_count


def cards_refresh(
    *, customer: Customer, at: Position | None, push_results: bool = True
) -> list[dict[str, Any]]:
    """Match ``customer``'s wants from where they were seen, show a card to the shops they
    are heading for, withdraw it from every other shop; return the ranked results (see
    ``matching.services.cards_plan``). Their phone gets the list unless ``push_results``
    is False."""
    plan = matching_services.cards_plan(customer=customer, at=at)
    # No savepoint when nested (a sighting's transaction): nothing here is retried on error.
    with transaction.atomic(savepoint=False):
        conversion_cards_shown(customer=customer, shop_ids=plan.shown)  # before the upsert
        pushes = matching_services.cards_store(
            customer=customer, plan=plan, push_results=push_results
        )
        realtime.push_many(pushes)
    return plan.results


def customer_refresh(*, customer: Customer) -> list[dict[str, Any]]:
    """Rerun matching for ``customer`` from where they were last seen."""
    return cards_refresh(customer=customer, at=customer_position(customer))


def cards_withdraw_all(*, customer: Customer) -> None:
    """Withdraw every card of ``customer`` (they bought, left, expired or were erased)."""
    realtime.push_many(matching_services.cards_withdraw_all(customer=customer))


def card_take(*, shop_id: int, customer: Customer, clerk: User) -> Card:
    """``clerk`` serves this shopper ("I'll serve them"), taking over from any other clerk:
    every screen of the shop gets ``card.taken``. Only a live card can be taken; a card
    nobody served yet counts as taken (conversion), a takeover does not."""
    with transaction.atomic():
        first = matching_services.card_take(shop_id=shop_id, customer=customer, clerk=clerk)
        if first is None:
            raise NotFound(
                f"Shopper {customer.code} has no live card at this shop.", code="no_card"
            )
        if first:
            conversion_count(shop_id=shop_id, event=ConversionEvent.CARD_TAKEN)
        realtime.push(
            realtime.shop_group(shop_id),
            realtime.card_taken_message(customer.code, clerk.get_username()),
        )
    return Card.objects.get(shop_id=shop_id, customer=customer)


def card_release(*, shop_id: int, customer: Customer) -> None:
    """The shopper was served (a sale): their card at this shop is free again
    (``card.taken`` with no clerk)."""
    if matching_services.card_release(shop_id=shop_id, customer=customer):
        realtime.push(
            realtime.shop_group(shop_id), realtime.card_taken_message(customer.code, None)
        )
