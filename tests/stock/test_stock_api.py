"""Stock API: clerks and the shop's kiosks manage only their own shop's items."""

import pytest

from matching.models import ItemTerm
from stock.models import StockItem
from tests.factories import MembershipFactory, ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import kiosk_auth
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


ITEM = {"name": "Running Shoes", "keywords": ["sneakers"], "quantity": 4, "price": "89.90"}


def test_clerk_adds_an_item_registered_with_validity(clerk, sole):
    response = clerk.post("/api/shops/sole/stock/", ITEM, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["price"] == "89.90"
    item = StockItem.objects.get(pk=body["id"])
    assert (item.expires_at - item.registered_at).days in (6, 7)
    assert ItemTerm.objects.filter(item=item).exists()  # indexed at once


def test_valid_days_sets_the_expiry(clerk, sole):
    response = clerk.post("/api/shops/sole/stock/", ITEM | {"valid_days": 30}, format="json")

    item = StockItem.objects.get(pk=response.json()["id"])
    assert (item.expires_at - item.registered_at).days in (29, 30)


def test_clerk_lists_and_searches_own_stock(clerk, sole):
    make_item(sole, "Running Shoes")
    make_item(sole, "Wool Socks", barcode="4006381333931")

    assert len(clerk.get("/api/shops/sole/stock/").json()) == 2
    found = clerk.get("/api/shops/sole/stock/?q=4006381333931").json()
    assert [i["name"] for i in found] == ["Wool Socks"]


def test_clerk_edits_an_item_and_the_index_follows(clerk, sole):
    item = make_item(sole, "Running Shoes")

    response = clerk.patch(
        f"/api/shops/sole/stock/{item.pk}/", {"name": "Hiking Boots", "price": "99"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["price"] == "99.00"
    words = set(ItemTerm.objects.filter(item=item).values_list("term__word", flat=True))
    assert "boot" in words and "shoe" not in words


def test_clerk_deletes_an_item(clerk, sole):
    item = make_item(sole, "Running Shoes")

    assert clerk.delete(f"/api/shops/sole/stock/{item.pk}/").status_code == 204
    assert not StockItem.objects.exists()


def test_clerk_of_another_shop_is_refused(api, sole):
    make_item(sole, "Running Shoes")
    other = MembershipFactory(shop=ShopFactory(slug="other"))
    api.force_login(other.user)

    assert api.get("/api/shops/sole/stock/").status_code == 403
    assert api.post("/api/shops/sole/stock/", ITEM, format="json").status_code == 403


def test_item_of_another_shop_is_not_found_through_own_shop(clerk, sole):
    foreign = make_item(ShopFactory(slug="other"), "Socks")

    response = clerk.patch(f"/api/shops/sole/stock/{foreign.pk}/", {"quantity": 0}, format="json")

    assert response.status_code == 404
    assert StockItem.objects.get(pk=foreign.pk).quantity == 3


def test_anonymous_is_refused(api, sole):
    response = api.get("/api/shops/sole/stock/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_kiosk_of_the_shop_may_add_stock_with_its_key(kiosk_api):
    response = kiosk_api.post("/api/shops/sole/stock/", ITEM, format="json")

    assert response.status_code == 201


def test_kiosk_of_another_shop_is_refused(api, sole):
    kiosk = make_kiosk(ShopFactory(slug="other"))

    response = api.post("/api/shops/sole/stock/", ITEM, format="json", **kiosk_auth(kiosk.key))

    assert response.status_code == 403


def test_unknown_shop_is_a_404(clerk):
    assert clerk.get("/api/shops/nowhere/stock/").status_code == 404


@pytest.mark.parametrize(
    "bad",
    [
        {"quantity": -1},
        {"price": "-1.00"},
        {"price": "12.345"},
        {"price": "abc"},
        {"quantity": "many"},
        {"name": "x" * 201},
        {"name": ""},
        {"keywords": "sneakers"},
        {"barcode": "1" * 65},
        {"valid_days": 0},
        {"price": "1e400"},
    ],
)
def test_bad_item_is_a_400_and_nothing_is_stored(clerk, sole, bad):
    response = clerk.post("/api/shops/sole/stock/", ITEM | bad, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not StockItem.objects.exists()


LONG_WORDS = [
    "x" * 90,  # over the 64 characters the index once held (a want's name holds 100)
    "a" * 33 + " " + "b" * 33,  # the index also holds adjacent words joined (66 characters)
    "ß" * 60,  # normalised, it grows: "ss" for each
]


@pytest.mark.parametrize("name", LONG_WORDS)
def test_an_item_with_a_very_long_word_is_indexed_and_found(clerk, sole, name):
    response = clerk.post("/api/shops/sole/stock/", ITEM | {"name": name}, format="json")

    assert response.status_code == 201
    kiosk = make_kiosk(sole)
    shopper = make_customer(name)
    answer = customer_sight(kiosk=kiosk.kiosk, customer=shopper.customer)
    assert [offer["item"]["id"] for offer in answer["results"][0]["offers"]] == [
        response.json()["id"]
    ]


def test_a_keyword_with_a_very_long_word_is_indexed(clerk, sole):
    item = make_item(sole, "Running Shoes")

    response = clerk.patch(
        f"/api/shops/sole/stock/{item.pk}/", {"keywords": ["y" * 90]}, format="json"
    )

    assert response.status_code == 200
    assert ItemTerm.objects.filter(item=item, term__word="y" * 90).exists()
