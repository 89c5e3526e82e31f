"""Restock (DESIGN.md, flow 5b): every write that makes an item available reaches the
shoppers in the mall now whose wants it matches: their list and the shop's card."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from matching.models import Card
from matching.selectors import customer_results
from stock.models import StockItem
from tests.factories import MembershipFactory, ShopFactory, make_customer, make_item, make_kiosk
from workflows.restock import stock_items_validity_extend
from workflows.sightings import customer_leave, customer_sight

pytestmark = pytest.mark.django_db


@pytest.fixture
def brolly():
    """An umbrella shop with a clerk, and a shopper in the mall who wants an umbrella that
    nobody has yet."""
    shop = ShopFactory(slug="brolly", name="Brolly")
    membership = MembershipFactory(shop=shop)
    shopper = make_customer("umbrella").customer
    customer_sight(kiosk=make_kiosk(floor=0, x=0, y=0).kiosk, customer=shopper)
    assert not Card.objects.exists()
    return {"shop": shop, "user": membership.user, "shopper": shopper}


def offered(shopper):
    shopper.refresh_from_db()
    return [o["item"]["name"] for r in customer_results(customer=shopper) for o in r["offers"]]


def test_a_new_item_from_the_api(api, brolly):
    api.force_login(brolly["user"])

    response = api.post(
        "/api/shops/brolly/stock/",
        {"name": "Red Umbrella", "quantity": 2, "price": "12.00"},
        format="json",
    )

    assert response.status_code == 201
    assert Card.objects.filter(customer=brolly["shopper"], shop=brolly["shop"]).exists()


def test_a_quantity_going_up_from_zero(api, brolly):
    item = make_item(brolly["shop"], "Red Umbrella", quantity=0)
    assert not Card.objects.exists()
    api.force_login(brolly["user"])

    response = api.patch(f"/api/shops/brolly/stock/{item.pk}/", {"quantity": 5}, format="json")

    assert response.status_code == 200
    assert Card.objects.filter(customer=brolly["shopper"], shop=brolly["shop"]).exists()
    assert offered(brolly["shopper"]) == ["Red Umbrella"]


def test_a_rename_that_now_matches(api, brolly):
    item = make_item(brolly["shop"], "Red Parasol")
    api.force_login(brolly["user"])

    api.patch(f"/api/shops/brolly/stock/{item.pk}/", {"name": "Red Umbrella"}, format="json")

    assert Card.objects.filter(customer=brolly["shopper"], shop=brolly["shop"]).exists()


def test_a_csv_import(brolly, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("brolly,Folding Umbrella,,4,9.50\nbrolly,Rain Boots,,4,30.00\n")

    call_command("import_stock", str(path), stdout=None)

    assert offered(brolly["shopper"]) == ["Folding Umbrella"]
    assert Card.objects.filter(customer=brolly["shopper"], shop=brolly["shop"]).exists()


def test_an_import_of_items_with_nothing_in_stock_reaches_no_one(brolly, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("brolly,Folding Umbrella,,0,9.50\n")

    call_command("import_stock", str(path), stdout=None)

    assert not Card.objects.exists()


def test_an_admin_edit(admin_client, brolly):
    item = make_item(brolly["shop"], "Red Umbrella", quantity=0)

    response = admin_client.post(
        f"/admin/stock/stockitem/{item.pk}/change/",
        {
            "shop": brolly["shop"].pk,
            "name": "Red Umbrella",
            "keywords": "[]",
            "quantity": 3,
            "price": "12.00",
            "barcode": "",
            "expires_at_0": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d"),
            "expires_at_1": "12:00:00",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    assert Card.objects.filter(customer=brolly["shopper"], shop=brolly["shop"]).exists()


def test_keeping_an_expired_item_longer(brolly):
    item = make_item(brolly["shop"], "Red Umbrella")
    StockItem.objects.filter(pk=item.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    customer_sight(kiosk=make_kiosk(floor=0, x=0, y=0).kiosk, customer=brolly["shopper"])
    assert not Card.objects.exists()

    stock_items_validity_extend(item_ids=[item.pk], days=3)

    assert Card.objects.filter(customer=brolly["shopper"], shop=brolly["shop"]).exists()


def test_shoppers_who_left_are_not_reached(api, brolly):
    customer_leave(customer=brolly["shopper"])
    api.force_login(brolly["user"])

    api.post(
        "/api/shops/brolly/stock/",
        {"name": "Red Umbrella", "quantity": 2, "price": "12.00"},
        format="json",
    )

    assert not Card.objects.exists()
