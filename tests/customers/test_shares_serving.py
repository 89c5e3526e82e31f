"""Shares (flow 8) and the shop's answers to them: the shop lists who shared, the shopper
withdraws; alternatives for a want, accepted as a hold or dismissed; one clerk per card."""

import pytest

from customers.models import Share
from matching.models import Card
from stock.models import Alternative, Hold, StockItem
from tests.factories import MembershipFactory, ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import bearer
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


# Shares ------------------------------------------------------------------------------------


def test_shop_lists_who_shared_with_their_wants_newest_first(api, clerk, sole):
    first = make_customer(("running shoes", 5))
    second = make_customer("socks")
    for shopper in (first, second):
        api.post("/api/me/shares/", {"shop": "sole"}, format="json", **bearer(shopper.token))
    make_customer("hats")  # did not share

    response = clerk.get("/api/shops/sole/shares/")

    assert response.status_code == 200
    body = response.json()
    assert [s["customer"] for s in body] == [second.customer.code, first.customer.code]
    assert [(d["name"], d["level"]) for d in body[1]["desires"]] == [("running shoes", 5)]


def test_shares_list_is_for_clerks_of_the_shop_only(api, sole):
    other = ShopFactory(slug="other")
    api.force_login(MembershipFactory(shop=other).user)

    assert api.get("/api/shops/sole/shares/").status_code == 403


def test_kiosk_key_cannot_read_the_shares(kiosk_api):
    response = kiosk_api.get("/api/shops/sole/shares/")

    assert response.status_code == 403


def test_withdrawn_share_leaves_the_list_and_the_shop_loses_sight(api, clerk, sole):
    shopper = make_customer("running shoes")
    api.post("/api/me/shares/", {"shop": "sole"}, format="json", **bearer(shopper.token))
    assert clerk.get(f"/api/shops/sole/customers/{shopper.customer.code}/").status_code == 200

    response = api.delete("/api/me/shares/sole/", **bearer(shopper.token))

    assert response.status_code == 204
    assert clerk.get("/api/shops/sole/shares/").json() == []
    assert clerk.get(f"/api/shops/sole/customers/{shopper.customer.code}/").status_code == 404


def test_withdrawing_a_share_never_made_is_a_404(api, sole):
    shopper = make_customer("running shoes")

    response = api.delete("/api/me/shares/sole/", **bearer(shopper.token))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_share"


# Alternatives ------------------------------------------------------------------------------


@pytest.fixture
def asked(sole):
    """A shopper wanting red running shoes who shared with the shop, which has blue ones."""
    shopper = make_customer("red running shoes")
    Share.objects.create(customer=shopper.customer, shop=sole)
    blue = make_item(sole, "Blue Running Shoes", quantity=1)
    return shopper, shopper.customer.desires.get(), blue


def offer(clerk, shopper, desire, item, note="in blue"):
    body = {"customer": shopper.customer.code, "desire": desire.pk, "item": item.pk}
    return clerk.post("/api/shops/sole/alternatives/", body | {"note": note}, format="json")


def test_alternative_appears_with_the_want_on_me(api, clerk, asked):
    shopper, desire, blue = asked

    response = offer(clerk, shopper, desire, blue)

    assert response.status_code == 201
    (alternative,) = api.get("/api/me/", **bearer(shopper.token)).json()["alternatives"]
    assert alternative["desire"] == {"id": desire.pk, "name": "red running shoes"}
    assert (alternative["item"]["name"], alternative["note"]) == ("Blue Running Shoes", "in blue")
    assert alternative["shop"]["slug"] == "sole"


def test_alternative_of_another_shops_item_is_a_404_and_nothing_is_offered(clerk, asked):
    shopper, desire, _ = asked
    elsewhere = make_item(ShopFactory(slug="other"), "Blue Running Shoes")

    response = offer(clerk, shopper, desire, elsewhere)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_item"
    assert not Alternative.objects.exists()


def test_alternative_for_another_shoppers_want_is_a_404(clerk, asked, sole):
    shopper, _, blue = asked
    someone = make_customer("hats")
    Share.objects.create(customer=someone.customer, shop=sole)

    response = offer(clerk, shopper, someone.customer.desires.get(), blue)

    assert response.status_code == 404
    assert not Alternative.objects.exists()


def test_alternative_for_a_shopper_the_shop_does_not_see_is_a_404(clerk, sole):
    stranger = make_customer("red running shoes")
    blue = make_item(sole, "Blue Running Shoes")

    response = offer(clerk, stranger, stranger.customer.desires.get(), blue)

    assert response.status_code == 404
    assert not Alternative.objects.exists()


def test_accepted_alternative_becomes_a_hold_and_is_gone(api, clerk, asked):
    shopper, desire, blue = asked
    alternative_id = offer(clerk, shopper, desire, blue).json()["id"]

    response = api.post(f"/api/me/alternatives/{alternative_id}/accept/", **bearer(shopper.token))

    assert response.status_code == 201
    assert response.json()["item"]["id"] == blue.pk
    assert Hold.objects.get().customer == shopper.customer
    assert StockItem.objects.get(pk=blue.pk).free == 0
    assert not Alternative.objects.exists()


def test_accepting_an_alternative_with_nothing_free_is_a_409_and_keeps_the_offer(api, clerk, asked):
    shopper, desire, blue = asked
    alternative_id = offer(clerk, shopper, desire, blue).json()["id"]
    clerk.post("/api/shops/sole/sales/", {"item": blue.pk}, format="json")

    response = api.post(f"/api/me/alternatives/{alternative_id}/accept/", **bearer(shopper.token))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_available"
    assert Alternative.objects.exists() and not Hold.objects.exists()


def test_dismissed_alternative_is_gone(api, clerk, asked):
    shopper, desire, blue = asked
    alternative_id = offer(clerk, shopper, desire, blue).json()["id"]

    response = api.delete(f"/api/me/alternatives/{alternative_id}/", **bearer(shopper.token))

    assert response.status_code == 204
    assert not Alternative.objects.exists()


def test_shopper_cannot_accept_someone_elses_alternative(api, clerk, asked):
    shopper, desire, blue = asked
    alternative_id = offer(clerk, shopper, desire, blue).json()["id"]
    other = make_customer("socks")

    response = api.post(f"/api/me/alternatives/{alternative_id}/accept/", **bearer(other.token))

    assert response.status_code == 404
    assert not Hold.objects.exists()


# Taking a card -----------------------------------------------------------------------------


@pytest.fixture
def carded(sole):
    make_item(sole, "Running Shoes", quantity=2)
    make_item(sole, "Shoe Laces", quantity=5)
    shopper = make_customer("running shoes", "shoe laces")
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=shopper.customer)
    return shopper


def test_clerk_takes_a_card(clerk, carded):
    response = clerk.post(f"/api/shops/sole/cards/{carded.customer.code}/take/")

    assert response.status_code == 200
    assert response.json() == {"customer": carded.customer.code, "clerk": "ann"}
    assert Card.objects.get().taken_by.username == "ann"


def test_another_clerk_takes_the_card_over(api, clerk, carded, sole):
    clerk.post(f"/api/shops/sole/cards/{carded.customer.code}/take/")
    api.force_login(MembershipFactory(shop=sole, user__username="bob").user)

    api.post(f"/api/shops/sole/cards/{carded.customer.code}/take/")

    assert Card.objects.get().taken_by.username == "bob"


def test_taking_a_card_that_is_not_live_is_a_404(clerk, sole):
    shopper = make_customer("running shoes")

    response = clerk.post(f"/api/shops/sole/cards/{shopper.customer.code}/take/")

    assert response.status_code == 404


def test_sale_to_the_shopper_releases_their_card(clerk, carded, sole):
    clerk.post(f"/api/shops/sole/cards/{carded.customer.code}/take/")
    item = StockItem.objects.get(name="Running Shoes")

    clerk.post(
        "/api/shops/sole/sales/",
        {"item": item.pk, "customer": carded.customer.code},
        format="json",
    )

    card = Card.objects.get()  # they still want laces, which the shop has
    assert card.taken_by is None
