"""Phones hear about stock: a new matching item, or an item sold out (``shops.update``)."""

import pytest

from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.matching.pushes.helpers import connect, drain, phone_cookie, run
from workflows.sales import sale_record
from workflows.sightings import customer_depart, customer_sight

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


async def sighted_phone(*wants: str):
    """A shopper sighted at the entrance, and their paired phone's socket (drained)."""
    kiosk = (await run(make_kiosk, floor=0, x=0, y=0)).kiosk
    customer = (await run(make_customer, *wants)).customer
    await run(customer_sight, kiosk=kiosk, customer=customer)
    socket, _ = await connect("/ws/me/", await run(phone_cookie, customer=customer))
    return kiosk, customer, socket


def offered_items(message: dict) -> list[str]:
    return [offer["item"]["name"] for result in message["results"] for offer in result["offers"]]


async def test_new_matching_item_updates_the_phone_of_a_shopper_in_the_mall():
    shop = await run(ShopFactory)
    _, _, socket = await sighted_phone("umbrella")

    await run(make_item, shop, "Folding Umbrella")

    (message,) = await drain(socket)
    assert message["type"] == "shops.update"
    assert offered_items(message) == ["Folding Umbrella"]
    await socket.disconnect()


async def test_new_item_that_matches_nobody_pushes_nothing():
    shop = await run(ShopFactory)
    _, _, socket = await sighted_phone("umbrella")

    await run(make_item, shop, "Coffee Beans")

    assert await drain(socket) == []
    await socket.disconnect()


async def test_new_matching_item_skips_a_shopper_out_of_range():
    shop = await run(ShopFactory)
    kiosk, customer, socket = await sighted_phone("umbrella")
    await run(customer_depart, kiosk=kiosk, customer=customer)

    await run(make_item, shop, "Folding Umbrella")

    assert await drain(socket) == []
    await socket.disconnect()


async def test_sold_out_item_leaves_the_phone_list():
    shop = await run(ShopFactory)
    item = await run(make_item, shop, "Folding Umbrella", quantity=1)
    _, _, socket = await sighted_phone("umbrella")

    await run(sale_record, shop=shop, item_id=item.pk, quantity=1)

    messages = await drain(socket)
    assert messages
    assert offered_items(messages[-1]) == []
    await socket.disconnect()
