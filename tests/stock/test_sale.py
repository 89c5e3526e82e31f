"""Sales: stock never below zero, fulfilment of wants, deletion of the shopper."""

import threading

import pytest
from django.db import connections

from customers.models import Customer, DesiredProduct
from matching.models import Card
from stock.models import Sale, StockItem
from tests.conftest import jpeg_bytes
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from workflows.shoppers import share_create
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def sell(clerk, item, quantity=1, customer=None):
    body = {"item": item.pk, "quantity": quantity} | ({"customer": customer} if customer else {})
    return clerk.post("/api/shops/sole/sales/", body, format="json")


def test_sale_lowers_stock_and_keeps_no_personal_data(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=3, price="50.00")

    response = sell(clerk, item, 2)

    assert response.status_code == 201
    assert response.json()["remaining"] == 1
    sale = Sale.objects.get()
    assert (sale.item_name, sale.quantity, str(sale.unit_price)) == ("Running Shoes", 2, "50.00")
    assert not any(f.name.startswith("customer") for f in Sale._meta.get_fields())


def test_overselling_is_refused_and_stock_unchanged(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=2)

    response = sell(clerk, item, 3)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "out_of_stock"
    assert StockItem.objects.get().quantity == 2
    assert not Sale.objects.exists()


@pytest.mark.parametrize("body", [{"item": "x"}, {"item": 1, "quantity": 0}, {}, {"item": -4}])
def test_bad_sale_is_a_400(clerk, sole, body):
    assert clerk.post("/api/shops/sole/sales/", body, format="json").status_code == 400


def test_sale_of_unknown_item_is_a_404(clerk, sole):
    response = clerk.post("/api/shops/sole/sales/", {"item": 999}, format="json")

    assert response.status_code == 404


def test_sale_with_unknown_customer_code_is_a_404_and_sells_nothing(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=2)

    response = sell(clerk, item, 1, customer="ZZZZZZ")

    assert response.status_code == 404
    assert StockItem.objects.get().quantity == 2


def test_sale_with_code_fulfils_matching_wants_and_keeps_the_others(clerk, sole):
    item = make_item(sole, "Trail Running Shoes")
    shopper = make_customer("running shoes", "rain jacket")
    share_create(customer=shopper.customer, shop=sole)

    response = sell(clerk, item, 1, customer=shopper.customer.code.lower())

    assert response.json()["wants_fulfilled"] == 1
    assert list(DesiredProduct.objects.values_list("name", flat=True)) == ["rain jacket"]


def test_shopper_with_no_wants_left_is_deleted_with_face_file(
    clerk, sole, private_media, django_capture_on_commit_callbacks
):
    item = make_item(sole, "Running Shoes")
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    share_create(customer=shopper.customer, shop=sole)
    face = private_media / shopper.customer.face_image.name
    assert face.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sell(clerk, item, 1, customer=shopper.customer.code)

    assert not Customer.objects.exists()
    assert not face.exists()


def test_sale_withdraws_the_fulfilled_shoppers_cards(clerk, sole):
    item = make_item(sole, "Running Shoes")
    make_item(ShopFactory(slug="far", x=100), "Running Shoes")
    shopper = make_customer("running shoes")
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=shopper.customer)
    assert Card.objects.count() == 2

    sell(clerk, item, 1, customer=shopper.customer.code)

    assert not Card.objects.exists()


def test_last_unit_sold_withdraws_other_shoppers_cards_for_it(clerk, sole):
    item = make_item(sole, "Running Shoes", quantity=1)
    shopper = make_customer("running shoes")
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=shopper.customer)
    assert Card.objects.filter(shop=sole).exists()

    sell(clerk, item, 1)

    assert not Card.objects.filter(shop=sole).exists()
    assert Customer.objects.exists()  # not their sale: they keep their wants


@pytest.mark.django_db(transaction=True)
def test_concurrent_sales_never_take_stock_below_zero():
    """Eight threads sell one unit each of an item with five left: five succeed."""
    from core.errors import OutOfStock
    from workflows.sales import sale_record

    shop = ShopFactory(slug="busy")
    item = make_item(shop, "Last Chance Shoes", quantity=5)
    results: list[str] = []
    barrier = threading.Barrier(8)

    def buy() -> None:
        barrier.wait()
        try:
            sale_record(shop=shop, item_id=item.pk, quantity=1)
            results.append("sold")
        except OutOfStock:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["refused"] * 3 + ["sold"] * 5
    assert StockItem.objects.get().quantity == 0
