"""``PUT /api/shops/<slug>/stock/by-barcode/<barcode>/``: a POS or a clerk's scan creates
or updates the shop's item with that barcode; making it available is a restock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stock.models import StockItem
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from tests.helpers import kiosk_auth
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db

URL = "/api/shops/sole/stock/by-barcode/4006381333931/"


def test_put_of_an_unknown_barcode_creates_the_item(clerk, sole):
    response = clerk.put(
        URL, {"name": "Trail Shoes", "price": "89.90", "quantity": 4}, format="json"
    )

    assert response.status_code == 201
    item = StockItem.objects.get()
    assert (item.barcode, item.name, item.quantity) == ("4006381333931", "Trail Shoes", 4)


def test_put_of_a_known_barcode_updates_that_item_only(clerk, sole):
    item = make_item(sole, "Trail Shoes", quantity=1, barcode="4006381333931")
    make_item(sole, "Other", barcode="111")

    response = clerk.put(URL, {"quantity": 9, "price": "79.00"}, format="json")

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.quantity, str(item.price), item.name) == (9, "79.00", "Trail Shoes")
    assert StockItem.objects.count() == 2


def test_add_restocks_by_that_many(clerk, sole):
    item = make_item(sole, "Trail Shoes", quantity=2, barcode="4006381333931")

    response = clerk.put(URL, {"add": 3}, format="json")

    assert response.json()["quantity"] == 5
    item.refresh_from_db()
    assert item.quantity == 5


def test_kiosk_of_the_shop_may_sync_its_stock(kiosk_api):
    response = kiosk_api.put(
        URL, {"name": "Trail Shoes", "price": "89.90", "quantity": 1}, format="json"
    )

    assert response.status_code == 201


def test_kiosk_of_another_shop_may_not(api, sole):
    key = make_kiosk(ShopFactory(slug="other")).key

    response = api.put(URL, {"quantity": 1}, format="json", **kiosk_auth(key))

    assert response.status_code == 403
    assert not StockItem.objects.exists()


def test_barcode_naming_two_items_is_a_409_and_changes_nothing(clerk, sole):
    for name in ("A", "B"):
        make_item(sole, name, quantity=1, barcode="4006381333931")

    response = clerk.put(URL, {"quantity": 7}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ambiguous_barcode"
    assert list(StockItem.objects.values_list("quantity", flat=True)) == [1, 1]


def test_new_item_without_name_or_price_is_a_400(clerk, sole):
    response = clerk.put(URL, {"quantity": 3}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "missing_fields"
    assert not StockItem.objects.exists()


@pytest.mark.parametrize("body", [{"quantity": -1}, {"add": 0}, {"price": "x"}, []])
def test_bad_body_is_a_400(clerk, sole, body):
    assert clerk.put(URL, body, format="json").status_code == 400


def test_restock_from_zero_reaches_a_shopper_already_here(clerk, sole):
    make_item(sole, "Trail Running Shoes", quantity=0, barcode="4006381333931")
    shopper = make_customer("running shoes")
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=shopper.customer)
    assert not shopper.customer.cards.exists()

    clerk.put(URL, {"add": 2}, format="json")

    assert shopper.customer.cards.get().shop == sole


def test_get_finds_the_item_with_its_free_quantity(clerk, sole):
    make_item(sole, "Trail Shoes", quantity=3, barcode="4006381333931")

    body = clerk.get(URL).json()

    assert (body["name"], body["quantity"], body["held"], body["free"]) == ("Trail Shoes", 3, 0, 3)


def test_put_renews_validity_when_asked(clerk, sole):
    make_item(sole, "Trail Shoes", quantity=3, barcode="4006381333931", valid_days=1)

    clerk.put(URL, {"valid_days": 30}, format="json")

    assert StockItem.objects.get().expires_at > timezone.now() + timedelta(days=29)
