"""``manage.py purge``: expired wants, shoppers (face file included), departed shoppers
and stock go; ``--every`` keeps doing it."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from customers.models import Customer, DesiredProduct
from stock.models import StockItem
from tests.conftest import jpeg_bytes
from tests.factories import ShopFactory, expire, make_customer, make_item
from workflows.purge import data_purge_repeat

pytestmark = pytest.mark.django_db

PAST = timezone.now() - timedelta(days=2)


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def test_expired_shopper_and_their_face_file_are_deleted(
    private_media, django_capture_on_commit_callbacks
):
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    face = private_media / shopper.customer.face_image.name
    assert face.exists()
    expire(shopper.customer)

    with django_capture_on_commit_callbacks(execute=True):
        out = purge()

    assert "1 expired shoppers" in out
    assert not Customer.objects.exists()
    assert not face.exists()


def test_expired_want_is_deleted_and_the_shoppers_other_wants_kept():
    shopper = make_customer("running shoes", "rain jacket")
    DesiredProduct.objects.filter(name="rain jacket").update(expires_at=PAST)

    out = purge()

    assert "purged 1 wants" in out
    assert list(shopper.customer.desires.values_list("name", flat=True)) == ["running shoes"]


def test_expired_stock_is_deleted_and_fresh_stock_kept():
    shop = ShopFactory()
    make_item(shop, "Old Boots")
    make_item(shop, "New Boots")
    StockItem.objects.filter(name="Old Boots").update(expires_at=PAST)

    out = purge()

    assert "1 stock items" in out
    assert list(StockItem.objects.values_list("name", flat=True)) == ["New Boots"]


def test_shopper_out_of_range_past_the_grace_is_deleted_with_face_file(
    settings, private_media, django_capture_on_commit_callbacks
):
    settings.DEPARTURE_GRACE = 600
    shopper = make_customer("running shoes", face_jpeg=jpeg_bytes())
    face = private_media / shopper.customer.face_image.name
    Customer.objects.filter(pk=shopper.customer.pk).update(
        out_of_range_since=timezone.now() - timedelta(seconds=601)
    )

    with django_capture_on_commit_callbacks(execute=True):
        out = purge()

    assert "1 departed shoppers" in out
    assert not face.exists()


def test_every_runs_the_purge_again_and_again():
    out = purge("--every", "0.01", "--runs", "3")

    assert out.count("purged") == 3


def test_every_deletes_what_expired_after_the_first_run():
    shop = ShopFactory()
    make_item(shop, "Boots")
    reports = []

    def report(result):
        reports.append(result.stock)
        # Between the runs, the item's validity ends.
        StockItem.objects.update(expires_at=PAST)

    data_purge_repeat(every=0.01, runs=2, report=report)

    assert reports == [0, 1]


def test_repeat_stops_when_told():
    stop = threading.Event()
    runs = []

    def report(result):
        runs.append(result)
        if len(runs) == 2:
            stop.set()

    done = data_purge_repeat(every=0.01, report=report, stop=stop)

    assert done == 2


def test_runs_without_every_is_refused():
    with pytest.raises(CommandError, match="--runs goes with --every"):
        purge("--runs", "2")
