"""A kiosk key: sightings, departures, registrations, and its shop's stock and sales (a
POS); nothing about shoppers."""

import pytest

from customers.models import ShopRequest
from stock.models import StockItem
from tests.conftest import jpeg_bytes
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from workflows.shoppers import share_create, shop_request_create
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(sole):
    """A shopper with a photo who shared with the shop, sent it a request, and holds a
    live card there: a clerk of the shop could read all of it."""
    make_item(sole, "Running Shoes")
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes()).customer
    share_create(customer=shopper, shop=sole)
    shop_request_create(customer=shopper, shop=sole, text="size 42 please")
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=shopper)
    return shopper


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "customers/{code}/", None),
        ("get", "customers/{code}/face/", None),
        ("patch", "customers/{code}/desires/{desire}/", {"note": "kept"}),
        ("get", "requests/", None),
        ("post", "requests/{request}/reply/", {"text": "yes"}),
        ("post", "shares/", {"customer": "{code}"}),
    ],
)
def test_a_kiosk_key_reads_nothing_about_shoppers(kiosk_api, seen, method, path, body):
    fill = {
        "code": seen.code,
        "desire": seen.desires.first().pk,
        "request": ShopRequest.objects.get().pk,
    }
    url = "/api/shops/sole/" + path.format(**fill)
    if body:
        body = {k: v.format(**fill) for k, v in body.items()}

    response = getattr(kiosk_api, method)(url, body, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert seen.code not in response.content.decode()


def test_a_kiosk_key_is_its_shops_point_of_sale(kiosk_api, sole, seen):
    # stock: list, add, change; sales, with the code of a shopper the shop sees
    assert kiosk_api.get("/api/shops/sole/stock/").status_code == 200
    created = kiosk_api.post(
        "/api/shops/sole/stock/",
        {"name": "Socks", "quantity": 4, "price": "3.00"},
        format="json",
    )
    assert created.status_code == 201
    item = created.json()["id"]
    patched = kiosk_api.patch(f"/api/shops/sole/stock/{item}/", {"quantity": 5}, format="json")
    assert patched.status_code == 200
    sale = kiosk_api.post("/api/shops/sole/sales/", {"item": item, "quantity": 1}, format="json")
    assert sale.status_code == 201
    shoes = StockItem.objects.get(name="Running Shoes").pk
    to_shopper = kiosk_api.post(
        "/api/shops/sole/sales/", {"item": shoes, "customer": seen.code}, format="json"
    )
    assert to_shopper.status_code == 201
    assert to_shopper.json()["wants_fulfilled"] == 1


def test_a_kiosk_key_is_not_another_shops_point_of_sale(kiosk_api):
    ShopFactory(slug="other")

    assert kiosk_api.get("/api/shops/other/stock/").status_code == 403
