"""Where a sighting's pushes go: the screens of the shops the shopper heads for get
``card.show``; those left behind get ``card.withdraw``; every other screen gets nothing."""

import pytest

from mall.services import clerk_create
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.matching.pushes.helpers import clerk_cookie, connect, drain, run
from workflows.sightings import customer_sight

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


async def screen(shop):
    membership = await run(clerk_create, username=f"clerk-{shop.slug}", shop=shop)
    socket, first = await connect(
        f"/ws/shops/{shop.slug}/", await run(clerk_cookie, user=membership.user)
    )
    assert first["type"] == "cards.snapshot"
    return socket


def kinds(messages):
    return [message["type"] for message in messages]


async def test_walking_moves_the_cards_from_the_shops_left_behind_to_those_ahead(settings):
    # Given hats in two shops at each end of a corridor (one card shop per want).
    settings.CARD_SHOPS = 1
    west = await run(ShopFactory, slug="west", x=0)
    far_west = await run(ShopFactory, slug="far-west", x=10)
    east = await run(ShopFactory, slug="east", x=1000)
    for shop in (west, far_west, east):
        await run(make_item, shop, "Wool Hat")
    west_kiosk = (await run(make_kiosk, floor=0, x=0, y=0)).kiosk
    east_kiosk = (await run(make_kiosk, floor=0, x=1000, y=0)).kiosk
    shopper = (await run(make_customer, "hat")).customer
    screens = {shop.slug: await screen(shop) for shop in (west, far_west, east)}

    # When the shopper is seen in the west, then in the east.
    await run(customer_sight, kiosk=west_kiosk, customer=shopper)
    first = {slug: kinds(await drain(socket)) for slug, socket in screens.items()}
    await run(customer_sight, kiosk=east_kiosk, customer=shopper)
    second = {slug: kinds(await drain(socket)) for slug, socket in screens.items()}

    # Then only the shop ahead shows the card, the one left behind withdraws it, and the
    # second shop in the west, never among the first CARD_SHOPS, heard nothing at all.
    assert first == {"west": ["card.show"], "far-west": [], "east": []}
    assert second == {"west": ["card.withdraw"], "far-west": [], "east": ["card.show"]}
    for socket in screens.values():
        await socket.disconnect()
