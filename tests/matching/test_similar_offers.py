"""Similar products in the shopper's list (DESIGN.md rule 7): marked, and after every shop
with an exact match, however near the similar one is."""

import pytest

from matching.models import Card
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import sighting

pytestmark = pytest.mark.django_db


def test_a_shop_with_only_a_similar_item_comes_after_every_exact_shop(api):
    # Given a similar item next door and an exact one a floor away
    near = ShopFactory(slug="near", floor=0, x=1, y=0)
    far = ShopFactory(slug="far", floor=2, x=50, y=0)
    make_item(near, "Blue Running Shoes", price="10.00")
    make_item(far, "Red Running Shoes", price="90.00")
    make_item(near, "Red Running Socks", price="5.00")  # the last word left out: never
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("red running shoes")

    # When the shopper is sighted
    answer = sighting(api, shopper.token, key=kiosk.key)["results"][0]

    # Then the exact shop comes first, the similar one after it, marked
    assert [(o["shop"]["slug"], o["item"]["name"], o["similar"]) for o in answer["offers"]] == [
        ("far", "Red Running Shoes", False),
        ("near", "Blue Running Shoes", True),
    ]
    assert answer["shops_total"] == 2
    # and the similar shop's card says which items are only similar
    card = Card.objects.get(shop=near)
    assert [(i["name"], i["similar"]) for i in card.desires[0]["items"]] == [
        ("Blue Running Shoes", True)
    ]
