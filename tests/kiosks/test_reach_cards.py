"""A sighting's list is one offer per shop, and its cards go only to the shops the shopper
is heading for (DESIGN.md, flow 3 and "The sighting answer")."""

import pytest

from matching.models import Card
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import sighting
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def test_one_offer_per_shop_is_its_best_item_with_the_count_of_the_others(api):
    # Given a shop with three matching items and another with one.
    big = ShopFactory(slug="big", x=10)
    small = ShopFactory(slug="small", x=50)
    make_item(big, "Black Shirt", price="30.00")
    cheapest = make_item(big, "Black Cotton Shirt", price="12.00")
    make_item(big, "Black Linen Shirt", price="45.00")
    make_item(small, "Black Shirt Slim", price="20.00")
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("black shirt", ranking="cheapest")

    # When the shopper is sighted.
    body = sighting(api, shopper.token, key=kiosk.key)

    # Then each shop is one line: its cheapest item, and how many more it has.
    result = body["results"][0]
    assert result["shops_total"] == 2
    assert [o["shop"]["slug"] for o in result["offers"]] == ["big", "small"]
    first = result["offers"][0]
    assert first["item"]["id"] == cheapest.pk
    assert first["more_here"] == 2
    assert first["similar"] is False
    assert result["offers"][1]["more_here"] == 0


def test_list_holds_twenty_shops_and_counts_every_shop(api):
    for n in range(25):
        make_item(ShopFactory(slug=f"s{n:02}", x=n), "Umbrella")
    kiosk = make_kiosk(floor=0, x=0, y=0)
    shopper = make_customer("umbrella")

    result = sighting(api, shopper.token, key=kiosk.key)["results"][0]

    assert result["shops_total"] == 25
    assert [o["shop"]["slug"] for o in result["offers"]] == [f"s{n:02}" for n in range(20)]


def card_rule(answer, *, kiosk_shop_slug, card_shops):
    """The shops DESIGN.md's flow 3 names, computed from the answer alone."""
    named = {o["shop"]["slug"] for r in answer["results"] for o in r["offers"][:card_shops]}
    if any(o["shop"]["slug"] == kiosk_shop_slug for r in answer["results"] for o in r["offers"]):
        named.add(kiosk_shop_slug)
    return named


def carded(customer):
    return set(Card.objects.filter(customer=customer).values_list("shop__slug", flat=True))


@pytest.mark.parametrize("card_shops", [1, 3, 5])
def test_cards_are_exactly_the_first_shops_of_each_want_and_the_kiosk_shop(
    api, settings, card_shops
):
    # Given eight shops with hats and eight with scarves, and a kiosk in a shop whose hat
    # is the dearest (a shopper who ranks by price finds it last).
    settings.CARD_SHOPS = card_shops
    for n in range(8):
        make_item(ShopFactory(slug=f"hat-{n}", x=10 * n), "Wool Hat")
        make_item(ShopFactory(slug=f"scarf-{n}", x=10 * n + 5), "Silk Scarf")
    far = ShopFactory(slug="far", x=500)
    make_item(far, "Straw Hat", price="999.00")
    kiosk = make_kiosk(far)
    shopper = make_customer("hat", "scarf", ranking="cheapest")

    # When the shopper is sighted there.
    answer = sighting(api, shopper.token, key=kiosk.key)

    # Then the cards are exactly the rule's shops: never every shop that has a match.
    expected = card_rule(answer, kiosk_shop_slug="far", card_shops=card_shops)
    assert carded(shopper.customer) == expected
    assert "far" in expected  # the kiosk's own shop has a hat, last on the list
    assert answer["results"][0]["offers"][-1]["shop"]["slug"] == "far"
    assert len(expected) == 2 * card_shops + 1


def test_the_kiosk_shop_gets_no_card_without_a_match(api):
    make_item(ShopFactory(slug="hats", x=10), "Wool Hat")
    kiosk = make_kiosk(ShopFactory(slug="books", x=0))
    shopper = make_customer("hat")

    sighting(api, shopper.token, key=kiosk.key)

    assert carded(shopper.customer) == {"hats"}


def test_moving_withdraws_the_cards_of_shops_left_behind():
    # Given hats at both ends of a corridor and a kiosk at each end.
    for n in range(4):
        make_item(ShopFactory(slug=f"west-{n}", x=n), "Wool Hat")
        make_item(ShopFactory(slug=f"east-{n}", x=1000 - n), "Wool Hat")
    west = make_kiosk(floor=0, x=0, y=0).kiosk
    east = make_kiosk(floor=0, x=1000, y=0).kiosk
    shopper = make_customer("hat").customer

    customer_sight(kiosk=west, customer=shopper)
    assert carded(shopper) == {"west-0", "west-1", "west-2"}

    # When the shopper walks to the other end.
    customer_sight(kiosk=east, customer=shopper)

    # Then only the shops they now head for hold a card.
    assert carded(shopper) == {"east-0", "east-1", "east-2"}


def test_a_card_lists_the_shops_matching_items_with_price_stock_and_barcode():
    shop = ShopFactory(slug="hats")
    straw = make_item(shop, "Straw Hat", price="8.00", quantity=4, barcode="4006381333931")
    make_item(shop, "Wool Hat", price="15.00")
    shopper = make_customer("hat", ranking="cheapest").customer

    customer_sight(kiosk=make_kiosk(shop).kiosk, customer=shopper)

    card = Card.objects.get(customer=shopper)
    items = card.desires[0]["items"]
    assert [i["name"] for i in items] == ["Straw Hat", "Wool Hat"]
    assert items[0] == {
        "id": straw.pk,
        "name": "Straw Hat",
        "price": "8.00",
        "quantity": 4,
        "barcode": "4006381333931",
        "similar": False,
    }
