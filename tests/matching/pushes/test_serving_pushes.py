"""The pushes of serving a shopper (flows 8-10): ``share.new``, ``share.withdraw``,
``card.taken``, ``hold.update`` to the shop; ``holds.update``, ``alternative.new`` to the
phone. Each is JSON with the contract's fields, and a screen that applies them to its
snapshot shows what a fresh snapshot shows."""

from typing import Any

import pytest

from customers.models import Share
from mall.services import clerk_create
from matching.selectors import shop_cards_snapshot
from stock.models import Hold
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.matching.pushes.helpers import clerk_cookie, connect, drain, phone_cookie, run
from workflows.cards import card_take
from workflows.holds import alternative_create, hold_cancel, hold_create
from workflows.sales import sale_record
from workflows.shoppers import customer_delete, share_create, share_withdraw
from workflows.sightings import customer_sight

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


@pytest.fixture
def shop():
    shop = ShopFactory(slug="shoes", x=10)
    make_item(shop, "Running Shoes", quantity=3, barcode="400")
    return shop


async def clerk_socket(shop, username="ann"):
    membership = await run(clerk_create, username=username, shop=shop)
    socket, first = await connect(
        f"/ws/shops/{shop.slug}/", await run(clerk_cookie, user=membership.user)
    )
    return socket, first, membership.user


def apply(cards: dict[str, dict], messages: list[dict[str, Any]]) -> dict[str, dict]:
    """What the dashboard does with the card pushes."""
    for message in messages:
        if message["type"] == "card.show":
            cards[message["card"]["customer"]] = message["card"]
        elif message["type"] == "card.withdraw":
            cards.pop(message["customer"], None)
        elif message["type"] == "card.taken" and message["customer"] in cards:
            cards[message["customer"]]["taken_by"] = message["clerk"]
        elif message["type"] == "hold.update" and message["customer"] in cards:
            cards[message["customer"]]["holds"] = message["holds"]
    return cards


async def test_share_from_the_phone_reaches_the_shops_sockets_with_the_wants(shop):
    socket, _, _ = await clerk_socket(shop)
    shopper = await run(make_customer, ("running shoes", 4))

    await run(share_create, customer=shopper.customer, shop=shop)

    (message,) = await drain(socket)
    assert message["type"] == "share.new"
    assert message["share"]["customer"] == shopper.customer.code
    assert [(d["name"], d["level"]) for d in message["share"]["desires"]] == [("running shoes", 4)]
    await socket.disconnect()


async def test_withdrawn_share_is_dropped_by_the_shops_sockets(shop):
    shopper = await run(make_customer)
    await run(Share.objects.create, customer=shopper.customer, shop=shop)
    socket, _, _ = await clerk_socket(shop)

    await run(share_withdraw, customer=shopper.customer, shop=shop)

    assert await drain(socket) == [{"type": "share.withdraw", "customer": shopper.customer.code}]
    await socket.disconnect()


async def test_a_share_reaches_no_other_shop(shop):
    other = await run(ShopFactory, slug="other")
    socket, _, _ = await clerk_socket(other, "bob")
    shopper = await run(make_customer)

    await run(share_create, customer=shopper.customer, shop=shop)

    assert await drain(socket) == []
    await socket.disconnect()


async def test_card_taken_reaches_every_socket_of_the_shop_and_a_takeover_too(shop):
    first, _, ann = await clerk_socket(shop, "ann")
    second, _, bob = await clerk_socket(shop, "bob")
    shopper = await run(make_customer)
    kiosk = await run(make_kiosk, shop)
    await run(customer_sight, kiosk=kiosk.kiosk, customer=shopper.customer)
    await drain(first), await drain(second)

    await run(card_take, shop_id=shop.pk, customer=shopper.customer, clerk=ann)
    await run(card_take, shop_id=shop.pk, customer=shopper.customer, clerk=bob)

    code = shopper.customer.code
    expected = [
        {"type": "card.taken", "customer": code, "clerk": "ann"},
        {"type": "card.taken", "customer": code, "clerk": "bob"},
    ]
    assert await drain(first) == expected
    assert await drain(second) == expected
    await first.disconnect()
    await second.disconnect()


async def test_hold_reaches_the_shop_as_hold_update_and_the_phone_as_holds_update(shop):
    shopper = await run(make_customer, "running shoes")
    await run(Share.objects.create, customer=shopper.customer, shop=shop)
    screen, _, _ = await clerk_socket(shop)
    phone, _ = await connect("/ws/me/", await run(phone_cookie, customer=shopper.customer))
    item = await run(lambda: shop.stock.get())

    await run(hold_create, shop=shop, customer=shopper.customer, item_id=item.pk, quantity=2)

    (to_shop,) = await drain(screen)
    assert to_shop["type"] == "hold.update"
    assert to_shop["customer"] == shopper.customer.code
    assert [(h["item"]["name"], h["quantity"]) for h in to_shop["holds"]] == [("Running Shoes", 2)]
    (to_phone,) = await drain(phone)
    assert to_phone["type"] == "holds.update"
    assert to_phone["holds"] == to_shop["holds"]
    assert to_phone["alternatives"] == []
    await screen.disconnect()
    await phone.disconnect()


async def test_alternative_reaches_the_phone(shop):
    shopper = await run(make_customer, "red running shoes")
    await run(Share.objects.create, customer=shopper.customer, shop=shop)
    blue = await run(make_item, shop, "Blue Running Shoes")
    phone, _ = await connect("/ws/me/", await run(phone_cookie, customer=shopper.customer))
    desire = await run(lambda: shopper.customer.desires.get())

    await run(
        alternative_create,
        shop=shop,
        customer=shopper.customer,
        desire_id=desire.pk,
        item_id=blue.pk,
        note="in blue",
    )

    new, update = await drain(phone)
    assert new["type"] == "alternative.new"
    assert new["alternative"]["item"]["name"] == "Blue Running Shoes"
    assert new["alternative"]["desire"] == {"id": desire.pk, "name": "red running shoes"}
    assert new["alternative"]["note"] == "in blue"
    assert update["type"] == "holds.update"
    assert update["alternatives"] == [new["alternative"]]
    await phone.disconnect()


async def test_card_pushes_applied_to_a_snapshot_equal_a_fresh_snapshot(shop):
    # Given a shopper carded at the shop, and a screen open on it
    shopper = await run(make_customer, "running shoes")
    kiosk = await run(make_kiosk, shop)
    await run(customer_sight, kiosk=kiosk.kiosk, customer=shopper.customer)
    screen, first, ann = await clerk_socket(shop)
    cards = {card["customer"]: card for card in first["cards"]}
    item = await run(lambda: shop.stock.get())

    async def fresh() -> dict[str, dict]:
        return {c["customer"]: c for c in await run(shop_cards_snapshot, shop_id=shop.pk)}

    # When a clerk takes the card, holds an item, another hold is cancelled, a sighting
    # follows, then the shopper buys
    steps = [
        lambda: card_take(shop_id=shop.pk, customer=shopper.customer, clerk=ann),
        lambda: hold_create(shop=shop, customer=shopper.customer, item_id=item.pk, quantity=1),
        lambda: hold_create(shop=shop, customer=shopper.customer, item_id=item.pk, quantity=1),
        lambda: hold_cancel(hold=Hold.objects.select_related("customer").last()),
        lambda: customer_sight(kiosk=kiosk.kiosk, customer=shopper.customer),
        lambda: sale_record(
            shop=shop, item_id=item.pk, quantity=1, customer_code=shopper.customer.code
        ),
    ]
    for step in steps:
        await run(step)
        cards = apply(cards, await drain(screen))
        # Then at every step the screen shows what a fresh snapshot shows
        assert cards == await fresh()
    await screen.disconnect()


async def test_erased_shopper_leaves_no_hold_on_the_shops_screens(shop):
    shopper = await run(make_customer, "running shoes")
    await run(Share.objects.create, customer=shopper.customer, shop=shop)
    item = await run(lambda: shop.stock.get())
    await run(hold_create, shop=shop, customer=shopper.customer, item_id=item.pk)
    screen, _, _ = await clerk_socket(shop)

    await run(customer_delete, customer=shopper.customer)

    assert {"type": "hold.update", "customer": shopper.customer.code, "holds": []} in await drain(
        screen
    )
    await screen.disconnect()
