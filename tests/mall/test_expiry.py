"""Expiry (flow 7): wants, shoppers and stock past their validity are purged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Customer, DesiredProduct
from mall.models import Retention
from matching.models import Card
from stock.models import StockItem
from tests.conftest import jpeg_bytes
from tests.factories import ShopFactory, expire, make_customer, make_item, make_kiosk
from workflows.purge import data_purge
from workflows.sightings import customer_sight

pytestmark = pytest.mark.django_db


def test_expired_shopper_is_purged_with_face_file(
    private_media, django_capture_on_commit_callbacks
):
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    face = private_media / shopper.customer.face_image.name
    expire(shopper.customer)

    with django_capture_on_commit_callbacks(execute=True):
        report = data_purge(now=timezone.now())

    assert report.customers_expired == 1
    assert not Customer.objects.exists()
    assert not face.exists()


def test_expired_want_is_purged_and_others_kept():
    shopper = make_customer("running shoes", "rain jacket")
    DesiredProduct.objects.filter(name="rain jacket").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    report = data_purge(now=timezone.now())

    assert report.wants == 1
    assert list(shopper.customer.desires.values_list("name", flat=True)) == ["running shoes"]


def test_shopper_whose_last_want_expired_is_purged():
    shopper = make_customer("running shoes")
    shopper.customer.desires.update(expires_at=timezone.now() - timedelta(minutes=1))

    data_purge(now=timezone.now())

    assert not Customer.objects.exists()


def test_expired_stock_is_purged_and_its_cards_withdrawn():
    shop = ShopFactory(slug="sole")
    item = make_item(shop, "Running Shoes")
    shopper = make_customer("running shoes")
    customer_sight(kiosk=make_kiosk(shop).kiosk, customer=shopper.customer)
    StockItem.objects.filter(pk=item.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    report = data_purge(now=timezone.now())

    assert report.stock == 1
    assert not StockItem.objects.exists()
    assert not Card.objects.exists()


def test_nothing_valid_is_purged():
    make_item(ShopFactory(slug="sole"), "Running Shoes")
    make_customer("running shoes")

    report = data_purge(now=timezone.now())

    assert (report.wants, report.customers_expired, report.stock) == (0, 0, 0)
    assert Customer.objects.exists() and StockItem.objects.exists()


def test_retention_settings_set_validity_periods():
    Retention.objects.create(desire_days=2, customer_days=3, stock_days=10)

    shopper = make_customer("running shoes").customer
    item = make_item(ShopFactory(slug="sole"), "Running Shoes")

    assert round((shopper.expires_at - timezone.now()) / timedelta(days=1)) == 3
    assert round((shopper.desires.get().expires_at - timezone.now()) / timedelta(days=1)) == 2
    assert round((item.expires_at - timezone.now()) / timedelta(days=1)) == 10
