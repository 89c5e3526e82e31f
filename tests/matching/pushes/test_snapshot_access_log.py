"""Opening a shop's screen or dashboard lists every live card: each is logged as a look by
the clerk who opened it (reports.AccessLog)."""

import pytest

from reports.models import AccessAction, AccessLog
from tests.factories import MembershipFactory, ShopFactory, make_customer, make_item, make_kiosk
from tests.matching.pushes.helpers import clerk_cookie, connect, run
from workflows.sightings import customer_sight

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_layer")]


def _shop_with_two_cards():
    shop = ShopFactory(slug="sole")
    make_item(shop, "Running Shoes")
    kiosk = make_kiosk(shop).kiosk
    codes = []
    for _ in range(2):
        customer = make_customer("running shoes").customer
        customer_sight(kiosk=kiosk, customer=customer)
        codes.append(customer.code)
    AccessLog.objects.all().delete()  # the cards shown: another test's business
    return shop, codes


def _snapshot_rows():
    return sorted(
        AccessLog.objects.filter(action=AccessAction.SNAPSHOT).values_list(
            "actor", "customer_code", "shop_name"
        )
    )


async def test_each_card_of_the_snapshot_is_logged_for_the_clerk_who_opened_the_screen():
    shop, codes = await run(_shop_with_two_cards)
    membership = await run(MembershipFactory, shop=shop, user__username="bob")
    cookie = await run(clerk_cookie, user=membership.user)

    communicator, first = await connect("/ws/shops/sole/", cookie)
    await communicator.disconnect()

    assert sorted(card["customer"] for card in first["cards"]) == sorted(codes)
    assert await run(_snapshot_rows) == sorted(("bob", code, shop.name) for code in codes)
