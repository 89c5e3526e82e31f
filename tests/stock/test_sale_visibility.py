"""A sale with a customer code fulfils wants only of a shopper the shop may see."""

import pytest

from customers.models import Customer, DesiredProduct
from stock.models import Sale, StockItem
from tests.factories import ShopFactory, make_customer, make_item, make_kiosk
from workflows.shoppers import share_create
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def test_a_shop_cannot_erase_a_shopper_it_does_not_see(clerk, sole):
    # Given a shopper who never shared with the shop nor was sighted matching it
    shopper = make_customer("running shoes").customer
    item = make_item(sole, "Running Shoes", quantity=3)

    # when its clerk "sells" an item named like the want to their code
    response = clerk.post(
        "/api/shops/sole/sales/", {"item": item.pk, "customer": shopper.code}, format="json"
    )

    # then the sale is refused, no stock is taken, and the shopper keeps their wants
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_customer"
    assert "wants_fulfilled" not in response.json()
    assert StockItem.objects.get().quantity == 3
    assert not Sale.objects.exists()
    assert Customer.objects.filter(pk=shopper.pk).exists()
    assert DesiredProduct.objects.filter(customer=shopper).count() == 1


def test_a_share_lets_the_sale_fulfil_the_want(clerk, sole):
    shopper = make_customer("running shoes", "rain jacket").customer
    share_create(customer=shopper, shop=sole)
    item = make_item(sole, "Running Shoes")

    response = clerk.post(
        "/api/shops/sole/sales/", {"item": item.pk, "customer": shopper.code}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["wants_fulfilled"] == 1


def test_a_live_card_lets_the_sale_fulfil_the_want(clerk, sole):
    shopper = make_customer("running shoes", "rain jacket").customer
    item = make_item(sole, "Running Shoes")
    customer_sight(kiosk=make_kiosk(sole).kiosk, customer=shopper)

    response = clerk.post(
        "/api/shops/sole/sales/", {"item": item.pk, "customer": shopper.code}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["wants_fulfilled"] == 1


def test_a_share_with_another_shop_does_not_count(clerk, sole):
    shopper = make_customer("running shoes").customer
    share_create(customer=shopper, shop=ShopFactory(slug="other"))
    item = make_item(sole, "Running Shoes", quantity=2)

    response = clerk.post(
        "/api/shops/sole/sales/", {"item": item.pk, "customer": shopper.code}, format="json"
    )

    assert response.status_code == 404
    assert StockItem.objects.get().quantity == 2
