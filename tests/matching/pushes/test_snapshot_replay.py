"""A screen that applies every push to its first snapshot shows what a fresh snapshot shows,
through sightings, want changes, new stock, sales, departures with purge and erasure
(STYLE.md rule 3; Zulip's test_events)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from customers.services import DesireInput
from mall.services import clerk_create
from matching.selectors import shop_cards_snapshot
from stock.services import StockInput
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.matching.pushes.helpers import clerk_cookie, connect, drain, run
from workflows.restock import stock_item_create
from workflows.sales import sale_record
from workflows.shoppers import customer_delete, customer_update
from workflows.sightings import customer_depart, customer_sight, customers_departed_purge

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


def apply(state: dict[str, dict], messages: list[dict[str, Any]]) -> dict[str, dict]:
    """What a screen does with the pushes it receives."""
    for message in messages:
        if message["type"] == "cards.snapshot":
            state = {card["customer"]: card for card in message["cards"]}
        elif message["type"] == "card.show":
            state[message["card"]["customer"]] = message["card"]
        elif message["type"] == "card.withdraw":
            state.pop(message["customer"], None)
    return state


class Screen:
    """One shop's socket and the cards it has built from its messages."""

    def __init__(self, shop: Any) -> None:
        self.shop = shop
        self.cards: dict[str, dict] = {}
        self.received = 0

    async def open(self) -> None:
        membership = await run(clerk_create, username=f"clerk-{self.shop.slug}", shop=self.shop)
        path = f"/ws/shops/{self.shop.slug}/"
        self.socket, first = await connect(path, await run(clerk_cookie, user=membership.user))
        self.cards = apply({}, [first])

    async def catch_up(self) -> None:
        messages = await drain(self.socket)
        self.received += len(messages)
        self.cards = apply(self.cards, messages)

    async def fresh(self) -> dict[str, dict]:
        cards = await run(shop_cards_snapshot, shop_id=self.shop.pk)
        return {card["customer"]: card for card in cards}


async def test_pushes_applied_to_a_snapshot_equal_a_fresh_snapshot_at_every_step(jpeg):
    # Given two shops, stock, kiosks, and a shopper already carded before the screens open.
    near = await run(ShopFactory, slug="near", x=10)
    far = await run(ShopFactory, slug="far", x=50)
    shoes = await run(make_item, near, "Running Shoes", quantity=1, barcode="111")
    await run(make_item, near, "Blue Tshirt")
    await run(make_item, far, "Running Shoes")
    entrance = (await run(make_kiosk, floor=0, x=0, y=0, name="entrance")).kiosk
    at_far = (await run(make_kiosk, far, name="far-kiosk")).kiosk
    ann = (await run(make_customer, "running shoes", face_jpeg=jpeg)).customer
    bob = (await run(make_customer, "t shirt", ("running shoes", 5))).customer
    cid = (await run(make_customer, "umbrella")).customer
    await run(customer_sight, kiosk=entrance, customer=ann)
    screens = [Screen(near), Screen(far)]
    for screen in screens:
        await screen.open()
    steps = [
        ("bob sighted", customer_sight, {"kiosk": entrance, "customer": bob}),
        ("cid sighted, nothing matches", customer_sight, {"kiosk": entrance, "customer": cid}),
        (
            "bob drops the shoes",
            customer_update,
            {"customer": bob, "desires": [DesireInput(name="t shirt", keywords=[], level=2)]},
        ),
        (
            "far gets umbrellas",
            stock_item_create,
            {
                "shop": far,
                "data": StockInput(name="Umbrella", keywords=[], quantity=2, price=Decimal(5)),
            },
        ),
        ("ann walks to far", customer_sight, {"kiosk": at_far, "customer": ann}),
        (
            "ann buys the last shoes at near",
            sale_record,
            {"shop": near, "item_id": shoes.pk, "quantity": 1, "customer_code": ann.code},
        ),
        ("bob leaves", customer_depart, {"kiosk": entrance, "customer": bob}),
        (
            "purge after the grace period",
            customers_departed_purge,
            {"now": timezone.now() + timedelta(seconds=5), "grace_seconds": 0},
        ),
        ("cid erases their data", customer_delete, {"customer": cid}),
    ]
    for name, service, kwargs in steps:
        # When each step runs and the screens apply what they received,
        await run(service, **kwargs)
        for screen in screens:
            await screen.catch_up()
            # then every screen shows what a fresh snapshot shows.
            assert screen.cards == await screen.fresh(), f"{screen.shop.slug} after {name}"
    # And the steps did push (a test that received nothing would prove nothing).
    assert all(screen.received >= 3 for screen in screens)
    assert all(screen.cards == {} for screen in screens)
    for screen in screens:
        await screen.socket.disconnect()
