"""Each pushed message type reaches its socket as JSON, with the fields of the contract."""

import pytest

from mall.services import clerk_create
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.matching.pushes.helpers import clerk_cookie, connect, drain, phone_cookie, run
from workflows.shoppers import customer_delete, shop_request_create, shop_request_reply
from workflows.sightings import customer_sight

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]

CARD_FIELDS = {
    "customer",
    "face_url",
    "desires",
    "payment_method",
    "seen_at_kiosk",
    "distance_m",
    "seen_at",
    "items",
    "taken_by",
    "holds",
}


@pytest.fixture
def shop_with_shoes():
    shop = ShopFactory(slug="shoes", x=10)
    make_item(shop, "Running Shoes")
    return shop


async def shop_socket(shop):
    membership = await run(clerk_create, username="ann", shop=shop)
    return await connect(f"/ws/shops/{shop.slug}/", await run(clerk_cookie, user=membership.user))


async def test_cards_snapshot_lists_live_cards_as_json(shop_with_shoes, jpeg):
    shopper = await run(make_customer, face_jpeg=jpeg)
    await run(
        customer_sight,
        kiosk=(await run(make_kiosk, floor=0, x=0, y=0)).kiosk,
        customer=shopper.customer,
    )

    communicator, snapshot = await shop_socket(shop_with_shoes)

    assert snapshot["type"] == "cards.snapshot"
    (card,) = snapshot["cards"]
    assert set(card) == CARD_FIELDS
    assert card["face_url"] == f"/api/shops/shoes/customers/{shopper.customer.code}/face/"
    assert card["desires"][0]["name"] == "running shoes"
    assert card["distance_m"] == 10.0
    await communicator.disconnect()


async def test_card_show_carries_the_card_fields(shop_with_shoes):
    communicator, _ = await shop_socket(shop_with_shoes)
    shopper = await run(make_customer, ("running shoes", 5), payment_method="cash")
    kiosk = await run(make_kiosk, floor=0, x=0, y=0, name="entrance")

    await run(customer_sight, kiosk=kiosk.kiosk, customer=shopper.customer)

    (message,) = await drain(communicator)
    assert message["type"] == "card.show"
    card = message["card"]
    assert set(card) == CARD_FIELDS
    assert card["customer"] == shopper.customer.code
    assert card["face_url"] is None
    assert card["desires"][0]["level"] == 5
    assert card["payment_method"] == "cash"
    assert card["seen_at_kiosk"] == "entrance"
    await communicator.disconnect()


async def test_card_withdraw_names_the_customer(shop_with_shoes):
    shopper = await run(make_customer)
    kiosk = await run(make_kiosk, floor=0, x=0, y=0)
    await run(customer_sight, kiosk=kiosk.kiosk, customer=shopper.customer)
    communicator, _ = await shop_socket(shop_with_shoes)

    await run(customer_delete, customer=shopper.customer)

    assert await drain(communicator) == [
        {"type": "card.withdraw", "customer": shopper.customer.code}
    ]
    await communicator.disconnect()


async def test_request_new_carries_the_request(shop_with_shoes):
    communicator, _ = await shop_socket(shop_with_shoes)
    shopper = await run(make_customer)

    await run(shop_request_create, customer=shopper.customer, shop=shop_with_shoes, text="Size 42?")

    # A request shares with the shop: the share arrives first, then the request
    share, message = await drain(communicator)
    assert share["type"] == "share.new"
    assert message["type"] == "request.new"
    assert message["request"]["text"] == "Size 42?"
    assert message["request"]["customer"] == shopper.customer.code
    await communicator.disconnect()


async def test_shops_update_carries_the_ranked_results(shop_with_shoes):
    shopper = await run(make_customer)
    communicator, _ = await connect("/ws/me/", await run(phone_cookie, customer=shopper.customer))
    kiosk = await run(make_kiosk, floor=0, x=0, y=0)

    await run(customer_sight, kiosk=kiosk.kiosk, customer=shopper.customer)

    (message,) = await drain(communicator)
    assert message["type"] == "shops.update"
    offer = message["results"][0]["offers"][0]
    assert offer["shop"]["slug"] == "shoes"
    assert offer["item"]["price"] == "10.00"
    assert offer["distance_m"] == 10.0
    await communicator.disconnect()


async def test_request_reply_reaches_the_phone(shop_with_shoes):
    shopper = await run(make_customer)
    request = await run(
        shop_request_create, customer=shopper.customer, shop=shop_with_shoes, text="Size 42?"
    )
    communicator, _ = await connect("/ws/me/", await run(phone_cookie, customer=shopper.customer))

    await run(shop_request_reply, request=request, text="Yes, kept for you")

    (message,) = await drain(communicator)
    assert message["type"] == "request.reply"
    assert message["request"]["reply"] == "Yes, kept for you"
    await communicator.disconnect()


async def test_me_erased_reaches_the_phone_which_is_then_closed(shop_with_shoes):
    shopper = await run(make_customer)
    communicator, _ = await connect("/ws/me/", await run(phone_cookie, customer=shopper.customer))

    await run(customer_delete, customer=shopper.customer)

    assert await communicator.receive_json_from(timeout=5) == {"type": "me.erased"}
    assert (await communicator.receive_output(timeout=5))["type"] == "websocket.close"
